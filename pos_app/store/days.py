"""A register's business day as the store server holds it: its checks numbered on the day, its
events of the day, who opened each check, and the Z reports it shipped (what
:func:`pos_app.reports.figures.count_day` reads, as :mod:`pos_app.app.reports` reads it from
the register's own journal).

Events are read from two days before the day's midnight (UTC) to two days after, and each is
given its business day by the register's own ``DAY_CLOSED`` events, as the register does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Connection, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pos_app.domain import identifier_for
from pos_app.domain.identifiers import MAX_DAILY_SEQUENCE
from pos_app.engine import ClosedDay, EventKind, JournalEvent
from pos_app.engine.days import Calendar
from pos_app.engine.eventlog import NO_CHANGES
from pos_app.journal.codec import load_changes, load_record
from pos_app.reports.figures import DAY_EVENTS, DayFacts
from pos_app.store.database import describe
from pos_app.store.events import RegisterKey, fold_pending
from pos_app.store.schema import checks, events

_NEAR = timedelta(days=2)


def closed_days_of(database: Engine, key: RegisterKey) -> list[ClosedDay]:
    """The Z reports ``key`` took and shipped, oldest first."""
    try:
        with database.connect() as connection:
            return _closed(connection, key)
    except DBAPIError as error:
        raise describe(error, database.url) from None


def register_day(
    database: Engine, key: RegisterKey, day: date, local_day: Callable[[datetime], date]
) -> DayFacts:
    """What the server holds of ``key``'s business ``day``; ``local_day`` is the calendar day
    of a moment where the store is."""
    midnight = datetime.combine(day, time(), UTC)
    fold_pending(database, key)  # what the register shipped and has not folded yet
    try:
        with database.connect() as connection:
            calendar = Calendar(_closed(connection, key), local_day)
            records = [
                load_record(snapshot)
                for snapshot in connection.execute(
                    select(checks.c.snapshot)
                    .where(*_of(checks, key))
                    .where(
                        checks.c.identifier >= identifier_for(day, 1),
                        checks.c.identifier <= identifier_for(day, MAX_DAILY_SEQUENCE),
                    )
                    .order_by(checks.c.identifier, checks.c.opened_at)
                ).scalars()
            ]
            near = _events(connection, key, midnight - _NEAR, midnight + _NEAR)
            numbers = {r.check_id: r.check.identifier for r in records}
            sold = set(numbers)
            day_events = [
                (check_id, event)
                for check_id, event in near
                if event.kind is not EventKind.CHECK_OPENED and calendar.day_of(event.at) == day
            ]
            others = {c for c, _ in day_events if c and c not in numbers}
            if others:
                numbers |= dict(
                    connection.execute(
                        select(checks.c.check_id, checks.c.identifier)
                        .where(*_of(checks, key))
                        .where(checks.c.check_id.in_(others))
                    ).tuples()
                )
    except DBAPIError as error:
        raise describe(error, database.url) from None
    cashiers = {
        check_id: event.data["cashier"]
        for check_id, event in near
        if event.kind is EventKind.CHECK_OPENED and check_id in sold and "cashier" in event.data
    }
    for check_id, _ in day_events:
        numbers.setdefault(check_id, check_id[:10])
    return DayFacts(day, key.register_id, records, cashiers, day_events, numbers, _local_hour)


def _of(table: Table, key: RegisterKey) -> tuple[ColumnElement[bool], ...]:
    return (table.c.location_id == key.location_id, table.c.register_id == key.register_id)


def _closed(connection: Connection, key: RegisterKey) -> list[ClosedDay]:
    rows = connection.execute(
        select(events.c.at, events.c.data)
        .where(*_of(events, key))
        .where(events.c.kind == EventKind.DAY_CLOSED.value)
        .order_by(events.c.seq)
    )
    return [ClosedDay.of(JournalEvent(EventKind.DAY_CLOSED, at, data=data)) for at, data in rows]


def _events(
    connection: Connection, key: RegisterKey, start: datetime, end: datetime
) -> list[tuple[str, JournalEvent]]:
    kinds = [kind.value for kind in DAY_EVENTS | {EventKind.CHECK_OPENED}]
    rows = connection.execute(
        select(
            events.c.check_id,
            events.c.kind,
            events.c.at,
            events.c.tender_id,
            events.c.data,
            events.c.changes,
        )
        .where(*_of(events, key))
        .where(events.c.kind.in_(kinds), events.c.at >= start, events.c.at < end)
        .order_by(events.c.seq)
    )
    return [
        (
            check_id,
            JournalEvent(
                EventKind(kind),
                at,
                tender_id,
                data,
                load_changes(changes) if changes else NO_CHANGES,
            ),
        )
        for check_id, kind, at, tender_id, data, changes in rows
    ]


def _local_hour(at: datetime) -> int:
    return at.astimezone().hour
