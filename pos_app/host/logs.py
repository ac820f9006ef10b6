"""Logs: rotating JSON-lines files in the data directory, a readable console, no secrets.

Every record is masked as it is made, before any filter or handler sees it (ours, a library's,
one added later on a child logger): :func:`install_redaction` puts a log-record factory in
place that formats the message and the traceback and masks them by
:func:`pos_app.levelup.redact.redact` and every secret registered with :func:`register_secret`
(the merchant token, say). That factory is the one place redaction is enforced; handlers only
format.

:func:`install_crash_handler` turns an uncaught exception (in any thread) into a redacted crash
report in the log directory, named on standard error, instead of losing it.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import platform
import sys
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from pos_app import __version__
from pos_app.levelup.redact import MASK, redact

LOG_FILE = "levelup-pos.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Mask ``value`` wherever it shows in a log or crash report from now on."""
    if len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def registered_secrets() -> frozenset[str]:
    """The secrets registered so far (to mask only those a command registers itself)."""
    with _secrets_lock:
        return frozenset(_secrets)


def scrub(text: str, besides: frozenset[str] = frozenset()) -> str:
    """``text`` without any credential: known shapes and registered secrets (but those of
    ``besides``)."""
    text = redact(text)
    with _secrets_lock:
        known = sorted(_secrets - besides, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, MASK)
    return text


def install_redaction() -> None:
    """Mask every log record from now on (idempotent)."""
    made = logging.getLogRecordFactory()
    if getattr(made, "_levelup_redacting", False):
        return

    def redacted(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = made(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break the code that logged
            message = f"{record.msg} (arguments that did not fit: {record.args!r})"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        record.exc_info = None  # the scrubbed text stands in for it
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return record

    redacted._levelup_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, thread, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class _Console(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (tools and tests swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def configure(level: int = logging.WARNING) -> None:
    """Console logging (standard error) for a command, masked like every record."""
    install_redaction()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_levelup_console", False):
            root.removeHandler(handler)
    console = _Console()
    console.setLevel(level)
    console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
    console._levelup_console = True  # type: ignore[attr-defined]
    root.addHandler(console)
    _let_through(root)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # ours says the same, and masks
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its setup chatter


def log_to_files(log_dir: Path, level: int = logging.INFO) -> Path:
    """Add the rotating JSON-lines log in ``log_dir`` (once per directory); return its path."""
    install_redaction()
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return path
    handler = _PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    _let_through(root)
    return path


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """Each log file readable by this user only (0600), whatever the umask; a line that cannot
    be written (a full disk) is dropped, and said once, not as a traceback each time."""

    def _open(self) -> Any:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if hasattr(os, "fchmod"):  # POSIX: one made before, under another umask
            os.fchmod(descriptor, 0o600)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self._said:
            self._said = True
            print(
                f"levelup-pos: log lines cannot be written to {self.baseFilename} "
                f"({sys.exc_info()[1]}); the register goes on without them.",
                file=sys.stderr,
            )

    _said = False


def _let_through(root: logging.Logger) -> None:
    # The root passes only what some handler keeps, so a record nobody keeps (a payment call's
    # debug lines, say) is never made, formatted or masked.
    root.setLevel(min((handler.level for handler in root.handlers), default=logging.WARNING))


def write_crash_report(
    log_dir: Path,
    kind: type[BaseException],
    value: BaseException,
    trace: TracebackType | None,
    thread: str = "MainThread",
) -> Path:
    """A redacted report of an uncaught exception (mode 0600 from the start); returns where
    it was written. Raises ``OSError`` when it cannot be written whole, and leaves no part."""
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = log_dir / f"crash-{now:%Y%m%dT%H%M%S%f}.txt"
    report = scrub(crash_text(kind, value, trace, thread, now)).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(descriptor, "wb") as file:
            file.write(report)
            file.flush()
            os.fsync(file.fileno())
    except OSError:
        path.unlink(missing_ok=True)
        raise
    return path


def crash_text(
    kind: type[BaseException],
    value: BaseException,
    trace: TracebackType | None,
    thread: str,
    now: datetime,
) -> str:
    return (
        f"LevelUp POS {__version__} crashed at {now.isoformat()}\n"
        f"thread: {thread}\n"
        f"platform: {platform.platform()}, Python {platform.python_version()}\n\n"
        + "".join(traceback.format_exception(kind, value, trace))
    )


def install_crash_handler(log_dir: Path) -> None:
    """Uncaught exceptions (main thread or any other) become crash reports in ``log_dir``."""

    def report(
        kind: type[BaseException], value: BaseException, trace: TracebackType | None, thread: str
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, trace)
            return
        try:
            path = write_crash_report(log_dir, kind, value, trace, thread)
        except OSError as error:  # a full disk, say: the report goes to standard error
            text = scrub(crash_text(kind, value, trace, thread, datetime.now(UTC)))
            print(
                f"levelup-pos stopped on an unexpected error, and its report could not be "
                f"written to {log_dir} ({error.strerror or error}):\n{text}",
                file=sys.stderr,
            )
            return
        logging.getLogger("levelup_pos").critical("Crashed: %s (report: %s)", kind.__name__, path)
        print(
            f"levelup-pos stopped on an unexpected error; the report is in {path}. "
            "Please send it to support.",
            file=sys.stderr,
        )

    sys.excepthook = lambda kind, value, trace: report(kind, value, trace, "MainThread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        value = args.exc_value or args.exc_type()
        name = args.thread.name if args.thread else "?"
        report(args.exc_type, value, args.exc_traceback, name)

    threading.excepthook = thread_hook
