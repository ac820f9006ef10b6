"""The registers the store server knows: how far each has shipped its journal, when, and the
last problem it reported (``levelup-pos store status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pos_app.store.database import describe
from pos_app.store.events import RegisterKey
from pos_app.store.schema import registers

PROBLEM_LENGTH = 500
"""A reported problem is cut to this many characters."""


@dataclass(frozen=True)
class RegisterState:
    """One register as the server has it."""

    key: RegisterKey
    shipped_seq: int
    shipped_at: datetime | None
    seen_at: datetime
    last_error: str


def registers_of(
    database: Engine, *, location_id: int | None = None, merchant_id: int | None = None
) -> list[RegisterState]:
    """The registers of a location, or of a merchant (every one with neither), in order."""
    query = select(registers).order_by(registers.c.location_id, registers.c.register_id)
    if location_id is not None:
        query = query.where(registers.c.location_id == location_id)
    if merchant_id is not None:
        query = query.where(registers.c.merchant_id == merchant_id)
    try:
        with database.connect() as connection:
            rows = connection.execute(query).mappings().all()
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return [
        RegisterState(
            key=RegisterKey(row["merchant_id"], row["location_id"], row["register_id"]),
            shipped_seq=int(row["shipped_seq"]),
            shipped_at=row["shipped_at"],
            seen_at=row["seen_at"],
            last_error=row["last_error"],
        )
        for row in rows
    ]


def report_problem(database: Engine, key: RegisterKey, problem: str) -> None:
    """Keep ``problem`` (what stopped ``key``'s shipping; never a secret) as its last error."""
    now = datetime.now(UTC)
    values = {
        "location_id": key.location_id,
        "register_id": key.register_id,
        "merchant_id": key.merchant_id,
        "seen_at": now,
        "last_error": problem[:PROBLEM_LENGTH],
    }
    statement = insert(registers).values(values)
    try:
        with database.begin() as connection:
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["location_id", "register_id"],
                    set_={"seen_at": now, "last_error": statement.excluded.last_error},
                )
            )
    except DBAPIError as error:
        raise describe(error, database.url) from None
