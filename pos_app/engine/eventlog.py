"""The journal's events: what happened, typed, and what it changed.

Every event has a :class:`EventKind` and its own facts in ``data`` (amounts, order uuids, who
approved), and the events of one commit together carry every change the commit made to the
check, in ``changes``: folding a check's events from nothing rebuilds its state exactly
(:func:`pos_app.engine.replay.replay`). Reports and the store server read these events.

Nothing in an event is a payment code, a token, a PIN or an email address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pos_app.domain import CheckState, Discount, Fee, LineItem, Tender
from pos_app.engine.model import CheckRecord, TenderInfo


class EventKind(StrEnum):
    """Every kind of journal event (the values are what the journal stores)."""

    # the check
    CHECK_OPENED = "check_opened"
    CHECK_CHANGED = "check_changed"
    CHECK_CLOSED = "check_closed"
    CHECK_COMPED = "check_comped"
    CHECK_NAMED = "check_named"
    """The cashier named the check (a customer, a table), or changed or cleared its name."""
    DISCOUNT_GIVEN = "discount_given"
    """A discount, with its preset, amount, reason, who gave it and who approved it."""
    BALANCE_DUE = "balance_due"
    """A closed sale owes money again: a payment of it was given back or failed."""
    VOID_REQUESTED = "void_requested"
    CHECK_VOIDED = "check_voided"
    # payments at the counter
    TENDER_APPROVED = "tender_approved"
    VOIDED = "voided"
    # LevelUp payments
    TENDER_REQUESTED = "tender_requested"
    PROPOSED = "proposed"
    CANCELLED = "cancelled"
    COMPLETION_SENT = "completion_sent"
    APPROVED = "approved"
    DECLINED = "declined"
    UNKNOWN = "unknown"
    RECONCILED = "reconciled"
    RECOVERED = "recovered"
    # offline
    QUEUED_OFFLINE = "queued_offline"
    FORWARDED = "forwarded"
    OFFLINE_EXPIRED = "offline_expired"
    OFFLINE_DECLINED = "offline_declined"
    # refunds
    REFUND_SENT = "refund_sent"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"
    ITEMS_RETURNED = "items_returned"
    """Items of a closed sale returned: which units, their value and tax, what each payment
    gave back, and who approved."""
    PAYER_NAMED = "payer_named"
    """LevelUp said who paid a payment (the customer's "First L."), after it was approved."""
    # receipts (events of their check, or of the register for a test page or a slip)
    RECEIPT_QUEUED = "receipt_queued"
    """A receipt to print, journaled before it is printed: its job id, kind and copy."""
    RECEIPT_PRINTED = "receipt_printed"
    """The printer took the whole receipt of a queued job (once per job)."""
    RECEIPT_EMAIL_QUEUED = "receipt_email_queued"
    """A receipt to email (the address is kept encrypted beside the job, never here)."""
    RECEIPT_EMAILED = "receipt_emailed"
    RECEIPT_EMAIL_FAILED = "receipt_email_failed"
    """The mail server refused the receipt for good, or it could not be sent in time."""
    # the cash drawer
    NO_SALE = "no_sale"
    """The drawer opened without a sale: who and why."""
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    """Cash put into or taken out of the drawer without a sale: amount, reason, who, approval."""
    # shifts and business days
    SHIFT_OPENED = "shift_opened"
    """A cashier took the drawer with a starting float: who, the float, the register."""
    SHIFT_CLOSED = "shift_closed"
    """The drawer counted at a shift's end: the count by denomination, expected, over/short,
    and the manager who approved a drawer that was over or short."""
    DAY_CLOSED = "day_closed"
    """A Z report closed the register's business day: its number, the day, who took it, and
    the report's whole document (kept as taken)."""
    # people
    APPROVAL = "approval"
    APPROVAL_REFUSED = "approval_refused"
    SIGN_IN = "sign_in"
    SIGN_IN_REFUSED = "sign_in_refused"
    SETTINGS_CHANGED = "settings_changed"
    SETTINGS_IMPORTED = "settings_imported"
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    # the journal itself
    SYNTHESISED = "synthesised"
    """Written by a journal migration: the check as its stored state held it, for events of
    an older journal that did not carry their detail."""


AUDITED = frozenset(
    {
        EventKind.SIGN_IN,
        EventKind.SIGN_IN_REFUSED,
        EventKind.SETTINGS_CHANGED,
        EventKind.SETTINGS_IMPORTED,
        EventKind.STAFF_ADDED,
        EventKind.STAFF_DISABLED,
        EventKind.APPROVAL,
        EventKind.APPROVAL_REFUSED,
        EventKind.VOID_REQUESTED,
        EventKind.VOIDED,
        EventKind.REFUND_SENT,
        EventKind.REFUNDED,
        EventKind.REFUND_FAILED,
        EventKind.ITEMS_RETURNED,
        EventKind.CHECK_VOIDED,
        EventKind.CHECK_COMPED,
        EventKind.DISCOUNT_GIVEN,
        EventKind.BALANCE_DUE,
        EventKind.NO_SALE,
        EventKind.PAID_IN,
        EventKind.PAID_OUT,
        EventKind.SHIFT_OPENED,
        EventKind.SHIFT_CLOSED,
        EventKind.DAY_CLOSED,
    }
)
"""What ``levelup-pos journal audit`` lists: who did what with money and access."""


@dataclass(frozen=True)
class TenderChange:
    """A tender line as a commit left it, with the engine's notes (None: it has none)."""

    tender: Tender
    info: TenderInfo | None = None


@dataclass(frozen=True)
class StateChange:
    """The check's lifecycle state as a commit left it."""

    state: CheckState
    closed_at: datetime | None = None
    void_requested: bool = False


@dataclass(frozen=True)
class Changes:
    """What one event changed on its check; empty for events that change nothing."""

    record: CheckRecord | None = None
    """The whole check as it is now: on its first event, or synthesised by a migration."""
    lines: tuple[LineItem, ...] = ()
    """Lines added or changed, as they are now."""
    removed_lines: tuple[int, ...] = ()
    discounts: tuple[Discount, ...] | None = None
    fees: tuple[Fee, ...] | None = None
    next_line_id: int | None = None
    tenders: tuple[TenderChange, ...] = ()
    state: StateChange | None = None
    name: str | None = None
    """The check's name, when it changed (``""``: cleared)."""

    def __bool__(self) -> bool:
        return bool(
            self.record is not None
            or self.lines
            or self.removed_lines
            or self.discounts is not None
            or self.fees is not None
            or self.next_line_id is not None
            or self.tenders
            or self.state is not None
            or self.name is not None
        )


NO_CHANGES = Changes()


@dataclass(frozen=True)
class JournalEvent:
    """One line of the append-only journal: what happened, to which tender, with what data,
    and what it changed. ``data`` is JSON-ready."""

    kind: EventKind
    at: datetime
    tender_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    changes: Changes = NO_CHANGES
