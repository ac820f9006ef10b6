"""The receipt printer's queue: journaled jobs printed in order by one worker thread.

:meth:`PrintQueue.submit` journals the receipt (with its ``receipt_queued`` event) and wakes
the worker; the worker prints the jobs oldest first, one at a time, each rendered from the
document the journal stored, and marks each printed once the printer took all of it. A
printer that is off, out of paper or open leaves the job queued with its problem, and it is
tried again after ``retry_after`` seconds (sooner on :meth:`retry_now` or a new receipt); a
later job never overtakes it. Jobs survive a crash: :meth:`start` picks up what an earlier
run left queued.

Exactly once, nearly: a job marked printed is never printed again, but a crash after the
printer took a job's bytes and before it was marked printed prints that job once more when
the register starts again (the printer cannot say what it printed).

The cash drawer is opened through the same printer (:meth:`PrintQueue.kick_drawer`), ahead
of waiting receipts, and only then: a kick that fails is reported, never tried again later
(a drawer springing open minutes after it was asked for is worse than one that did not).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from drivers.printer_url import PrinterUrl, parse_printer_url
from pos_app.host.settings import PrinterSettings
from pos_app.journal.receipts import JobState, PrintJob, ReceiptJobs
from pos_app.receipts.document import Receipt

if TYPE_CHECKING:
    from drivers.printer import PrinterState

log = logging.getLogger(__name__)

NO_PRINTER_DRAWER = "No printer is set, so the drawer cannot be opened from here: use its key."
DRAWER_DEADLINE = 10.0
"""Seconds after which a drawer kick the printer has not done yet is dropped, not done."""

Render = Callable[..., bytes]
"""``to_escpos(receipt, *, codepage, cut, kick_drawer_pin) -> bytes``."""
Send = Callable[..., "PrinterState"]
"""``drivers.printer.send(url, data, *, timeout) -> PrinterState``."""
Status = TypeVar("Status")


class NoPrinter(Exception):
    """Receipts cannot be printed: no printer is set."""


@dataclass(frozen=True)
class QueueStatus:
    """The print queue as the status bar shows it."""

    waiting: int
    """Receipts queued and not printed yet."""
    problem: str
    """Why they are waiting, in plain words, or ``""``."""
    printer: str
    """The printer, in short words (``printer at 10.0.0.5:9100``)."""


class QueueWorker(Generic[Status]):
    """One daemon thread doing a queue's work: woken by new work or :meth:`retry_now`,
    otherwise waiting as long as :meth:`_work` says; :meth:`close` stops it. ``on_change``
    hears each new status, from the worker thread."""

    def __init__(self, name: str, on_change: Callable[[Status], None] | None) -> None:
        self._name = name
        self._on_change = on_change
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._published: Status | None = None

    def start(self) -> None:
        """Start the worker (it first does what an earlier run left queued)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def retry_now(self) -> None:
        """Try waiting jobs now rather than after the wait."""
        self._wake.set()

    def close(self) -> None:
        """Stop the worker; returns within a second (a job being sent ends on its own)."""
        self._closing.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    def status(self) -> Status:
        raise NotImplementedError

    def _work(self) -> float | None:
        """Do what is due; the seconds until there is more to try (None: until woken)."""
        raise NotImplementedError

    def _run(self) -> None:
        while not self._closing.is_set():
            try:
                self._publish()
                wait = self._work()
                self._publish()
            except Exception:
                log.exception("The %s queue stumbled; it tries again shortly.", self._name)
                wait = 1.0
            self._wake.wait(wait)
            self._wake.clear()

    def _publish(self) -> None:
        status = self.status()
        if status != self._published:
            self._published = status
            if self._on_change is not None:
                self._on_change(status)


