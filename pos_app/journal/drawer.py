"""The journal's events of a stretch of time, read back whole: what the cash drawer's figures
(:mod:`pos_app.engine.drawer`) are counted from."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from pos_app.engine.eventlog import NO_CHANGES, EventKind, JournalEvent
from pos_app.journal.codec import load_changes
from pos_app.journal.schema import events


def events_between(
    database: Engine, kinds: frozenset[EventKind], start: datetime, end: datetime
) -> list[JournalEvent]:
    """The events of ``kinds`` at or after ``start`` and before ``end``, oldest first, with
    their changes (the journal's ``events_between``)."""
    query = (
        select(events.c.kind, events.c.at, events.c.tender_id, events.c.data, events.c.changes)
        .where(events.c.kind.in_([kind.value for kind in kinds]))
        .where(events.c.at >= start, events.c.at < end)
        .order_by(events.c.id)
    )
    with database.connect() as connection:
        return [
            JournalEvent(
                kind=EventKind(kind),
                at=at,
                tender_id=tender_id,
                data=json.loads(data),
                changes=load_changes(changes) if changes else NO_CHANGES,
            )
            for kind, at, tender_id, data, changes in connection.execute(query)
        ]
