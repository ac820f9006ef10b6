"""Shifts: a cashier takes the drawer with a starting float and hands it back counted.

One shift is open on a register at a time. Opening one (``SHIFT_OPENED``) records who took
the drawer and its float; closing one (``SHIFT_CLOSED``) records the count by denomination,
what the drawer should hold (the float, plus :func:`~pos_app.engine.drawer.drawer_cash` over
the drawer's events since the shift opened) and the difference. A count that is over or short
needs a manager's one-use approval of ``CLOSE_SHIFT`` on :data:`SHIFT_TARGET`. Any signed-in
seller may close the open shift: a cashier taking over counts the drawer handed to them. Both
events are on the audit trail; the open shift is rebuilt from them at start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pos_app.domain import InvalidAmount, format_cents, require_cents
from pos_app.engine.approvals import Approvals
from pos_app.engine.days import BusinessDays
from pos_app.engine.drawer import DrawerCash, day_events, drawer_cash
from pos_app.engine.errors import ApprovalRequired, EngineError
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import ApprovalAction, EngineSettings, ManagerApproval
from pos_app.engine.ports import Journal
from pos_app.engine.recorder import Recorder
from pos_app.engine.staff import Permission, StaffMember

SHIFT_TARGET = "shift"
"""The target of every ``CLOSE_SHIFT`` approval (of no check)."""
MAX_FLOAT = 1_000_000
"""The largest starting float, in cents ($10,000.00)."""
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1)
"""The US bills and coins a count is made of, in cents, largest first."""
LOOSE = 0
"""The key of a loose amount in a count (rolled coin, say), in cents, beside the bills."""
MAX_QUANTITY = 9_999
"""The most of one bill or coin a count takes."""
SHIFT_EVENTS = frozenset({EventKind.SHIFT_OPENED, EventKind.SHIFT_CLOSED})
_EVER = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Shift:
    """A shift as it opened: who took the drawer, where, when, and with what float."""

    shift_id: str
    opened_at: datetime
    staff_id: str
    cashier: str
    """Who opened it, as ``Name (id)``."""
    register: str
    float_cents: int

    def as_data(self) -> dict[str, Any]:
        """The journaled facts (the ``SHIFT_OPENED`` event's ``data``)."""
        return {
            "shift_id": self.shift_id,
            "staff_id": self.staff_id,
            "cashier": self.cashier,
            "register": self.register,
            "float": self.float_cents,
        }

    @classmethod
    def of(cls, event: JournalEvent) -> Shift:
        data = event.data
        return cls(
            data["shift_id"],
            event.at,
            data["staff_id"],
            data["cashier"],
            data["register"],
            data["float"],
        )


@dataclass(frozen=True)
class ShiftCash:
    """What the drawer should hold for ``shift`` at ``at``: ``drawer`` is the drawer's cash
    since the shift opened, its opening the shift's float."""

    shift: Shift
    at: datetime
    drawer: DrawerCash

    @property
    def expected(self) -> int:
        return self.drawer.expected


@dataclass(frozen=True)
class ShiftClose:
    """A shift closed: the drawer's figures, its count, and who counted and approved it."""

    shift: Shift
    closed_at: datetime
    staff_id: str
    cashier: str
    """Who counted the drawer, as ``Name (id)``: not always who opened the shift."""
    taken: int
    given_back: int
    paid_in: int
    paid_out: int
    expected: int
    counts: dict[int, int]
    """Quantity by denomination in cents; :data:`LOOSE` holds a loose amount in cents."""
    counted: int
    approval_id: str | None = None
    manager: str | None = None

    @property
    def over_short(self) -> int:
        """Counted less expected: over when positive, short when negative."""
        return self.counted - self.expected

    def as_data(self) -> dict[str, Any]:
        """The journaled facts (the ``SHIFT_CLOSED`` event's ``data``)."""
        return {
            "shift_id": self.shift.shift_id,
            "staff_id": self.staff_id,
            "cashier": self.cashier,
            "register": self.shift.register,
            "float": self.shift.float_cents,
            "taken": self.taken,
            "given_back": self.given_back,
            "paid_in": self.paid_in,
            "paid_out": self.paid_out,
            "expected": self.expected,
            "counted": self.counted,
            "over_short": self.over_short,
            "counts": {str(denomination): n for denomination, n in self.counts.items()},
            "approval_id": self.approval_id,
            "manager": self.manager,
            "opened_at": self.shift.opened_at.isoformat(),
        }

    @classmethod
    def of(cls, event: JournalEvent, shift: Shift) -> ShiftClose:
        data = event.data
        return cls(
            shift,
            event.at,
            data["staff_id"],
            data["cashier"],
            data["taken"],
            data["given_back"],
            data["paid_in"],
            data["paid_out"],
            data["expected"],
            {int(denomination): n for denomination, n in data["counts"].items()},
            data["counted"],
            data["approval_id"],
            data["manager"],
        )


def shift_float(cents: int, what: str = "The float") -> int:
    """``cents`` as a starting float (or ``what`` else): $0.00 to :data:`MAX_FLOAT`."""
    require_cents(cents, what)
    if cents > MAX_FLOAT:
        raise InvalidAmount(
            f"{what} is at most {format_cents(MAX_FLOAT)}, not {format_cents(cents)}."
        )
    return cents


def drawer_count(counts: Mapping[int, int]) -> dict[int, int]:
    """``counts`` checked (US bills and coins, whole quantities, a loose amount up to
    :data:`MAX_FLOAT`), without the zeros, largest denomination first."""
    for denomination, quantity in counts.items():
        if denomination == LOOSE:
            shift_float(quantity, "The loose amount")
        elif denomination not in DENOMINATIONS:
            raise InvalidAmount(f"{denomination!r} cents is not a US bill or coin.")
        elif isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidAmount(f"Count whole {format_cents(denomination)} pieces.")
        elif not 0 <= quantity <= MAX_QUANTITY:
            raise InvalidAmount(
                f"Count 0 to {MAX_QUANTITY} of {format_cents(denomination)}, not {quantity}."
            )
    return {d: counts[d] for d in (*DENOMINATIONS, LOOSE) if counts.get(d)}


def counted_cents(counts: Mapping[int, int]) -> int:
    """What a checked count comes to (the loose amount counts as cents)."""
    return sum(quantity * (denomination or 1) for denomination, quantity in counts.items())


def over_short_words(cents: int) -> str:
    """``"over $1.00"``, ``"short $0.25"`` or ``"even"``."""
    if cents > 0:
        return f"over {format_cents(cents)}"
    if cents < 0:
        return f"short {format_cents(-cents)}"
    return "even"


def shift_history(events: Iterable[JournalEvent]) -> list[Shift | ShiftClose]:
    """The shifts that ``SHIFT_OPENED`` and ``SHIFT_CLOSED`` ``events`` tell, oldest first:
    the open one (at most the last) as a :class:`Shift`, the others as closed."""
    shifts: dict[str, Shift | ShiftClose] = {}
    for event in events:
        if event.kind is EventKind.SHIFT_OPENED:
            shift = Shift.of(event)
            shifts[shift.shift_id] = shift
        elif isinstance(opened := shifts.get(event.data["shift_id"]), Shift):
            shifts[opened.shift_id] = ShiftClose.of(event, opened)
    return list(shifts.values())


def journal_shifts(journal: Journal) -> list[Shift | ShiftClose]:
    """Every shift of the register ``journal`` belongs to, oldest first."""
    return shift_history(journal.events_between(SHIFT_EVENTS, *_EVER))


def shift_cash(
    journal: Journal, shift: Shift, until: datetime, business_day: Callable[[datetime], date]
) -> ShiftCash:
    """What the drawer should hold at ``until`` for ``shift``: its float and the cash the
    drawer's events moved since it opened, whatever business days they fell on."""
    day, last = business_day(shift.opened_at), business_day(until)
    events: list[JournalEvent] = []
    while day <= last:
        events += [
            event
            for event in day_events(journal, day, business_day)
            if shift.opened_at <= event.at <= until
        ]
        day += timedelta(days=1)
    return ShiftCash(shift, until, drawer_cash(last, events, opening=shift.float_cents))


class Shifts:
    """The register's shifts (``Engine.shifts``): each command under the engine's lock."""

    def __init__(
        self,
        recorder: Recorder,
        approvals: Approvals,
        settings: EngineSettings,
        days: BusinessDays,
        lock: threading.RLock,
        new_id: Callable[[], str],
    ) -> None:
        self._recorder = recorder
        self._approvals = approvals
        self._register = settings.register
        self._days = days
        self._lock = lock
        self._new_id = new_id
        self._history = journal_shifts(recorder.journal)

    def current(self) -> Shift | None:
        """The shift open on this register, if one is."""
        with self._lock:
            last = self._history[-1] if self._history else None
            return last if isinstance(last, Shift) else None

    def open(self, cashier: StaffMember, float_cents: int) -> Shift:
        """A shift opened by ``cashier`` with ``float_cents`` in the drawer: audited."""
        cents = shift_float(float_cents)
        with self._lock:
            member = self._seller(cashier)
            if (current := self.current()) is not None:
                raise EngineError(
                    f"A shift is open on this register already ({current.cashier}, since "
                    f"{current.opened_at.astimezone():%H:%M}): close it before opening another."
                )
            opening = Shift(
                self._new_id(),
                self._recorder.clock(),
                member.staff_id,
                member.label,
                self._register,
                cents,
            )
            event = self._recorder.event(EventKind.SHIFT_OPENED, **opening.as_data())
            self._recorder.audit(event)
            shift = Shift.of(event)
            self._history.append(shift)
            return shift

    def expected(self, shift: Shift) -> ShiftCash:
        """What the drawer should hold now for the open ``shift``."""
        with self._lock:
            if shift != self.current():
                raise EngineError("That shift is closed: its count says what the drawer held.")
            now = self._recorder.clock()
            return shift_cash(self._recorder.journal, shift, now, self._days.day_of)

    def close(
        self, cashier: StaffMember, counts: Mapping[int, int], approval: ManagerApproval | None
    ) -> ShiftClose:
        """Close the open shift with the drawer counted by ``cashier`` (:func:`drawer_count`);
        over or short, a manager's approval of ``CLOSE_SHIFT`` is spent on it. Audited."""
        count = drawer_count(counts)
        counted = counted_cents(count)
        with self._lock:
            member = self._seller(cashier)
            shift = self.current()
            if shift is None:
                raise EngineError("No shift is open on this register: there is nothing to close.")
            cash = self.expected(shift).drawer
            over_short = counted - cash.expected
            used = None
            if over_short:
                if approval is None:
                    raise ApprovalRequired(
                        f"The drawer is {over_short_words(over_short)}: a manager must approve "
                        "the count."
                    )
                self._recorder.audit(
                    self._approvals.consume(approval, ApprovalAction.CLOSE_SHIFT, SHIFT_TARGET)
                )
                used = approval
            closing = ShiftClose(
                shift,
                self._recorder.clock(),
                member.staff_id,
                member.label,
                cash.taken.amount,
                cash.given_back.amount,
                cash.paid_in.amount,
                cash.paid_out.amount,
                cash.expected,
                count,
                counted,
                used.approval_id if used else None,
                used.manager if used else None,
            )
            event = self._recorder.event(EventKind.SHIFT_CLOSED, **closing.as_data())
            self._recorder.audit(event)
            closed = ShiftClose.of(event, shift)
            self._history[-1] = closed
            return closed

    def of_day(self, day: date) -> list[Shift | ShiftClose]:
        """The shifts opened on business ``day``, oldest first (the open one as a Shift)."""
        with self._lock:
            return [shift for shift in self._history if self._days.day_of(_opened_at(shift)) == day]

    def _seller(self, cashier: StaffMember) -> StaffMember:
        """``cashier`` as they signed in here, if they may sell."""
        member = self._approvals.signed_in(cashier.staff_id)
        if not member.may(Permission.SELL):
            raise EngineError(f"{member.name} may not sell at this register.")
        return member


def _opened_at(shift: Shift | ShiftClose) -> datetime:
    return shift.opened_at if isinstance(shift, Shift) else shift.shift.opened_at
