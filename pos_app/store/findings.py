"""What the store server shows of LevelUp payments whose outcome a register does not know:
the other registers' such payments at a location, and the orders registers found at LevelUp
for them (each a ``RECONCILED`` event of the register that found it, naming whose payment it
was in ``data``: ``register``, ``check``, ``tender``, ``order_uuid`` and the order's
amounts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pos_app.domain import TenderKind, TenderStatus
from pos_app.engine import CheckRecord, EventKind
from pos_app.journal.codec import load_record
from pos_app.store.database import describe
from pos_app.store.events import RegisterKey
from pos_app.store.schema import checks, events

NOT_KNOWN = frozenset({TenderStatus.UNKNOWN, TenderStatus.COMPLETING})


def findings_for(database: Engine, key: RegisterKey) -> dict[str, dict[str, Any]]:
    """The findings other registers of ``key``'s location shipped for ``key``'s payments, the
    newest of each, by tender id, as their events' data."""
    query = (
        select(events.c.data)
        .where(
            events.c.location_id == key.location_id,
            events.c.register_id != key.register_id,
            events.c.kind == EventKind.RECONCILED.value,
            events.c.check_id == "",
            events.c.data["register"].astext == key.register_id,
        )
        .order_by(events.c.at)
    )
    try:
        with database.connect() as connection:
            rows = connection.execute(query).scalars().all()
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return {str(data["tender"]): dict(data) for data in rows}


def not_known_elsewhere(
    database: Engine, key: RegisterKey, since: datetime
) -> list[tuple[str, CheckRecord, str]]:
    """The LevelUp payments of checks opened since ``since`` on the other registers of
    ``key``'s location whose outcome is not known there and that no register has found yet:
    (register id, check, tender id)."""
    try:
        with database.connect() as connection:
            rows = connection.execute(
                select(checks.c.register_id, checks.c.snapshot).where(
                    checks.c.location_id == key.location_id,
                    checks.c.register_id != key.register_id,
                    checks.c.opened_at >= since,
                )
            ).all()
            waiting = [
                (register, record, tender.tender_id)
                for register, snapshot in rows
                for record in [load_record(snapshot)]
                for tender in record.check.tenders
                if tender.kind is TenderKind.LEVELUP and tender.status in NOT_KNOWN
            ]
            found = _found(connection, key, [tender_id for _, _, tender_id in waiting])
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return [entry for entry in waiting if entry[2] not in found]


def _found(connection: Connection, key: RegisterKey, tender_ids: Sequence[str]) -> set[str]:
    if not tender_ids:
        return set()
    tender = events.c.data["tender"].astext
    return set(
        connection.execute(
            select(tender).where(
                events.c.location_id == key.location_id,
                events.c.kind == EventKind.RECONCILED.value,
                events.c.check_id == "",
                tender.in_(tender_ids),
            )
        ).scalars()
    )
