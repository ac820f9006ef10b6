"""What the engine keeps about each check, and what it writes to the journal.

A :class:`CheckRecord` is the current state of one check: the domain :class:`Check` (items,
tenders, totals), its lifecycle state, and what the engine knows about each tender beyond the
domain's view (what was asked, when it was sent, what the cashier was told). Records are
immutable; every step makes a new one and journals it with the :class:`JournalEvent` that
explains the change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pos_app.domain import Check, Tender, TenderStatus


class CheckState(StrEnum):
    OPEN = "open"
    TENDERING = "tendering"
    CLOSED = "closed"
    VOIDED = "voided"


@dataclass(frozen=True)
class TenderInfo:
    """The engine's notes on one tender.

    ``requested`` is what the customer asked to pay; ``sent_at`` when the request that may have
    moved money (the completed order or the refund) was sent, which reconciliation searches by,
    and ``sent_spend`` the spend that completed order asked for;
    ``note`` what the cashier or manager was told; ``queued_spend``/``queued_tax``/
    ``queued_exemption`` the calculator's values when the tender was accepted offline.
    """

    requested: int = 0
    sent_at: datetime | None = None
    sent_spend: int = 0
    sent_register: str = ""
    """The register name the completed order carried: a lost answer is looked for under it,
    even if this register was renamed since."""
    note: str = ""
    queued_at: datetime | None = None
    queued_spend: int = 0
    queued_tax: int = 0
    queued_exemption: int = 0
    status_before_refund: TenderStatus | None = None


@dataclass(frozen=True)
class CheckRecord:
    check_id: str
    check: Check
    state: CheckState
    opened_at: datetime
    closed_at: datetime | None = None
    void_requested: bool = False
    tender_info: dict[str, TenderInfo] = field(default_factory=dict)

    def tender(self, tender_id: str) -> Tender:
        return self.check.tender(tender_id)

    def info(self, tender_id: str) -> TenderInfo:
        return self.tender_info.get(tender_id, TenderInfo())

    def with_tender(
        self, tender: Tender, info: TenderInfo | None = None, *, decided_elsewhere: bool = False
    ) -> CheckRecord:
        """This record with ``tender`` added or replaced (and its notes, when given).

        ``decided_elsewhere`` records what LevelUp did even if it overpays the check: money
        taken must be recorded, never refused.
        """
        known = any(t.tender_id == tender.tender_id for t in self.check.tenders)
        check = (
            self.check.replace_tender(tender, allow_overpayment=decided_elsewhere)
            if known
            else self.check.add_tender(tender)
        )
        notes = dict(self.tender_info)
        if info is not None:
            notes[tender.tender_id] = info
        state = CheckState.TENDERING if self.state is CheckState.OPEN else self.state
        return replace(self, check=check, tender_info=notes, state=state)

    @property
    def in_flight(self) -> list[Tender]:
        """Tenders whose request may still be answered (or found at LevelUp)."""
        return [t for t in self.check.tenders if t.status.is_in_flight]

    @property
    def unsettled(self) -> list[Tender]:
        """Tenders whose outcome is still to come: what recovery looks at."""
        return [t for t in self.check.tenders if not t.status.is_final]


def unfinished(records: Iterable[CheckRecord]) -> Counter[TenderStatus]:
    """How many tenders of ``records`` are still to come (being sent, unknown, refunding,
    queued offline), by status: what must be drained before this register is replaced."""
    return Counter(tender.status for record in records for tender in record.unsettled)


@dataclass(frozen=True)
class JournalEvent:
    """One line of the append-only journal: what happened, to which tender, with what data.

    ``data`` is JSON-ready and never holds a payment code or a token.
    """

    kind: str
    at: datetime
    tender_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class ApprovalAction(StrEnum):
    VOID_TENDER = "void_tender"
    VOID_CHECK = "void_check"
    RESOLVE_TENDER = "resolve_tender"
    CHANGE_SETTINGS = "change_settings"


APPROVAL_LIFETIME = timedelta(minutes=10)
"""How long a manager's approval stays good: long enough to finish, too short to reuse."""


@dataclass(frozen=True)
class ManagerApproval:
    """A manager's yes to one action on one target, with the reason they gave."""

    manager: str
    action: ApprovalAction
    target: str
    reason: str
    approved_at: datetime
    approval_id: str = ""
    """Set by :meth:`Engine.approve`, which alone issues approvals the engine accepts."""

    def as_data(self) -> dict[str, Any]:
        return {
            "approval_id": self.approval_id,
            "manager": self.manager,
            "action": self.action.value,
            "target": self.target,
            "reason": self.reason,
            "approved_at": self.approved_at.isoformat(),
        }


@dataclass(frozen=True)
class OfflinePolicy:
    """When LevelUp cannot be reached, may a LevelUp payment be accepted and sent later?

    Off unless the merchant turns it on; then each limit bounds the merchant's risk: one
    order's amount, the total and number of orders waiting, and how long one may wait.
    """

    enabled: bool = False
    max_order: int = 0
    max_total: int = 0
    max_count: int = 0
    max_age: timedelta = timedelta(hours=24)
