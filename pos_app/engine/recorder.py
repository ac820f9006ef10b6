"""The journal-first rule in one place.

:meth:`Recorder.save` is the only way to the journal and to the listeners: a command's new
state and the events that explain it are committed in one transaction, with what they changed
attached (:func:`~pos_app.engine.replay.attach`), before anyone hears of them. It also keeps
the check's state honest in the same commit: a check that is paid in full closes (when the
caller says it may), and a closed sale that owes money again says so (``BALANCE_DUE``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from pos_app.domain import CheckState, format_cents
from pos_app.engine.errors import CheckNotFound, IllegalTransition
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.events import CheckUpdated, EngineEvent
from pos_app.engine.model import CheckRecord
from pos_app.engine.ports import Journal
from pos_app.engine.replay import attach

Listener = Callable[[EngineEvent], None]

_REMEMBERED = 256
"""Checks whose last committed state is kept in memory (the base of the next commit's
changes, and what commands read): more than a register has open at once."""


class Recorder:
    """Commits checks with their events; reads them back. Called under the engine's lock."""

    def __init__(
        self,
        journal: Journal,
        clock: Callable[[], datetime],
        business_day: Callable[[datetime], date],
    ) -> None:
        self.journal = journal
        self.clock = clock
        self._business_day = business_day
        self._listeners: list[Listener] = []
        self.day_closed: Callable[[CheckRecord], bool] = lambda record: False
        """Whether ``record`` belongs to a business day a Z report closed (set by the
        engine's :class:`~pos_app.engine.days.BusinessDays`)."""
        self._committed: OrderedDict[str, CheckRecord] = OrderedDict()

    # ----- listeners --------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # ----- reading ----------------------------------------------------------------------

    def load(self, check_id: str) -> CheckRecord:
        record = self._committed.get(check_id) or self.journal.load(check_id)
        if record is None:
            raise CheckNotFound(f"There is no check {check_id}.")
        return record

    def editable(self, check_id: str) -> CheckRecord:
        """A check whose items, discounts and fees may change (the domain still refuses
        while payments hold them)."""
        record = self.load(check_id)
        if not record.state.editable:
            raise IllegalTransition(_not_editable(record))
        if self.day_closed(record):
            raise IllegalTransition(
                f"Check {record.check.identifier} belongs to a day whose Z report was taken: "
                "ring this up on a new check."
            )
        return record

    def payable(self, check_id: str) -> CheckRecord:
        """A check that may take another payment now."""
        record = self.load(check_id)
        identifier = record.check.identifier
        if not record.state.takes_payments:
            raise IllegalTransition(f"Check {identifier} is {record.state.value}.")
        if record.void_requested:
            raise IllegalTransition(f"Check {identifier} is being voided.")
        if record.in_flight:
            raise IllegalTransition(
                f"A LevelUp payment on check {identifier} is still being confirmed. Wait for "
                "it, or ask a manager to resolve it, before taking another payment."
            )
        return record

    # ----- writing ----------------------------------------------------------------------

    def event(self, kind: EventKind, tender_id: str | None = None, **data: Any) -> JournalEvent:
        return JournalEvent(kind=kind, at=self.clock(), tender_id=tender_id, data=data)

    def next_identifier(self) -> str:
        return self.journal.next_identifier(self._business_day(self.clock()))

    def save(
        self,
        record: CheckRecord,
        *events: JournalEvent,
        codes: Mapping[str, str] | None = None,
        close: bool = False,
    ) -> CheckRecord:
        """Commit ``record`` with ``events``, then tell the listeners. With ``close``, a check
        paid in full closes in the same commit; a closed check that owes money again moves
        to ``BALANCE_DUE`` whatever the caller says."""
        record, settled = self._settled(record, close)
        before = self._committed.get(record.check_id) or self.journal.load(record.check_id)
        complete = attach(before, record, (*events, *settled))
        self.journal.save(record, complete, codes)
        self._remember(record)
        self.publish(CheckUpdated(record))
        return record

    def closed(self, record: CheckRecord, **data: Any) -> tuple[CheckRecord, JournalEvent]:
        """``record`` closed now, and the event that says so with its figures."""
        totals = record.check.totals
        closed = record.moved(CheckState.CLOSED, closed_at=self.clock())
        event = self.event(
            EventKind.CHECK_CLOSED,
            total=totals.grand_total,
            paid=totals.paid,
            change=totals.change_due,
            tip=totals.tip,
            **data,
        )
        return closed, event

    def audit(self, event: JournalEvent) -> None:
        """An event of the register itself (a sign-in, a settings change), durably."""
        self.journal.audit(event)

    def _settled(
        self, record: CheckRecord, close: bool
    ) -> tuple[CheckRecord, tuple[JournalEvent, ...]]:
        if record.void_requested:
            return record, ()
        if close and record.state.takes_payments and record.check.can_close:
            closed, event = self.closed(record)
            return closed, (event,)
        due = record.check.totals.balance_due
        if record.state is CheckState.CLOSED and due:
            return record.moved(CheckState.BALANCE_DUE), (
                self.event(EventKind.BALANCE_DUE, due=due),
            )
        return record, ()

    def _remember(self, record: CheckRecord) -> None:
        self._committed[record.check_id] = record
        self._committed.move_to_end(record.check_id)
        if len(self._committed) > _REMEMBERED:
            self._committed.popitem(last=False)


def _not_editable(record: CheckRecord) -> str:
    identifier = record.check.identifier
    state = record.state
    if state is CheckState.VOIDED:
        return f"Check {identifier} is voided: nothing on it can change. Start a new check."
    if state is CheckState.REFUNDED:
        return f"Check {identifier} was refunded: nothing on it can change. Start a new check."
    if state is CheckState.BALANCE_DUE:
        due = format_cents(record.check.totals.balance_due)
        return (
            f"Check {identifier} was sold and still owes {due}: its items stay as sold. "
            "Take a payment for it, or void it."
        )
    if state is CheckState.CLOSED:
        return (
            f"Check {identifier} is closed: nothing on it can change. Scan or tap an item to "
            "start the next check."
        )
    return f"Check {identifier} is {state.value}."
