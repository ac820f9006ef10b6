"""The cash drawer: opened without a sale, cash paid in or out, and what it should hold.

A no-sale needs a reason from a cashier signed in here; a pay-in or pay-out also needs a
manager's one-use approval of ``PAY_IN`` or ``PAY_OUT`` on :data:`DRAWER_TARGET`. Each is on
the audit trail (``no_sale``, ``paid_in``, ``paid_out``: who, why, the register, the amount and
the approval) before it is returned; whoever opens the drawer (the print queue) does so after.

What the drawer should hold on a business day (the day of the engine's check numbers) is
counted from that day's events: the cash payments taken (their amount: the change went back
at once), less the cash given back (cash payments voided, alone or with their check, and
returned items' cash), plus the cash paid in, less the cash paid out. A void gives back what
its payment still held: returns before it gave back the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from pos_app.domain import InvalidAmount, TenderKind, format_cents, require_cents
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import EngineError
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import ApprovalAction, EngineSettings, ManagerApproval
from pos_app.engine.ports import Journal
from pos_app.engine.recorder import Recorder
from pos_app.engine.staff import Permission, StaffMember

DRAWER_TARGET = "drawer"
"""The target of every ``PAY_IN`` and ``PAY_OUT`` approval: the window asks for one with
``Engine.approve(None, ApprovalAction.PAY_IN, DRAWER_TARGET, ...)`` (None: no check)."""
MAX_REASON = 100
"""The longest reason, in characters."""
MAX_MOVEMENT = 1_000_000
"""The most cash one pay-in or pay-out moves, in cents ($10,000.00)."""

MOVEMENTS = frozenset({EventKind.NO_SALE, EventKind.PAID_IN, EventKind.PAID_OUT})
_CASH_EVENTS = MOVEMENTS | {EventKind.TENDER_APPROVED, EventKind.VOIDED, EventKind.ITEMS_RETURNED}
_WHAT = {
    EventKind.NO_SALE: "A no-sale",
    EventKind.PAID_IN: "A pay-in",
    EventKind.PAID_OUT: "A pay-out",
}
_NEAR = timedelta(days=2)
"""The events of a business day are read from this long before its date's midnight (UTC) to
this long after, then each is asked its business day: any time zone or late cut-off fits."""


@dataclass(frozen=True)
class DrawerMovement:
    """The drawer opened without a sale (``NO_SALE``, amount 0), or cash paid in or out."""

    kind: EventKind
    at: datetime
    staff_id: str
    cashier: str
    """Who, as ``Name (id)``."""
    reason: str
    register: str
    amount: int = 0
    approval_id: str | None = None
    manager: str | None = None

    def as_data(self) -> dict[str, Any]:
        """The journaled facts (the event's ``data``)."""
        return {
            "staff_id": self.staff_id,
            "cashier": self.cashier,
            "reason": self.reason,
            "register": self.register,
            "amount": self.amount,
            "approval_id": self.approval_id,
            "manager": self.manager,
        }

    @classmethod
    def of(cls, event: JournalEvent) -> DrawerMovement:
        return cls(event.kind, event.at, **event.data)


@dataclass(frozen=True)
class Tally:
    """Cash moved one way, and how many times."""

    amount: int = 0
    count: int = 0

    def plus(self, amount: int, count: int = 1) -> Tally:
        return Tally(self.amount + amount, self.count + count)

    def as_data(self) -> dict[str, int]:
        return {"amount": self.amount, "count": self.count}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Tally:
        return cls(int(data["amount"]), int(data["count"]))


@dataclass(frozen=True)
class DrawerCash:
    """What the drawer should hold at the end of ``day``, and its parts."""

    day: date
    opening: int = 0
    """What it held when the day began (a float: counted by shifts, later; 0 until then)."""
    taken: Tally = Tally()
    given_back: Tally = Tally()
    paid_in: Tally = Tally()
    paid_out: Tally = Tally()
    no_sales: int = 0

    @property
    def expected(self) -> int:
        return expected_cash(self)

    def as_data(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "opening": self.opening,
            "taken": self.taken.as_data(),
            "given_back": self.given_back.as_data(),
            "paid_in": self.paid_in.as_data(),
            "paid_out": self.paid_out.as_data(),
            "no_sales": self.no_sales,
            "expected": self.expected,
        }


class CashMoves(Protocol):
    """What a drawer began with and the cash moved since (:class:`DrawerCash` and others)."""

    @property
    def opening(self) -> int: ...
    @property
    def taken(self) -> Tally: ...
    @property
    def given_back(self) -> Tally: ...
    @property
    def paid_in(self) -> Tally: ...
    @property
    def paid_out(self) -> Tally: ...


def expected_cash(cash: CashMoves) -> int:
    """What a drawer should hold: what it began with, plus the cash taken, less the cash
    given back, plus the cash paid in, less the cash paid out."""
    return (
        cash.opening
        + cash.taken.amount
        - cash.given_back.amount
        + cash.paid_in.amount
        - cash.paid_out.amount
    )


def day_events(
    journal: Journal, day: date, business_day: Callable[[datetime], date]
) -> list[JournalEvent]:
    """The events of business ``day`` that open the drawer or move its cash, oldest first."""
    midnight = datetime.combine(day, time(), UTC)
    near = journal.events_between(_CASH_EVENTS, midnight - _NEAR, midnight + _NEAR)
    return [event for event in near if business_day(event.at) == day]


def drawer_cash(day: date, events: Iterable[JournalEvent], *, opening: int = 0) -> DrawerCash:
    """What the drawer should hold after ``events`` (:func:`day_events` of ``day``)."""
    cash = DrawerCash(day, opening)
    for event in events:
        data = event.data
        if event.kind is EventKind.TENDER_APPROVED and data.get("tender_kind") == TenderKind.CASH:
            cash = replace(cash, taken=cash.taken.plus(data["amount"]))
        elif event.kind is EventKind.VOIDED and data.get("tender_kind") == TenderKind.CASH:
            cash = replace(cash, given_back=cash.given_back.plus(void_gave(event)))
        elif event.kind is EventKind.ITEMS_RETURNED:
            for back in data["given_back"]:
                if back["tender_kind"] == TenderKind.CASH:
                    cash = replace(cash, given_back=cash.given_back.plus(back["amount"]))
        elif event.kind is EventKind.PAID_IN:
            cash = replace(cash, paid_in=cash.paid_in.plus(data["amount"]))
        elif event.kind is EventKind.PAID_OUT:
            cash = replace(cash, paid_out=cash.paid_out.plus(data["amount"]))
        elif event.kind is EventKind.NO_SALE:
            cash = replace(cash, no_sales=cash.no_sales + 1)
    return cash


def drawer_movements(events: Iterable[JournalEvent]) -> list[DrawerMovement]:
    """The no-sales, pay-ins and pay-outs among ``events``, in their order."""
    return [DrawerMovement.of(event) for event in events if event.kind in MOVEMENTS]


def void_gave(event: JournalEvent) -> int:
    """What a cash payment's void gave back: all it took, less what returns gave before (the
    voided payment, in the event's changes, still counts those)."""
    before = sum(
        change.tender.given_back
        for change in event.changes.tenders
        if change.tender.tender_id == event.tender_id
    )
    returned: int = event.data["returned"]
    return returned - before


def drawer_reason(text: str, what: str) -> str:
    """``text`` as the reason for ``what`` (``"A pay-in"``), its spaces trimmed."""
    reason = " ".join(text.split())
    if not reason:
        raise EngineError(f"{what} needs a reason.")
    if len(reason) > MAX_REASON or not reason.isprintable():
        raise EngineError(f"A reason is at most {MAX_REASON} letters, digits or signs.")
    return reason


def drawer_amount(amount: int, what: str) -> int:
    """``amount`` cents as what ``what`` moves: more than $0.00, at most :data:`MAX_MOVEMENT`."""
    require_cents(amount, f"{what} amount", allow_zero=False)
    if amount > MAX_MOVEMENT:
        raise InvalidAmount(
            f"{what} is at most {format_cents(MAX_MOVEMENT)}, not {format_cents(amount)}."
        )
    return amount


class CashDrawer:
    """The drawer's commands and figures (``Engine.drawer``), each under the engine's lock."""

    def __init__(
        self,
        recorder: Recorder,
        approvals: Approvals,
        settings: EngineSettings,
        business_day: Callable[[datetime], date],
        lock: threading.RLock,
    ) -> None:
        self._recorder = recorder
        self._approvals = approvals
        self._register = settings.register
        self._business_day = business_day
        self._lock = lock

    def no_sale(self, cashier: StaffMember, reason: str) -> DrawerMovement:
        """The drawer opened without a sale by ``cashier``, for ``reason``: audited."""
        why = drawer_reason(reason, _WHAT[EventKind.NO_SALE])
        with self._lock:
            return self._record(EventKind.NO_SALE, self._cashier(cashier), why)

    def pay_in(
        self, cashier: StaffMember, amount: int, reason: str, approval: ManagerApproval | None
    ) -> DrawerMovement:
        """``amount`` cents put into the drawer, with a manager's approval of ``PAY_IN``."""
        return self._pay(
            EventKind.PAID_IN, ApprovalAction.PAY_IN, cashier, amount, reason, approval
        )

    def pay_out(
        self, cashier: StaffMember, amount: int, reason: str, approval: ManagerApproval | None
    ) -> DrawerMovement:
        """``amount`` cents taken out of the drawer, with a manager's approval of ``PAY_OUT``."""
        return self._pay(
            EventKind.PAID_OUT, ApprovalAction.PAY_OUT, cashier, amount, reason, approval
        )

    def expected_cash(self, day: date, *, opening: int = 0) -> DrawerCash:
        """What the drawer should hold at the end of business ``day``, from ``opening``."""
        with self._lock:
            events = day_events(self._recorder.journal, day, self._business_day)
        return drawer_cash(day, events, opening=opening)

    def movements(self, day: date) -> list[DrawerMovement]:
        """The no-sales, pay-ins and pay-outs of business ``day``, oldest first."""
        with self._lock:
            events = day_events(self._recorder.journal, day, self._business_day)
        return drawer_movements(events)

    def _pay(
        self,
        kind: EventKind,
        action: ApprovalAction,
        cashier: StaffMember,
        amount: int,
        reason: str,
        approval: ManagerApproval | None,
    ) -> DrawerMovement:
        what = _WHAT[kind]
        cents, why = drawer_amount(amount, what), drawer_reason(reason, what)
        with self._lock:
            member = self._cashier(cashier)
            approved = self._approvals.consume(approval, action, DRAWER_TARGET)
            assert approval is not None  # consumed above
            self._recorder.audit(approved)
            return self._record(kind, member, why, cents, approval)

    def _cashier(self, cashier: StaffMember) -> StaffMember:
        """``cashier`` as they signed in here, if they may sell."""
        member = self._approvals.signed_in(cashier.staff_id)
        if not member.may(Permission.SELL):
            raise EngineError(f"{member.name} may not sell at this register.")
        return member

    def _record(
        self,
        kind: EventKind,
        member: StaffMember,
        reason: str,
        amount: int = 0,
        approval: ManagerApproval | None = None,
    ) -> DrawerMovement:
        event = self._recorder.event(
            kind,
            staff_id=member.staff_id,
            cashier=member.label,
            reason=reason,
            register=self._register,
            amount=amount,
            approval_id=approval.approval_id if approval else None,
            manager=approval.manager if approval else None,
        )
        self._recorder.audit(event)
        return DrawerMovement.of(event)
