"""A fake ESC/POS network printer on loopback, and a decoder for what it was sent.

:class:`FakePrinter` listens on a free loopback port like a printer's raw port 9100: it keeps
every byte of each connection (one connection is one job), answers the real-time status
queries (``DLE EOT 1``, ``2``, ``4``) from its state, and misbehaves on request: off (the
port refuses connections), stops reading, drops a job after some bytes, accepts slowly.
:func:`decode` turns ESC/POS bytes back into the text printed and the commands seen (cuts,
drawer kicks, barcodes), so tests check the receipt rather than bytes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

DLE_EOT = b"\x10\x04"
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_PAPER_END_STOP = 0x20
_NEAR_END = 0x0C
_PAPER_END = 0x60
_FIXED = 0x12


class FakePrinter:
    """A network printer on ``127.0.0.1``; ``url`` is its ``socket://`` address."""

    def __init__(self) -> None:
        self.paper: Literal["ok", "low", "out"] = "ok"
        self.cover_open = False
        self.offline = False
        """Offline with paper in and the cover shut (a printer in an error state)."""
        self.answers_status = True
        """False: a printer that never answers status queries (many cheap ones)."""
        self.stop_reading = False
        """Accept the connection, then never read from it (a jammed printer)."""
        self.drop_after: int | None = None
        """Close a job's connection once this many bytes came in (unplugged mid-job)."""
        self.read_delay = 0.0
        """Seconds to wait before reading each connection (a slow printer)."""
        self.jobs: list[bytes] = []
        """What each finished connection sent, status queries taken out."""
        self._server: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._port = 0
        self._lock = threading.Lock()
        self.start()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self._port}"

    @property
    def online(self) -> bool:
        return self.paper != "out" and not self.cover_open and not self.offline

    def start(self) -> None:
        """Listen (again, on the same port when it had one): the printer is switched on."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self._port))
        server.listen(8)
        self._port = server.getsockname()[1]
        self._server = server
        self._accepting = threading.Thread(target=self._accept, args=(server,), daemon=True)
        self._accepting.start()

    def stop(self) -> None:
        """Stop listening: the printer is off (connections are refused)."""
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
            server.close()
        if self._accepting is not None:
            self._accepting.join(timeout=5)

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= count:
                    return list(self.jobs)
            time.sleep(0.01)
        raise AssertionError(f"the printer got {len(self.jobs)} jobs, not {count}")

    def printed(self) -> list[Printout]:
        """Each job decoded (empty jobs, status queries only, left out)."""
        with self._lock:
            return [decode(job) for job in self.jobs if job]

    # ----- the printer's side ---------------------------------------------------------------

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        received = bytearray()
        with connection:
            connection.settimeout(10)
            if self.stop_reading:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
                time.sleep(10)
                return
            if self.read_delay:
                time.sleep(self.read_delay)
            pending = b""
            while True:
                try:
                    chunk = connection.recv(4096)
                except OSError:
                    break
                if not chunk:
                    break
                pending += chunk
                pending = self._answer_queries(connection, pending, received)
                if self.drop_after is not None and len(received) >= self.drop_after:
                    del received[self.drop_after :]
                    connection.shutdown(socket.SHUT_RDWR)
                    break
            received += pending
        with self._lock:
            self.jobs.append(bytes(received))

    def _answer_queries(
        self, connection: socket.socket, pending: bytes, received: bytearray
    ) -> bytes:
        """Answer each complete ``DLE EOT n`` in ``pending``; the rest is the job's, but for
        a query not complete yet, which is returned to wait for its next bytes."""
        while (at := pending.find(DLE_EOT)) >= 0 and len(pending) >= at + 3:
            received += pending[:at]
            if self.answers_status:
                connection.sendall(bytes([self._status(pending[at + 2])]))
            pending = pending[at + 3 :]
        keep = at if at >= 0 else len(pending) - (1 if pending.endswith(b"\x10") else 0)
        received += pending[:keep]
        return pending[keep:]

    def _status(self, which: int) -> int:
        if which == 1:
            return _FIXED | (0 if self.online else _OFFLINE)
        if which == 2:
            cover = _COVER_OPEN if self.cover_open else 0
            return _FIXED | cover | (_PAPER_END_STOP if self.paper == "out" else 0)
        if which == 4:
            near = _NEAR_END if self.paper in ("low", "out") else 0
            return _FIXED | near | (_PAPER_END if self.paper == "out" else 0)
        return _FIXED


# ----- decoding -------------------------------------------------------------------------------

_ESC_LENGTHS = {
    b"@": 0, b"!": 1, b"E": 1, b"-": 1, b"a": 1, b"d": 1, b"t": 1, b"G": 1, b"M": 1,
    b"2": 0, b"3": 1, b"{": 1, b"J": 1, b"R": 1, b"V": 1, b"c": 2,
}  # fmt: skip
_GS_LENGTHS = {
    b"!": 1, b"B": 1, b"H": 1, b"f": 1, b"h": 1, b"w": 1, b"b": 1, b"L": 2, b"W": 2,
}  # fmt: skip


@dataclass
class Printout:
    """What one job printed: its text lines and the commands in it, in order."""

    text: str = ""
    cuts: int = 0
    drawer_kicks: list[int] = field(default_factory=list)
    """The pin of each drawer kick (2 or 5)."""
    barcodes: list[str] = field(default_factory=list)
    codepage: int | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def decode(data: bytes) -> Printout:
    """The text and commands in ESC/POS ``data`` (as python-escpos writes them)."""
    out = Printout()
    text = bytearray()
    i = 0
    while i < len(data):
        byte = data[i : i + 1]
        if byte == b"\x1b":
            command = data[i + 1 : i + 2]
            if command == b"p":
                out.drawer_kicks.append(2 if data[i + 2] in (0, 48) else 5)
                i += 5
                continue
            if command == b"t":
                out.codepage = data[i + 2]
            if command not in _ESC_LENGTHS:
                raise ValueError(f"unknown command ESC {command!r} at byte {i}")
            i += 2 + _ESC_LENGTHS[command]
        elif byte == b"\x1d":
            command = data[i + 1 : i + 2]
            if command == b"V":
                out.cuts += 1
                i += 4 if data[i + 2] in (65, 66) else 3
            elif command == b"k":
                i = _barcode(data, i, out)
            elif command == b"(":
                size = data[i + 3] + 256 * data[i + 4]
                i += 5 + size
            elif command in _GS_LENGTHS:
                i += 2 + _GS_LENGTHS[command]
            else:
                raise ValueError(f"unknown command GS {command!r} at byte {i}")
        elif byte == b"\x10" and data[i + 1 : i + 2] == b"\x04":
            i += 3
        else:
            text += byte
            i += 1
    out.text = text.decode("cp437").replace("\r", "")
    return out


def _barcode(data: bytes, i: int, out: Printout) -> int:
    system = data[i + 2]
    if system <= 6:  # function A: NUL-terminated
        end = data.index(b"\x00", i + 3)
        out.barcodes.append(data[i + 3 : end].decode("ascii"))
        return end + 1
    size = data[i + 3]  # function B: length-prefixed
    value = data[i + 4 : i + 4 + size].decode("ascii")
    out.barcodes.append(value[2:] if value.startswith("{") else value)
    return i + 4 + size
