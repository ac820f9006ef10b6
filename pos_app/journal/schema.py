"""The journal's tables.

``events`` is the source of truth: append-only, one row per request, response, state change
and approval, each with its kind, its facts (``data``) and what it changed on its check
(``changes``, see :mod:`pos_app.engine.eventlog`): folding a check's events rebuilds its
state. ``checks`` and ``tenders`` hold that state, kept in the same transaction, for fast
queries (``levelup-pos journal verify`` checks they agree). ``payment_codes`` keeps,
encrypted, the codes tenders still need; a code is deleted when its tender is final.
``counters`` holds the last ``identifier_from_merchant`` issued. ``staff`` holds who may sign
in and approve, with PIN hashes (never PINs) and lockout state. ``print_jobs`` and
``email_jobs`` hold the receipts to print and to email, each with its receipt document; an
email job's address is encrypted and erased once the job is done.

Changing a table means a new Alembic revision in ``migrations/versions``; a migration never
drops a row of an unfinished tender or an unsent payment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_REVISION = "0005"
"""The newest migration in ``migrations/versions``: a journal at it needs no upgrade (and
the terminal starts without importing Alembic). A test holds it to Alembic's head."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC time, stored as ISO 8601 text with its offset."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("The journal stores timezone-aware times only.")
        return value.astimezone(UTC).isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("terminal_id", String(64), nullable=False),
    Column("check_id", String(32), nullable=False),
    Column("tender_id", String(32)),
    Column("kind", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("changes", Text),
    Index("ix_events_check", "check_id", "id"),
    Index("ix_events_kind_at", "kind", "at"),
)

checks = Table(
    "checks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("identifier", String(10), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("grand_total", Integer, nullable=False),
    Column("balance_due", Integer, nullable=False),
    Column("unsettled", Integer, nullable=False, index=True),
    Column("snapshot", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

tenders = Table(
    "tenders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("check_id", String(32), ForeignKey("checks.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(24), nullable=False, index=True),
    Column("amount", Integer, nullable=False),
    Column("tip", Integer, nullable=False),
    Column("order_uuid", String(64), index=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

payment_codes = Table(
    "payment_codes",
    metadata,
    Column("tender_id", String(32), ForeignKey("tenders.id"), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(64), nullable=False),
)

staff = Table(
    "staff",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("active", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)

print_jobs = Table(
    "print_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("check_id", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("copy", String(16), nullable=False),
    Column("document", Text, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("printed_at", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Column("last_problem", Text, nullable=False),
)

email_jobs = Table(
    "email_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("check_id", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("document", Text, nullable=False),
    Column("address", LargeBinary),
    Column("state", String(16), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Column("last_problem", Text, nullable=False),
    Column("next_try_at", UTCDateTime, nullable=False),
)
