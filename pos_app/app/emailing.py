"""The email queue: journaled receipts sent through the merchant's mail server by one worker.

:meth:`EmailQueue.submit` checks the address, journals the job (the address encrypted) and
wakes the worker, which renders each due job from its stored document and sends it. A server
that is down, busy or refuses the login is tried again later, waiting longer each time, until
``give_up_after``; a server that refuses the address for good fails the job at once. A job
that is sent or given up forgets its address. Addresses appear only masked in statuses, logs
and errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from pos_app.app.printing import QueueWorker
from pos_app.host.secrets import SecretStoreError
from pos_app.host.settings import EmailSettings
from pos_app.journal.receipts import EmailJob, ReceiptJobs
from pos_app.receipts.document import Receipt
from pos_app.receipts.mail import (
    EmailFailed,
    check_email,
    mask_email,
    receipt_message,
    send_receipt,
)

log = logging.getLogger(__name__)

BACKOFF_LIMIT = 30
"""The longest wait between tries, in ``retry_after``s (15 minutes for 30 seconds)."""

RenderPng = Callable[[Receipt], bytes]
SendMail = Callable[[EmailMessage, EmailSettings, str | None], None]


class EmailNotSetUp(ValueError):
    """Receipts cannot be emailed: the register's email settings are missing."""


@dataclass(frozen=True)
class EmailStatus:
    """The email queue as the status bar shows it."""

    waiting: int
    problem: str
    """Why receipts wait or the last one failed, in plain words (addresses masked), or ``""``."""
    setup: bool = False
    """The problem is the register's email settings or SMTP password."""


class EmailQueue(QueueWorker[EmailStatus]):
    """Receipts to email through the server of ``settings``, journaled in ``jobs``.
    Thread-safe. ``password`` gives the SMTP password (from the secret store) when sending."""

    def __init__(
        self,
        jobs: ReceiptJobs,
        settings: EmailSettings,
        password: Callable[[], str | None],
        *,
        merchant: str = "",
        render_png: RenderPng | None = None,
        send: SendMail = send_receipt,
        retry_after: float = 30.0,
        give_up_after: timedelta = timedelta(hours=24),
        on_change: Callable[[EmailStatus], None] | None = None,
    ) -> None:
        super().__init__("receipt email", on_change)
        self._jobs = jobs
        self._settings = settings
        self._password = password
        self._merchant = merchant
        self._render_png = render_png
        self._send = send
        self._retry_after = retry_after
        self._give_up_after = give_up_after
        self._problem = ""
        self._setup = False
        self._all_now = True  # the first round tries what an earlier run left, whenever due

    def start(self) -> None:
        if self._settings.host:
            super().start()

    def retry_now(self) -> None:
        """Try every waiting receipt now, even those whose next try is later."""
        self._all_now = True
        super().retry_now()

    def submit(self, receipt: Receipt, address: str) -> int:
        """Journal ``receipt`` to email to ``address`` and wake the worker; its job id.
        ValueError in plain words for an address that is not one, or email not set up."""
        self._sender()
        job = self._jobs.queue_email(
            receipt.check_id, receipt.kind, receipt.as_data(), check_email(address)
        )
        self._wake.set()
        return job.id

    def status(self) -> EmailStatus:
        waiting = len(self._jobs.pending_emails())
        return EmailStatus(waiting, self._problem, self._setup)

    # ----- the worker -----------------------------------------------------------------------

    def _work(self) -> float | None:
        now = datetime.now(UTC)
        everything, self._all_now = self._all_now, False
        for job in self._jobs.pending_emails(None if everything else now):
            if self._closing.is_set():
                return None
            wait = self._try(job, now)
            self._publish()
            if wait is not None:
                return wait  # the server is not taking mail now: the others wait too
        later = self._jobs.pending_emails()
        if not later:
            return None
        return max(0.0, (later[0].next_try_at - datetime.now(UTC)).total_seconds())

    def _try(self, job: EmailJob, now: datetime) -> float | None:
        """Send ``job``; the seconds to wait before trying again when it could not go now."""
        try:
            receipt = Receipt.from_data(job.document)
        except ValueError as exc:
            log.error("Receipt email job %s cannot be sent and is dropped: %s", job.id, exc)
            self._jobs.mark_failed(job.id, f"The receipt cannot be read back: {exc}")
            return None
        address = self._jobs.address(job.id)
        masked = mask_email(address)
        try:
            message = receipt_message(
                receipt,
                sender=self._sender(),
                to=address,
                png=self._png(receipt),
                merchant=self._merchant,
            )
            self._send(message, self._settings, self._smtp_password())
        except EmailNotSetUp as exc:
            return self._failed(
                job, EmailFailed(str(exc), permanent=False, setup=True), masked, now
            )
        except EmailFailed as exc:
            return self._failed(job, exc, masked, now)
        self._jobs.mark_sent(job.id)
        log.info("Receipt email job %s sent to %s.", job.id, masked)
        self._problem, self._setup = "", False
        return None

    def _failed(self, job: EmailJob, exc: EmailFailed, masked: str, now: datetime) -> float | None:
        problem = str(exc)
        self._problem, self._setup = problem, exc.setup
        if exc.permanent:
            log.warning("Receipt email job %s to %s failed: %s", job.id, masked, problem)
            self._jobs.mark_failed(job.id, problem)
            return None
        if now - job.created_at >= self._give_up_after:
            hours = self._give_up_after.total_seconds() / 3600
            reason = f"Not sent within {hours:g} hours: {problem}"
            log.warning("Receipt email job %s to %s given up: %s", job.id, masked, reason)
            self._jobs.mark_failed(job.id, reason)
            return None
        wait = min(self._retry_after * 2**job.attempts, self._retry_after * BACKOFF_LIMIT)
        log.warning("Receipt email job %s to %s waits %gs: %s", job.id, masked, wait, problem)
        self._jobs.note_email_problem(job.id, problem, now + timedelta(seconds=wait))
        return wait

    def _png(self, receipt: Receipt) -> bytes:
        """The receipt's preview, for the HTML part (Pillow loads with the first email)."""
        if self._render_png is None:
            from pos_app.receipts.preview import to_png

            self._render_png = to_png
        return self._render_png(receipt)

    def _smtp_password(self) -> str | None:
        try:
            return self._password()
        except SecretStoreError as exc:
            raise EmailFailed(
                f"The SMTP password cannot be read from the secret store ({exc}).",
                permanent=False,
                setup=True,
            ) from None

    def _sender(self) -> str:
        if not self._settings.host:
            raise EmailNotSetUp(
                "Receipts cannot be emailed here: email is not set up (set email.host, and "
                "email.user and its password when the server needs a login)."
            )
        try:
            return check_email(self._settings.sender or self._settings.user)
        except ValueError:
            raise EmailNotSetUp(
                "Receipts cannot be emailed here: set email.sender to the address they come from."
            ) from None
