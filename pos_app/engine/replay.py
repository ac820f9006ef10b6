"""Events from state, and state from events.

:func:`attach` gives the events of one commit what the commit changed (the difference between
the check as it was committed before and as it is now), so events are complete by
construction; :func:`replay` folds a check's changes from nothing back into its
:class:`CheckRecord`. ``levelup-pos journal verify`` checks that the fold of every check's
events equals the state the journal stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pos_app.domain import Discount, Fee, LineItem, Tender
from pos_app.engine.eventlog import Changes, JournalEvent, StateChange, TenderChange
from pos_app.engine.model import CheckRecord, TenderInfo


def attach(
    before: CheckRecord | None, after: CheckRecord, events: Sequence[JournalEvent]
) -> tuple[JournalEvent, ...]:
    """``events`` (one commit's, in order) carrying every change from ``before`` to ``after``.

    A tender's change goes on the last event about that tender; the check's own changes (its
    contents and state) on the last event about no tender; either, failing that, on the last
    event.
    """
    if not events:
        raise ValueError("A commit that changes a check needs an event to say why.")
    check_part, tender_parts = _difference(before, after)
    last = len(events) - 1
    check_owner = next((i for i in range(last, -1, -1) if events[i].tender_id is None), last)
    owned: dict[int, list[TenderChange]] = {}
    for tender_id, change in tender_parts.items():
        owner = next((i for i in range(last, -1, -1) if events[i].tender_id == tender_id), last)
        owned.setdefault(owner, []).append(change)
    result = []
    for index, event in enumerate(events):
        changes = check_part if index == check_owner else Changes()
        if index in owned:
            changes = replace(changes, tenders=tuple(owned[index]))
        result.append(replace(event, changes=changes) if changes else event)
    return tuple(result)


def _difference(
    before: CheckRecord | None, after: CheckRecord
) -> tuple[Changes, dict[str, TenderChange]]:
    whole: tuple[Changes, dict[str, TenderChange]] = Changes(record=after), {}
    if before is None or _identity(before) != _identity(after):
        return whole
    old, new = before.check, after.check
    old_lines = {line.line_id: line for line in old.items}
    new_ids = [line.line_id for line in new.items]
    present = set(new_ids)
    removed = tuple(i for i in old_lines if i not in present)
    kept = [i for i in old_lines if i not in removed]
    if new_ids[: len(kept)] != kept or any(i in old_lines for i in new_ids[len(kept) :]):
        return whole  # the lines moved about: only the whole check says how
    old_tenders = {t.tender_id: t for t in old.tenders}
    new_tenders = [t.tender_id for t in new.tenders]
    if new_tenders[: len(old_tenders)] != list(old_tenders) or set(after.tender_info) - set(
        new_tenders
    ):
        return whole
    tenders = {
        t.tender_id: TenderChange(t, after.tender_info.get(t.tender_id))
        for t in new.tenders
        if old_tenders.get(t.tender_id) != t
        or before.tender_info.get(t.tender_id) != after.tender_info.get(t.tender_id)
    }
    state = _state(after)
    check = Changes(
        lines=tuple(line for line in new.items if old_lines.get(line.line_id) != line),
        removed_lines=removed,
        discounts=new.discounts if new.discounts != old.discounts else None,
        fees=new.fees if new.fees != old.fees else None,
        next_line_id=new.next_line_id if new.next_line_id != old.next_line_id else None,
        state=state if state != _state(before) else None,
        name=after.name if after.name != before.name else None,
    )
    return check, tenders


def _identity(record: CheckRecord) -> tuple[object, ...]:
    return (record.check_id, record.opened_at, record.check.identifier, record.check.tax_table)


def _state(record: CheckRecord) -> StateChange:
    return StateChange(record.state, record.closed_at, record.void_requested)


class Fold:
    """A check rebuilt from its changes, one event at a time (cheap: the check is built
    once, at :meth:`result`)."""

    def __init__(self) -> None:
        self._base: CheckRecord | None = None
        self._lines: dict[int, LineItem] = {}
        self._discounts: tuple[Discount, ...] = ()
        self._fees: tuple[Fee, ...] = ()
        self._next_line_id = 1
        self._tenders: dict[str, Tender] = {}
        self._infos: dict[str, TenderInfo] = {}
        self._state: StateChange | None = None
        self._name = ""

    def add(self, changes: Changes) -> None:
        if changes.record is not None:
            self._restart(changes.record)
        elif self._base is None:
            return  # an older journal's event without detail: its synthesis comes later
        for line_id in changes.removed_lines:
            self._lines.pop(line_id, None)
        for line in changes.lines:
            self._lines[line.line_id] = line
        if changes.discounts is not None:
            self._discounts = changes.discounts
        if changes.fees is not None:
            self._fees = changes.fees
        if changes.next_line_id is not None:
            self._next_line_id = changes.next_line_id
        for change in changes.tenders:
            self._tenders[change.tender.tender_id] = change.tender
            if change.info is None:
                self._infos.pop(change.tender.tender_id, None)
            else:
                self._infos[change.tender.tender_id] = change.info
        if changes.state is not None:
            self._state = changes.state
        if changes.name is not None:
            self._name = changes.name

    def _restart(self, record: CheckRecord) -> None:
        self._base = record
        check = record.check
        self._lines = {line.line_id: line for line in check.items}
        self._discounts, self._fees = check.discounts, check.fees
        self._next_line_id = check.next_line_id
        self._tenders = {t.tender_id: t for t in check.tenders}
        self._infos = dict(record.tender_info)
        self._state = _state(record)
        self._name = record.name

    def result(self) -> CheckRecord | None:
        """The check as its changes so far leave it (None: no change named it yet)."""
        if self._base is None or self._state is None:
            return None
        check = replace(
            self._base.check,
            items=tuple(self._lines.values()),
            discounts=self._discounts,
            fees=self._fees,
            tenders=tuple(self._tenders.values()),
            next_line_id=self._next_line_id,
        )
        return replace(
            self._base,
            check=check,
            state=self._state.state,
            closed_at=self._state.closed_at,
            void_requested=self._state.void_requested,
            tender_info=dict(self._infos),
            name=self._name,
        )


def replay(changes: Iterable[Changes]) -> CheckRecord | None:
    """A check from its events' changes, oldest first, from nothing."""
    fold = Fold()
    for change in changes:
        fold.add(change)
    return fold.result()
