"""The store server's tables (PostgreSQL).

``registers`` has one row per register (its LevelUp location and register id): how far its
journal has been shipped (``shipped_seq``, the journal's event id) and folded into its checks
(``folded_seq``), when, and the last error it reported. ``events`` holds every register's
journal events, keyed by register and sequence, so a batch sent twice stores nothing twice.
``checks`` holds each check as its events fold to (the same fold as ``journal verify``), up
to the register's ``folded_seq``.
``staff``, ``catalog`` and ``store_settings`` are what the registers take from the server;
``audit`` says who changed them.

Changing a table means a new Alembic revision in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA_REVISION = "0003"
"""The newest migration in ``migrations/versions`` (a test holds it to Alembic's head)."""

metadata = MetaData()

registers = Table(
    "registers",
    metadata,
    Column("location_id", Integer, nullable=False),
    Column("register_id", String(64), nullable=False),
    Column("merchant_id", Integer, nullable=False),
    Column("journal_id", String(32), nullable=False, server_default=""),
    Column("shipped_seq", BigInteger, nullable=False, server_default="0"),
    Column("folded_seq", BigInteger, nullable=False, server_default="0"),
    Column("shipped_at", DateTime(timezone=True)),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("location_id", "register_id"),
)

events = Table(
    "events",
    metadata,
    Column("location_id", Integer, nullable=False),
    Column("register_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("check_id", String(32), nullable=False),
    Column("tender_id", String(32)),
    Column("kind", String(32), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("changes", Text),
    PrimaryKeyConstraint("location_id", "register_id", "seq"),
    Index("ix_store_events_kind_at", "location_id", "kind", "at"),
    Index("ix_store_events_check", "location_id", "register_id", "check_id", "seq"),
)

checks = Table(
    "checks",
    metadata,
    Column("location_id", Integer, nullable=False),
    Column("register_id", String(64), nullable=False),
    Column("check_id", String(32), nullable=False),
    Column("identifier", String(10), nullable=False),
    Column("state", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),  # the last event folded into it
    PrimaryKeyConstraint("location_id", "register_id", "check_id"),
    Index("ix_store_checks_identifier", "location_id", "register_id", "identifier"),
)

staff = Table(
    "staff",
    metadata,
    Column("location_id", Integer, nullable=False),
    Column("staff_id", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("active", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("location_id", "staff_id"),
)

catalog = Table(
    "catalog",
    metadata,
    Column("location_id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

store_settings = Table(
    "store_settings",
    metadata,
    Column("location_id", Integer, nullable=False),
    Column("key", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("location_id", "key"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("location_id", Integer, nullable=False),
    Column("who", String(140), nullable=False),
    Column("what", String(64), nullable=False),
    Column("data", JSONB, nullable=False),
)
