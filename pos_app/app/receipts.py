"""The register's receipts desk: what the window and the command line ask for receipts.

A :class:`ReceiptDesk` turns a check into its receipts (the layouts of
:mod:`pos_app.receipts`, with the store's header from the settings) and hands them to
the journaled print queue or the email queue; it opens the cash drawer through the printer.
Queueing writes to the journal: call it off the GUI thread (the window uses its engine lane).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pos_app.app.emailing import EmailQueue, EmailStatus
from pos_app.app.printing import NoPrinter, PrintQueue, QueueStatus
from pos_app.domain import TenderKind
from pos_app.engine import CheckRecord, CheckState, ShiftClose
from pos_app.host.secrets import SMTP_PASSWORD, SecretStore
from pos_app.host.settings import Settings
from pos_app.journal.receipts import ReceiptJobs
from pos_app.journal.store import SqliteJournal
from pos_app.receipts import (
    Copy,
    Receipt,
    ReceiptKind,
    StoreHeader,
    drawer_slip,
    refund_receipt,
    sale_receipt,
    test_page,
)
from pos_app.receipts.layout_shift import shift_slip
from pos_app.receipts.mail import mask_email

_CARDS = frozenset({TenderKind.CREDIT, TenderKind.DEBIT})


class ReceiptChoice(StrEnum):
    """What the cashier picks after a payment."""

    PRINT = "print"
    EMAIL = "email"
    NONE = "none"


class ReceiptError(Exception):
    """A receipt that cannot be printed or emailed as asked; the message says why, in words."""


@dataclass(frozen=True)
class ReceiptStatus:
    """The receipt printer's queue and the email queue, as the status bar shows them."""

    printer: QueueStatus | None
    email: EmailStatus | None


def store_header(settings: Settings) -> StoreHeader:
    """The top and bottom of this store's receipts, from ``[receipts]``."""
    receipts = settings.receipts
    return StoreHeader(
        merchant=receipts.merchant,
        location=receipts.location,
        address_lines=tuple(line for line in receipts.address.splitlines() if line.strip()),
        footer=receipts.footer,
    )


def check_receipt(
    settings: Settings, record: CheckRecord, *, cashier: str, copy: Copy = Copy.CUSTOMER
) -> Receipt:
    """The receipt of ``record``: its sale's, or its void's when it was never sold."""
    build = refund_receipt if record.state is CheckState.VOIDED else sale_receipt
    return build(record, store_header(settings), copy=copy, **_common(settings, cashier))


def _common(settings: Settings, cashier: str) -> dict[str, Any]:
    return {
        "register": settings.register_.id,
        "cashier": cashier,
        "width_mm": settings.printer.width,
        "printed_at": datetime.now(UTC),
    }


