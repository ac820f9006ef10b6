"""Registers' journal events arriving at the store server, and the checks they fold to.

A batch is a register's events in journal order (``seq`` is the journal's event id). It is
stored in one transaction: the events (a unique key of location, register and sequence, so an
event sent twice is stored once) and the register's ``shipped_seq``. A crash between the
commit and the register hearing of it costs a resend, which stores nothing new.

The checks are folded forward from their stored state (the same fold as ``journal verify``,
:class:`pos_app.engine.replay.Fold`) by :func:`fold_pending`, in the order the events came, up
to the register's ``folded_seq``: with the batch (``receive(..., fold=True)``), or later, when
the register is idle (the fold costs the register's CPU, which a sale must not wait for), and
by whoever reads the checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pos_app.engine.eventlog import Changes
from pos_app.engine.replay import Fold
from pos_app.journal.codec import dump_record, load_changes, load_record
from pos_app.journal.rows import JournalRow
from pos_app.store.database import StoreError, describe
from pos_app.store.schema import checks, events, registers


@dataclass(frozen=True)
class RegisterKey:
    """Which register: its LevelUp merchant and location, and its id there."""

    merchant_id: int
    location_id: int
    register_id: str
    journal_id: str = ""
    """The shipping journal's own id (``SqliteJournal.journal_id``); empty: not checked."""


def shipped_seq(database: Engine, key: RegisterKey) -> int:
    """The last sequence the server holds of ``key``'s journal (0: none)."""
    try:
        with database.connect() as connection:
            found = connection.execute(
                select(registers.c.shipped_seq).where(
                    registers.c.location_id == key.location_id,
                    registers.c.register_id == key.register_id,
                )
            ).scalar()
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return int(found or 0)


def receive(
    database: Engine, key: RegisterKey, batch: Sequence[JournalRow], *, fold: bool = True
) -> int:
    """Store ``batch`` (oldest first), with ``fold`` folding every check not folded yet; the
    register's ``shipped_seq`` after it. Idempotent: events the server holds already are
    skipped."""
    now = datetime.now(UTC)
    try:
        with database.begin() as connection:
            held = _register_row(connection, key, now)
            fresh = [event for event in batch if event.seq > held]
            if fresh:
                _insert_events(connection, key, fresh)
            top = max([held, *(event.seq for event in batch)])
            connection.execute(
                registers.update()
                .where(
                    registers.c.location_id == key.location_id,
                    registers.c.register_id == key.register_id,
                )
                .values(shipped_seq=top, shipped_at=now, seen_at=now, last_error="")
            )
            if fold:
                while _fold_some(connection, key):
                    pass
            return top
    except DBAPIError as error:
        raise describe(error, database.url) from None


def fold_pending(database: Engine, key: RegisterKey) -> None:
    """Fold into the checks every event of ``key`` the server holds and has not folded yet
    (in transactions of :data:`FOLD_CHUNK` events: readers and the shipper may both call it)."""
    try:
        while True:
            with database.begin() as connection:
                if not _fold_some(connection, key):
                    return
    except DBAPIError as error:
        raise describe(error, database.url) from None


FOLD_CHUNK = 2000


def _fold_some(connection: Connection, key: RegisterKey) -> bool:
    """Fold the next :data:`FOLD_CHUNK` events not folded yet; whether there were any."""
    where = (registers.c.location_id == key.location_id, registers.c.register_id == key.register_id)
    folded = connection.execute(
        select(registers.c.folded_seq).where(*where).with_for_update()
    ).scalar()
    if folded is None:
        return False  # the register never shipped
    rows = connection.execute(
        select(events.c.seq, events.c.check_id, events.c.changes)
        .where(
            events.c.location_id == key.location_id,
            events.c.register_id == key.register_id,
            events.c.seq > folded,
        )
        .order_by(events.c.seq)
        .limit(FOLD_CHUNK)
    ).all()
    if not rows:
        return False
    _fold(connection, key, rows)
    connection.execute(registers.update().where(*where).values(folded_seq=rows[-1].seq))
    return True


