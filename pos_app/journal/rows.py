"""The journal's events as stored, in order, for whoever copies them elsewhere (the store
server): each with its sequence (the event's id), its data and changes as JSON text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from pos_app.journal.schema import counters, events


@dataclass(frozen=True)
class JournalRow:
    """One journal event as stored (``check_id`` empty: the register's own event)."""

    seq: int
    at: datetime
    check_id: str
    tender_id: str | None
    kind: str
    data: str
    changes: str | None


def rows_after(database: Engine, after: int, limit: int) -> list[JournalRow]:
    """Up to ``limit`` events after sequence ``after``, oldest first."""
    query = (
        select(
            events.c.id,
            events.c.at,
            events.c.check_id,
            events.c.tender_id,
            events.c.kind,
            events.c.data,
            events.c.changes,
        )
        .where(events.c.id > after)
        .order_by(events.c.id)
        .limit(limit)
    )
    with database.connect() as connection:
        return [JournalRow(*row) for row in connection.execute(query)]


def journal_id(database: Engine) -> str:
    """This journal's own random id, made the first time it is asked for: what tells the
    store server one register's journal from another's (or from a restored older copy)."""
    with database.begin() as connection:
        found = connection.execute(
            select(counters.c.value).where(counters.c.name == "journal_id")
        ).scalar()
        if found is None:
            found = uuid.uuid4().hex
            connection.execute(insert(counters).values(name="journal_id", value=found))
        return str(found)


def last_seq(database: Engine) -> int:
    """The newest event's sequence (0: an empty journal)."""
    with database.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())
