"""Receipt printers by URL: send a job whole, or ask how the printer is.

:func:`send` opens the printer, asks its real-time status where the connection carries
answers (socket, serial, USB: ``DLE EOT 1``, ``2`` and ``4``), refuses to print when it is
offline, out of paper or open, sends every byte in one go, asks again (an answer then also
says the printer read the whole job) and closes. Any failure is a :class:`PrinterUnavailable`
in plain words naming the printer. No step (connecting, each status query, sending, closing)
waits much longer than the timeout: steps run on a helper thread, which a device that never
returns is left to (a blocked device call cannot be interrupted). Safe to call from any
thread; calls for one printer take turns.

A printer that never answers status is "status unknown" and still prints.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from drivers.escpos_lib import DeviceNotFoundError
from drivers.printer_links import Link, LinkError, open_link
from drivers.printer_url import FileUrl, PrinterUrl, PrinterUrlError, parse_printer_url

__all__ = [
    "PrinterState",
    "PrinterUnavailable",
    "PrinterUrl",
    "PrinterUrlError",
    "parse_printer_url",
    "query",
    "send",
]

STATUS_WAIT = 0.5
"""Seconds to wait for a status answer before the job (at most the timeout)."""
_GRACE = 0.5  # beyond the timeout, so a connection's own timeout is what usually ends a step
_QUERIES = (1, 2, 4)  # printer status, offline cause, paper sensor
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_PAPER_END_STOP = 0x20
_NEAR_END = 0x0C
_PAPER_END = 0x60
_GONE = frozenset({errno.ENOENT, errno.ENODEV, errno.ENXIO})
_DENIED = frozenset({errno.EACCES, errno.EPERM})
_UNREACHABLE = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN})
_DROPPED = frozenset({errno.EPIPE, errno.ECONNRESET, errno.ECONNABORTED})

Paper = Literal["ok", "low", "out"]
Step = Literal["connect", "status", "send", "close"]
T = TypeVar("T")


@dataclass(frozen=True)
class PrinterState:
    """What the printer said of itself; None where it did not say (or cannot)."""

    online: bool | None = None
    paper: Paper | None = None
    cover_open: bool | None = None

    @property
    def problem(self) -> str:
        """Why it cannot print, in plain words ("out of paper"), or ``""``."""
        if self.paper == "out":
            return "out of paper"
        if self.cover_open:
            return "cover open"
        if self.online is False:
            return "offline"
        return ""

    @property
    def warning(self) -> str:
        """What it prints despite ("paper low"), or ``""``."""
        return "paper low" if self.paper == "low" else ""


class PrinterUnavailable(Exception):
    """The printer did not print (or could not be asked); the message says why, plainly."""

    def __init__(self, message: str, state: PrinterState | None = None) -> None:
        super().__init__(message)
        self.state = state


def send(url: PrinterUrl, data: bytes, *, timeout: float) -> PrinterState:
    """Print ``data`` (ESC/POS bytes) on ``url``, all of it; the printer's state after the
    job (its paper may have run out during it), or a state of None where it does not say.

    Raises :class:`PrinterUnavailable`, and sends nothing, when the printer says it is
    offline, out of paper or open; and on any failure to connect or to send.
    """
    return _session(url, data, timeout)


def query(url: PrinterUrl, *, timeout: float) -> PrinterState:
    """How the printer is, asked without printing. A spooler's printers cannot say (an
    unknown state); a device file is checked to be there and writable."""
    if isinstance(url, FileUrl):
        return _file_state(url)
    if not url.answers_status:
        return PrinterState()
    return _session(url, None, timeout)


def _session(url: PrinterUrl, job: bytes | None, timeout: float) -> PrinterState:
    if not timeout > 0:
        raise ValueError(f"a printer timeout is more than 0 seconds, not {timeout}")
    name = url.describe()
    turn = _turn(name)
    if not turn.acquire(timeout=timeout):
        raise PrinterUnavailable(f"The {name} is busy with another job.")
    try:
        link = _step(url, "connect", timeout, timeout, functools.partial(open_link, url, timeout))
        try:
            state = _ask_status(url, link, timeout, min(STATUS_WAIT, timeout))
            if job is not None:
                _refuse_on(name, state)
                _step(url, "send", timeout, timeout, functools.partial(link.write, job))
                if state != PrinterState():
                    after = _ask_status(url, link, timeout, timeout)
                    state = after if after != PrinterState() else state
        except BaseException:
            with contextlib.suppress(PrinterUnavailable):
                _step(url, "close", timeout, timeout, link.abort)
            raise
        _step(url, "close", timeout, timeout, link.close)
        return state
    finally:
        turn.release()


def _refuse_on(name: str, state: PrinterState) -> None:
    if state.paper == "out":
        raise PrinterUnavailable(f"The {name} is out of paper.", state)
    if state.cover_open:
        raise PrinterUnavailable(f"The cover of the {name} is open.", state)
    if state.online is False:
        raise PrinterUnavailable(f"The {name} is offline.", state)


def _ask_status(url: PrinterUrl, link: Link, timeout: float, wait: float) -> PrinterState:
    """The printer's answers to the status queries; a printer that does not answer one is
    not asked the rest."""
    answers: dict[int, int] = {}
    if url.answers_status:
        for which in _QUERIES:
            ask = functools.partial(link.ask, b"\x10\x04" + bytes([which]), wait)
            answer = _status_byte(_step(url, "status", timeout, wait, ask))
            if answer is None:
                break
            answers[which] = answer
    return _state(answers)


def _status_byte(answer: bytes) -> int | None:
    """The last byte of ``answer`` shaped as a status answer (bits 1 and 4 set, 0 and 7
    clear), or None."""
    return next((byte for byte in reversed(answer) if byte & 0x93 == 0x12), None)


def _state(answers: dict[int, int]) -> PrinterState:
    printer, cause, sensor = (answers.get(which) for which in _QUERIES)
    paper: Paper | None = None
    if sensor is not None:
        paper = "out" if sensor & _PAPER_END else "low" if sensor & _NEAR_END else "ok"
    if cause is not None and cause & _PAPER_END_STOP:
        paper = "out"
    return PrinterState(
        online=None if printer is None else not printer & _OFFLINE,
        paper=paper,
        cover_open=None if cause is None else bool(cause & _COVER_OPEN),
    )


_turns: dict[str, threading.Lock] = {}
_turns_lock = threading.Lock()


def _turn(name: str) -> threading.Lock:
    with _turns_lock:
        return _turns.setdefault(name, threading.Lock())


def _step(url: PrinterUrl, step: Step, timeout: float, wait: float, call: Callable[[], T]) -> T:
    """``call()`` on a helper thread, given ``wait`` seconds (and a grace); any failure, or
    no end in time, as a PrinterUnavailable in words."""
    done: Future[T] = Future()

    def run() -> None:
        try:
            done.set_result(call())
        except BaseException as exc:
            done.set_exception(exc)

    threading.Thread(target=run, name=f"printer {step}", daemon=True).start()
    try:
        return done.result(timeout=wait + _GRACE)
    except Exception as exc:
        words = _words(url, step, exc, timeout)
        end = "" if words.endswith("?") else "."
        raise PrinterUnavailable(f"The {url.describe()} {words}{end}") from exc


def _words(url: PrinterUrl, step: Step, exc: Exception, timeout: float) -> str:
    seconds = f"{timeout:g} second{'' if timeout == 1 else 's'}"
    if isinstance(exc, LinkError):
        return str(exc)
    if isinstance(exc, socket.gaierror):
        return "cannot be found: its name is not known on the network"
    cause = _os_error(exc)
    code = cause.errno if cause is not None else None
    if isinstance(exc, TimeoutError) or code == errno.ETIMEDOUT:
        if step == "send":
            return f"stopped taking the receipt (nothing for {seconds}); is it jammed?"
        return f"did not answer within {seconds}"
    if isinstance(exc, ConnectionRefusedError) or code == errno.ECONNREFUSED:
        return "refused the connection; is it switched on?"
    if isinstance(exc, BrokenPipeError | ConnectionResetError | ConnectionAbortedError) or (
        code in _DROPPED
    ):
        return "dropped the connection in the middle of the receipt"
    if code in _GONE:
        if isinstance(url, FileUrl):
            return "cannot be opened: there is no such file or folder"
        return "is not there; is it plugged in and switched on?"
    if code in _DENIED:
        return "may not be used by this user (permission denied)"
    if code == errno.EBUSY:
        return "is in use by another program"
    if code == errno.EISDIR:
        return "is a folder, not a printer"
    if code in _UNREACHABLE:
        return "cannot be reached on the network"
    if code is not None:
        return f"failed: {os.strerror(code).lower()}"
    if isinstance(exc, DeviceNotFoundError):
        return "is not there; is it plugged in and switched on?"
    said = str(exc).strip()
    return f"failed: {said.splitlines()[0] if said else type(exc).__name__}"


def _os_error(exc: BaseException | None) -> OSError | None:
    """The first ``OSError`` with an error number in ``exc`` and what it came from."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError) and isinstance(exc.errno, int):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _file_state(url: FileUrl) -> PrinterState:
    target = Path(url.path)
    where = target if target.exists() else target.parent
    if target.is_dir():
        raise PrinterUnavailable(f"The {url.describe()} is a folder, not a printer.")
    if not where.exists() or (where != target and not where.is_dir()):
        raise PrinterUnavailable(
            f"The {url.describe()} cannot be opened: there is no such file or folder."
        )
    if not os.access(where, os.W_OK):
        raise PrinterUnavailable(
            f"The {url.describe()} may not be used by this user (permission denied)."
        )
    return PrinterState()