def _register_row(connection: Connection, key: RegisterKey, now: datetime) -> int:
    """The register's row, made when it first ships, locked for this batch; its
    ``shipped_seq``."""
    connection.execute(
        insert(registers)
        .values(
            location_id=key.location_id,
            register_id=key.register_id,
            merchant_id=key.merchant_id,
            seen_at=now,
        )
        .on_conflict_do_nothing()
    )
    where = (registers.c.location_id == key.location_id, registers.c.register_id == key.register_id)
    held, journal = connection.execute(
        select(registers.c.shipped_seq, registers.c.journal_id).where(*where).with_for_update()
    ).one()
    if key.journal_id and journal and journal != key.journal_id:
        raise StoreError(
            f"Another register's journal already ships as register {key.register_id} of "
            f"location {key.location_id}: give each register its own register.id (or, for a "
            "register set up again, ask support before it ships)."
        )
    if key.journal_id and not journal:
        connection.execute(registers.update().where(*where).values(journal_id=key.journal_id))
    # A server restored from an older dump holds less than it said: trust its events.
    stored = connection.execute(
        select(func.coalesce(func.max(events.c.seq), 0)).where(
            events.c.location_id == key.location_id, events.c.register_id == key.register_id
        )
    ).scalar_one()
    return int(min(held, stored))


_INSERT_EVENTS = text(
    """
    INSERT INTO events (location_id, register_id, seq, at, check_id, tender_id, kind, data,
                        changes)
    SELECT :location_id, :register_id, r.seq, r.at, r.check_id, r.tender_id, r.kind,
           r.data::jsonb, r.changes
    FROM json_to_recordset(CAST(:rows AS json)) AS r(seq bigint, at timestamptz,
         check_id text, tender_id text, kind text, data text, changes text)
    ON CONFLICT DO NOTHING
    """
)


def _insert_events(connection: Connection, key: RegisterKey, batch: Sequence[JournalRow]) -> None:
    """``batch`` in one statement: the rows go as one JSON text (each event's data already
    is JSON), which costs the register far less than a parameter set per event."""
    rows = [
        {
            "seq": event.seq,
            "at": event.at.isoformat(),
            "check_id": event.check_id,
            "tender_id": event.tender_id,
            "kind": event.kind,
            # jsonb holds no NUL character: one typed into a reason becomes U+FFFD there.
            "data": event.data.replace("\\u0000", "\\ufffd"),
            "changes": event.changes,
        }
        for event in batch
    ]
    connection.execute(
        _INSERT_EVENTS,
        {
            "location_id": key.location_id,
            "register_id": key.register_id,
            "rows": json.dumps(rows),
        },
    )


def _fold(connection: Connection, key: RegisterKey, batch: Sequence[Any]) -> None:
    """Each check ``batch`` (rows with ``seq``, ``check_id`` and ``changes``) touches, folded
    forward from its stored state."""
    touched: dict[str, list[Any]] = {}
    for event in batch:
        if event.check_id and event.changes:
            touched.setdefault(event.check_id, []).append(event)
    if not touched:
        return
    stored = {
        check_id: (snapshot, seq)
        for check_id, snapshot, seq in connection.execute(
            select(checks.c.check_id, checks.c.snapshot, checks.c.seq).where(
                checks.c.location_id == key.location_id,
                checks.c.register_id == key.register_id,
                checks.c.check_id.in_(touched),
            )
        )
    }
    rows = []
    for check_id, arrived in touched.items():
        fold = Fold()
        snapshot, last = stored.get(check_id, (None, 0))
        if snapshot is not None:
            fold.add(Changes(record=load_record(snapshot)))
        for event in arrived:
            if event.seq > last:
                fold.add(load_changes(event.changes or ""))
        record = fold.result()
        if record is None:
            continue  # an older journal's events without detail, before their synthesis
        rows.append(
            {
                "location_id": key.location_id,
                "register_id": key.register_id,
                "check_id": check_id,
                "identifier": record.check.identifier,
                "state": record.state.value,
                "opened_at": record.opened_at,
                "snapshot": dump_record(record),
                "seq": max(last, arrived[-1].seq),
            }
        )
    if rows:
        upsert = insert(checks)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["location_id", "register_id", "check_id"],
                set_={
                    name: upsert.excluded[name]
                    for name in ("identifier", "state", "opened_at", "snapshot", "seq")
                },
            ),
            rows,
        )