class ReceiptDesk:
    """Receipts of one register: print, email, reprint, refund receipts, drawer and slips."""

    def __init__(self, journal: SqliteJournal, settings: Settings, secrets: SecretStore) -> None:
        self.settings = settings
        receipts, printer = settings.receipts, settings.printer
        self.header = store_header(settings)
        self._listeners: list[Callable[[ReceiptStatus], None]] = []
        self._drawer_listeners: list[Callable[[bool, str], None]] = []
        jobs = ReceiptJobs(journal)
        self.printing = printer.url != "none"
        self.print_queue = PrintQueue(
            jobs, printer, on_change=self._changed, on_drawer=self._drawer_outcome
        )
        self.emailing = bool(settings.email.host)
        self.email_queue = EmailQueue(
            jobs,
            settings.email,
            lambda: secrets.get(SMTP_PASSWORD),
            merchant=receipts.merchant,
            on_change=self._changed,
        )

    # ----- lifetime and listeners ------------------------------------------------------------

    def start(self) -> None:
        """Start printing and emailing what is queued (jobs a previous run left included)."""
        if self.printing or self.emailing:
            # Loaded here, before the queues' threads start: python-barcode's package imports
            # itself in a circle, which fails when two threads load it at the same time.
            for renderer in (
                "pos_app.receipts.escpos_bytes",
                "pos_app.receipts.preview",
                "drivers.printer",
            ):
                importlib.import_module(renderer)
        self.print_queue.start()
        self.email_queue.start()

    def close(self) -> None:
        self.print_queue.close()
        self.email_queue.close()

    def retry_now(self) -> None:
        """Try the waiting receipts now (the cashier asked)."""
        self.print_queue.retry_now()
        self.email_queue.retry_now()

    def drain(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the printer to take every queued receipt; how
        many still wait."""
        deadline = time.monotonic() + timeout
        while (waiting := self.print_queue.status().waiting) and time.monotonic() < deadline:
            time.sleep(0.05)
        return waiting

    def subscribe(self, listener: Callable[[ReceiptStatus], None]) -> None:
        """Call ``listener`` (from a worker thread) whenever a queue's status changes."""
        self._listeners.append(listener)

    def subscribe_drawer(self, listener: Callable[[bool, str], None]) -> None:
        """Call ``listener(opened, message)`` (from a worker thread) after each drawer kick."""
        self._drawer_listeners.append(listener)

    def status(self) -> ReceiptStatus:
        return ReceiptStatus(
            self.print_queue.status() if self.printing else None,
            self.email_queue.status() if self.emailing else None,
        )

    def _changed(self, _: object) -> None:
        status = self.status()
        for listener in self._listeners:
            listener(status)

    def _drawer_outcome(self, opened: bool, message: str) -> None:
        for listener in self._drawer_listeners:
            listener(opened, message)

    # ----- receipts ----------------------------------------------------------------------------

    def receipt(self, record: CheckRecord, *, cashier: str, copy: Copy = Copy.CUSTOMER) -> Receipt:
        return check_receipt(self.settings, record, cashier=cashier, copy=copy)

    def preview(self, record: CheckRecord, *, cashier: str) -> bytes:
        """The customer receipt of ``record`` as a PNG (what the printer would print)."""
        from pos_app.receipts.preview import to_png

        return to_png(self.receipt(record, cashier=cashier))

    def after_payment(
        self,
        record: CheckRecord,
        choice: ReceiptChoice,
        *,
        cashier: str,
        address: str = "",
    ) -> str:
        """Queue what the cashier picked once ``record`` is paid, and the merchant's copy of a
        card payment when the merchant wants one. Returns what to tell the cashier."""
        told = []
        if choice is ReceiptChoice.PRINT:
            told.append(self._print(self.receipt(record, cashier=cashier)))
        elif choice is ReceiptChoice.EMAIL:
            told.append(self._email(self.receipt(record, cashier=cashier), address))
        if self.settings.receipts.merchant_copy and self.printing and _card_paid(record):
            self._print(self.receipt(record, cashier=cashier, copy=Copy.MERCHANT))
            told.append("Merchant copy printing.")
        return " ".join(told) or "No receipt."

    def gave_back(self, record: CheckRecord, before: CheckRecord | None, *, cashier: str) -> str:
        """Print what a void, refund or return just gave back (``before``: the check as it was
        before it, so that only this one is on the receipt)."""
        return self._print(
            refund_receipt(record, self.header, before=before, **_common(self.settings, cashier))
        )

    def reprint(self, record: CheckRecord, *, cashier: str) -> str:
        return self._print(self.receipt(record, cashier=cashier, copy=Copy.REPRINT))

    def email(self, record: CheckRecord, address: str, *, cashier: str) -> str:
        return self._email(self.receipt(record, cashier=cashier), address)

    def slip(self, kind: ReceiptKind, *, amount: int, reason: str, who: str) -> str:
        """A drawer slip (no sale, paid in, paid out), when a printer is set."""
        if not self.printing:
            return ""
        return self._print(
            drawer_slip(
                kind,
                amount=amount,
                reason=reason,
                who=who,
                at=datetime.now(UTC),
                register=self.settings.register_.id,
                width_mm=self.settings.printer.width,
            )
        )

    def print_document(self, receipt: Receipt) -> str:
        """A laid-out document of the register (a report, a shift slip) on the printer."""
        if not self.printing:
            raise ReceiptError("No receipt printer is set for this register.")
        return self._print(receipt)

    def shift_slip(self, close: ShiftClose) -> str:
        """The slip of a shift closed (its drawer count), when a printer is set."""
        if not self.printing:
            return ""
        return self._print(shift_slip(close, width_mm=self.settings.printer.width))

    def test_page(self) -> str:
        return self._print(test_page(self.settings.printer.url, self.settings.printer.width))

    def open_drawer(self) -> None:
        """Kick the cash drawer now; the outcome goes to the drawer listeners."""
        self.print_queue.kick_drawer()

    def _print(self, receipt: Receipt) -> str:
        try:
            self.print_queue.submit(receipt)
        except NoPrinter as exc:
            raise ReceiptError(str(exc)) from None
        return "Receipt printing." if receipt.kind is not ReceiptKind.TEST else "Test page sent."

    def _email(self, receipt: Receipt, address: str) -> str:
        try:
            self.email_queue.submit(receipt, address)
        except ValueError as exc:
            raise ReceiptError(str(exc)) from None
        return f"Receipt emailed to {mask_email(address)}."


def _card_paid(record: CheckRecord) -> bool:
    return any(t.kind in _CARDS and t.status.is_paid for t in record.check.tenders)
