"""What the engine keeps about each check, and the merchant's settings it works by.

A :class:`CheckRecord` is the current state of one check: the domain :class:`Check` (items,
tenders, totals), its lifecycle state, and what the engine knows about each tender beyond the
domain's view (what was asked, when it was sent, what the cashier was told). Records are
immutable; every step makes a new one, moved through the declared lifecycle
(:mod:`pos_app.domain.lifecycle`), and journals it with the events that explain the change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pos_app.domain import (
    Check,
    CheckState,
    Discount,
    TaxTable,
    Tender,
    TenderKind,
    TenderStatus,
    check_move,
    require_start,
)
from pos_app.domain.returns import why_no_returns

__all__ = ["CheckState"]


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
    payer: str = ""
    """Who paid, as LevelUp shows its customers to merchants ("First L."), once known: asked
    after the payment is approved (:mod:`pos_app.engine.payers`). Never the payment code."""
    by_email: str = ""
    """For a LevelUp payment made by email (a user token, not a scan): the customer's email,
    masked (``a•••@e•••.com``). Empty for a scanned code."""
    watch_until: datetime | None = None
    """A payment declined because LevelUp had no order for it once its settle window passed
    is presumed not charged, and looked for again until then (LevelUp may commit late)."""


_S = TenderStatus

VOIDABLE = frozenset(
    {
        TenderStatus.APPROVED,
        TenderStatus.PARTIALLY_APPROVED,
        TenderStatus.QUEUED,
        TenderStatus.CHARGED_LATE,
    }
)
"""Payments a void takes back: refunded (LevelUp, a late charge too), given back (cash,
card), or cancelled (an offline payment not sent yet)."""
_RESOLVABLE = frozenset({TenderStatus.COMPLETING, TenderStatus.UNKNOWN})


@dataclass(frozen=True)
class CheckRecord:
    check_id: str
    check: Check
    state: CheckState
    opened_at: datetime
    closed_at: datetime | None = None
    void_requested: bool = False
    tender_info: dict[str, TenderInfo] = field(default_factory=dict)
    name: str = ""
    """What the cashier calls the check (a customer's first name, a table): on screen, in the
    recall list and in History. Never an email address (:func:`pos_app.engine.names.check_name`)."""

    def tender(self, tender_id: str) -> Tender:
        return self.check.tender(tender_id)

    def info(self, tender_id: str) -> TenderInfo:
        return self.tender_info.get(tender_id, TenderInfo())

    def moved(self, state: CheckState, **changes: Any) -> CheckRecord:
        """This record in ``state``, if the check lifecycle allows the move."""
        check_move(self.state, state)
        return replace(self, state=state, **changes)

    def with_tender(
        self, tender: Tender, info: TenderInfo | None = None, *, decided_elsewhere: bool = False
    ) -> CheckRecord:
        """This record with ``tender`` added (in its kind's first status) or replaced (by a
        move the lifecycle allows), and its notes when given.

        ``decided_elsewhere`` records what LevelUp did even if it overpays the check: money
        taken must be recorded, never refused.
        """
        known = any(t.tender_id == tender.tender_id for t in self.check.tenders)
        if known:
            check = self.check.replace_tender(tender, allow_overpayment=decided_elsewhere)
        else:
            require_start(tender)
            check = self.check.add_tender(tender)
        notes = dict(self.tender_info)
        if info is not None:
            notes[tender.tender_id] = info
        record = replace(self, check=check, tender_info=notes)
        return record.moved(CheckState.TENDERING) if self.state is CheckState.OPEN else record

    @property
    def in_flight(self) -> list[Tender]:
        """Tenders whose request may still be answered (or found at LevelUp)."""
        return [t for t in self.check.tenders if t.status.is_in_flight]

    @property
    def unsettled(self) -> list[Tender]:
        """Tenders whose outcome is still to come: what recovery looks at."""
        return [t for t in self.check.tenders if not t.status.is_final]

    @property
    def watched(self) -> list[Tender]:
        """Payments presumed not charged that LevelUp may still commit late: recovery keeps
        looking for their order until their watch ends."""
        return [
            t
            for t in self.check.tenders
            if t.status is TenderStatus.DECLINED and self.info(t.tender_id).watch_until
        ]

    @property
    def needs_manager(self) -> bool:
        """A manager must look: the sale owes money again, LevelUp has not told a payment's
        or refund's outcome yet, or it charged a payment late."""
        return (
            self.state is CheckState.BALANCE_DUE
            or bool(self.charged_late)
            or any(t.status in (_S.UNKNOWN, _S.REFUNDING) for t in self.in_flight)
        )

    @property
    def charged_late(self) -> list[Tender]:
        """Payments LevelUp charged after they were presumed not charged: a manager keeps
        each as payment (while the check owes it) or refunds it."""
        return [t for t in self.check.tenders if t.status is TenderStatus.CHARGED_LATE]

    # ----- guards: what a manager may do now (the window asks before it asks for a PIN) -----

    @property
    def voidable(self) -> list[Tender]:
        """Payments a void takes back: LevelUp's refunded whole, cash and card given back,
        an offline payment not sent yet cancelled."""
        if self.state.is_final or self.void_requested:
            return []
        return [t for t in self.check.tenders if t.status in VOIDABLE]

    def why_not_voidable(self, tender_id: str) -> str:
        """Why ``tender_id`` cannot be voided now, in words ("" when it can)."""
        tender = self.tender(tender_id)
        if tender in self.voidable:
            return ""
        if self.void_requested:
            return f"Check {self.check.identifier} is being voided."
        name = "LevelUp" if tender.kind is TenderKind.LEVELUP else tender.kind.value
        return (
            f"This {name} payment is {tender.status.value.replace('_', ' ')} and cannot be voided."
        )

    @property
    def can_void(self) -> bool:
        """The check as a whole may be voided (or, once sold, refunded)."""
        return not self.state.is_final

    def why_not_returnable(self) -> str:
        """Why no item of this check can be returned now, in words ("" when some can)."""
        if self.state is not CheckState.CLOSED or self.void_requested:
            return (
                f"Only the items of a closed sale can be returned; check "
                f"{self.check.identifier} is {self.state.value.replace('_', ' ')}."
            )
        return why_no_returns(self.check)

    @property
    def can_comp(self) -> bool:
        """The check comes to $0.00 with items on it and nothing paid: it closes as a comp."""
        totals = self.check.totals
        return (
            self.state.takes_payments
            and bool(self.check.items)
            and not totals.grand_total
            and not totals.paid
            and not self.in_flight
        )

    @property
    def resolvable(self) -> list[Tender]:
        """Payments whose outcome a manager may ask LevelUp for now."""
        return [t for t in self.check.tenders if t.status in _RESOLVABLE]


def unfinished(records: Iterable[CheckRecord]) -> Counter[TenderStatus]:
    """How many tenders of ``records`` are still to come (being sent, unknown, refunding,
    queued offline), by status: what must be drained before this register is replaced."""
    return Counter(tender.status for record in records for tender in record.unsettled)


class ApprovalAction(StrEnum):
    VOID_TENDER = "void_tender"
    VOID_CHECK = "void_check"
    RESOLVE_TENDER = "resolve_tender"
    CHANGE_SETTINGS = "change_settings"
    COMP_CHECK = "comp_check"
    RETURN_ITEMS = "return_items"
    GIVE_DISCOUNT = "give_discount"
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    CLOSE_SHIFT = "close_shift"
    """Accept a drawer count that is over or short."""
    VIEW_REPORTS = "view_reports"
    CLOSE_DAY = "close_day"
    """Take the Z report: close the register's business day."""


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


@dataclass(frozen=True)
class DiscountPreset:
    """A discount the merchant offers by name (the catalog's ``[[discounts]]``): an amount or
    a percent, on one line or on the check."""

    name: str
    amount: int = 0
    percent: Decimal | None = None
    on_line: bool = False

    @property
    def discount(self) -> Discount:
        return Discount(self.name, self.amount, self.percent)


@dataclass(frozen=True)
class DiscountPolicy:
    """Who may give what (:mod:`pos_app.engine.discounts`): anyone who sells gives a preset
    while the check's discounts together, this one included, stay within ``max_amount`` cents
    and ``max_percent`` of its items; beyond that, or a discount not on the list, a manager."""

    presets: tuple[DiscountPreset, ...] = ()
    max_percent: Decimal = Decimal(20)
    max_amount: int = 1000


@dataclass(frozen=True)
class EngineSettings:
    """Who and where this register is, and the merchant's choices."""

    location_id: int
    merchant_id: int
    register: str
    tax_table: TaxTable = field(default_factory=TaxTable)
    offline: OfflinePolicy = field(default_factory=OfflinePolicy)
    partial_authorization: bool = True
    receipt_message_html: str | None = None
    levelup_enabled: bool = True
    """The merchant's switch for the LevelUp tender (off: LevelUp payments are refused)."""
    settle_after: timedelta = timedelta(seconds=60)
    late_watch: timedelta = timedelta(days=1)
    """How long a payment presumed not charged is looked for at LevelUp (it may commit
    late)."""
    """How long after sending a completed order its absence at LevelUp proves it was not
    charged: before that, LevelUp may still be working on it."""
    comp_needs_approval: bool = True
    """A $0 check (every item comped or discounted away) closes only with a manager's
    approval; off, the cashier's reason is enough."""
    discounts: DiscountPolicy = field(default_factory=DiscountPolicy)