class PrintQueue(QueueWorker[QueueStatus]):
    """Receipts to print on the printer of ``settings``, journaled in ``jobs``. Thread-safe.

    ``render`` and ``send`` make and send a job's bytes (the real ones by default);
    ``on_drawer(opened, message)`` hears how each drawer kick went, from the worker thread
    (or the caller's, when there is no printer to try).
    """

    def __init__(
        self,
        jobs: ReceiptJobs,
        settings: PrinterSettings,
        *,
        render: Render | None = None,
        send: Send | None = None,
        retry_after: float = 5.0,
        on_change: Callable[[QueueStatus], None] | None = None,
        on_drawer: Callable[[bool, str], None] | None = None,
    ) -> None:
        super().__init__("receipt printer", on_change)
        self._jobs = jobs
        self._settings = settings
        self._url: PrinterUrl | None = parse_printer_url(settings.url)
        # python-escpos loads with the first job, not with the register (a slower start).
        self._render = render
        self._send = send
        self._retry_after = retry_after
        self._on_drawer = on_drawer
        self._lock = threading.Lock()
        self._printing: int | None = None
        self._kick_asked: float | None = None
        self._problem = ""

    def start(self) -> None:
        if self._url is not None:
            super().start()

    def submit(self, receipt: Receipt) -> int:
        """Journal ``receipt`` to print and wake the worker; its job id. From any thread."""
        if self._url is None:
            raise NoPrinter(
                "No receipt printer is set (printer.url is none), so nothing was printed."
            )
        job = self._jobs.queue_print(
            receipt.check_id, receipt.kind, receipt.copy, receipt.as_data()
        )
        self._wake.set()
        return job.id

    def cancel(self, job_id: int) -> None:
        """Do not print job ``job_id`` (refused once it is printing or printed)."""
        with self._lock:
            if job_id == self._printing:
                raise ValueError(f"Receipt job {job_id} is printing now: it cannot be cancelled.")
            self._jobs.cancel(job_id)
        self._wake.set()

    def kick_drawer(self) -> None:
        """Open the cash drawer now, ahead of waiting receipts; the outcome goes to
        ``on_drawer``. Never retried."""
        if self._url is None:
            self._drawer_done(False, NO_PRINTER_DRAWER)
            return
        if not self._settings.drawer:
            self._drawer_done(
                False, "No cash drawer is set on the printer (printer.drawer is off): use its key."
            )
            return
        with self._lock:
            self._kick_asked = time.monotonic()
        self._wake.set()

    def status(self) -> QueueStatus:
        printer = "no printer" if self._url is None else self._url.describe()
        return QueueStatus(len(self._jobs.pending_prints()), self._problem, printer)

    # ----- the worker -----------------------------------------------------------------------

    def _work(self) -> float | None:
        for waiting in self._jobs.pending_prints():
            self._kick_if_asked()
            if self._closing.is_set():
                return None
            job = self._take(waiting.id)
            if job is None:
                continue
            try:
                printed = self._print(job)
            finally:
                with self._lock:
                    self._printing = None
            self._publish()
            if not printed:
                return self._retry_after
        self._kick_if_asked()
        return None

    def _take(self, job_id: int) -> PrintJob | None:
        """The job, marked as the one printing, unless it was cancelled meanwhile."""
        with self._lock:
            job = self._jobs.print_job(job_id)
            if job.state is not JobState.QUEUED:
                return None
            self._printing = job_id
            return job

    def _print(self, job: PrintJob) -> bool:
        assert self._url is not None
        try:
            receipt = Receipt.from_data(job.document)
            data = self._renderer()(
                receipt,
                codepage=self._settings.codepage,
                cut=self._settings.cut,
                kick_drawer_pin=None,
            )
        except ValueError as exc:
            log.error("Receipt job %s cannot be printed and is dropped: %s", job.id, exc)
            self._jobs.note_print_problem(job.id, f"The receipt cannot be read back: {exc}")
            self._jobs.cancel(job.id)
            return True
        try:
            state = self._sender()(self._url, data, timeout=self._settings.timeout)
        except self._unavailable() as exc:
            if str(exc) != self._problem:
                log.warning("Receipt job %s waits: %s", job.id, exc)
            self._problem = str(exc)
            self._jobs.note_print_problem(job.id, str(exc))
            return False
        self._jobs.mark_printed(job.id)
        self._problem = _warning(self._url, state)
        return True

    def _kick_if_asked(self) -> None:
        with self._lock:
            asked, self._kick_asked = self._kick_asked, None
        if asked is None:
            return
        if time.monotonic() - asked > DRAWER_DEADLINE:
            self._drawer_done(
                False, "The printer was busy too long, so the drawer was not opened: use its key."
            )
            return
        assert self._url is not None
        try:
            from pos_app.receipts.escpos_bytes import drawer_kick

            data = drawer_kick(self._settings.drawer_pin)
            self._sender()(self._url, data, timeout=self._settings.timeout)
        except self._unavailable() as exc:
            self._drawer_done(False, f"{exc} The drawer was not opened: use its key.")
            return
        self._drawer_done(True, "The cash drawer is open.")

    def _drawer_done(self, opened: bool, message: str) -> None:
        if not opened:
            log.warning("Cash drawer: %s", message)
        if self._on_drawer is not None:
            self._on_drawer(opened, message)

    def _renderer(self) -> Render:
        if self._render is None:
            from pos_app.receipts.escpos_bytes import to_escpos

            self._render = to_escpos
        return self._render

    def _sender(self) -> Send:
        if self._send is None:
            from drivers.printer import send

            self._send = send
        return self._send

    @staticmethod
    def _unavailable() -> type[Exception]:
        from drivers.printer import PrinterUnavailable

        return PrinterUnavailable


def _warning(url: PrinterUrl, state: PrinterState) -> str:
    return f"The {url.describe()} is low on paper." if state.warning else ""
