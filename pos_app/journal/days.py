"""What the reports read of one business day: its checks, by their numbers, and the events of a
stretch of time with the check each belongs to."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from pos_app.domain import identifier_day, identifier_for
from pos_app.domain.identifiers import MAX_DAILY_SEQUENCE
from pos_app.engine.eventlog import NO_CHANGES, EventKind, JournalEvent
from pos_app.engine.model import CheckRecord
from pos_app.journal.codec import load_changes
from pos_app.journal.schema import checks, events


def checks_of_day(
    database: Engine, day: date, load: Callable[[str], CheckRecord]
) -> list[CheckRecord]:
    """The checks numbered on business ``day`` (``YYMMDD0001`` to ``YYMMDD9999``), in order."""
    query = (
        select(checks.c.snapshot)
        .where(
            checks.c.identifier >= identifier_for(day, 1),
            checks.c.identifier <= identifier_for(day, MAX_DAILY_SEQUENCE),
        )
        .order_by(checks.c.identifier, checks.c.opened_at)
    )
    with database.connect() as connection:
        return [load(snapshot) for snapshot in connection.execute(query).scalars()]


def first_day_after(database: Engine, day: date | None) -> date | None:
    """The first business day after ``day`` (None: from the start) that has a check."""
    query = select(func.min(checks.c.identifier))
    if day is not None:
        query = query.where(checks.c.identifier > identifier_for(day, MAX_DAILY_SEQUENCE))
    with database.connect() as connection:
        first = connection.execute(query).scalar()
    return None if first is None else identifier_day(first)


def check_events_between(
    database: Engine, kinds: frozenset[EventKind], start: datetime, end: datetime
) -> list[tuple[str, JournalEvent]]:
    """The events of ``kinds`` at or after ``start`` and before ``end``, oldest first, each with
    its check's id (``""`` for the register's own events) and what it changed."""
    query = (
        select(
            events.c.check_id,
            events.c.kind,
            events.c.at,
            events.c.tender_id,
            events.c.data,
            events.c.changes,
        )
        .where(events.c.kind.in_([kind.value for kind in kinds]))
        .where(events.c.at >= start, events.c.at < end)
        .order_by(events.c.id)
    )
    with database.connect() as connection:
        return [
            (
                check_id,
                JournalEvent(
                    EventKind(kind),
                    at,
                    tender_id,
                    json.loads(data),
                    load_changes(changes) if changes else NO_CHANGES,
                ),
            )
            for check_id, kind, at, tender_id, data, changes in connection.execute(query)
        ]
