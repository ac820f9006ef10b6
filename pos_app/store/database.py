"""Reaching the store server: a ``postgresql://`` URL (its password kept apart, in the secret
store), psycopg 3 under SQLAlchemy, short connect and statement timeouts (a register never
hangs on a server that is down), and the schema migrated by Alembic (``levelup-pos store
init``).

What stops it is :class:`StoreUnavailable` (the server cannot be reached now: try again later)
or :class:`StoreError` (it is reached but not usable as asked: the message says what to do).
Neither message holds the password.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from pos_app.store.schema import SCHEMA_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = str(Path(__file__).with_name("migrations"))
CONNECT_TIMEOUT = 5
"""Seconds to reach the server before it counts as down."""
STATEMENT_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The store server cannot be used as asked; the message says why, never the password."""


class StoreUnavailable(StoreError):
    """The store server cannot be reached now (down, unreachable, connection cut)."""


def store_url(url: str, password: str | None = None) -> URL:
    """``url`` (``postgresql://user@host:port/db?sslmode=...``) for psycopg 3, with
    ``password`` when the URL holds none. TLS and other options pass through."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is not a number raises here, not later
    except (ArgumentError, ValueError):
        raise StoreError("That is not a postgresql://USER@HOST[:PORT]/DATABASE URL.") from None
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"The store server is PostgreSQL (postgresql://...), not {safe_url(url)}.")
    if not parsed.host or not parsed.database:
        raise StoreError("A store URL names a host and a database: postgresql://USER@HOST/DB.")
    parsed = parsed.set(drivername="postgresql+psycopg")
    if password and not parsed.password:
        parsed = parsed.set(password=password)
    return parsed


def safe_url(url: str | URL) -> str:
    """``url`` without its password, for messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return "(a URL that cannot be read)"
    return parsed.render_as_string(hide_password=True)


def open_store(url: str, password: str | None = None) -> Engine:
    """An engine on the store server (connections are made as needed)."""
    target = store_url(url, password)
    return create_engine(
        target,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=2,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            # A connection whose peer vanished (a pulled cable) fails within seconds, rather
            # than leaving a background thread waiting for ever.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 20_000,
            "application_name": "levelup-pos",
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
    )


def describe(error: BaseException, url: str | URL) -> StoreError:
    """``error`` from the database as a :class:`StoreError` a person can act on."""
    detail = str(getattr(error, "orig", error)).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    if isinstance(error, OperationalError):
        return StoreUnavailable(f"The store server {safe_url(url)} cannot be reached: {first}")
    return StoreError(f"The store server {safe_url(url)} refused: {first}")


def _config(connection: Connection | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's revision (which :data:`SCHEMA_REVISION` must name)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert head is not None
    return head


def revision(database: Engine) -> str | None:
    """The schema revision the server is at (None: never initialised)."""
    try:
        with database.connect() as connection:
            if not inspect(connection).has_table("store_version"):
                return None
            found = connection.execute(text("SELECT version_num FROM store_version")).scalar()
            return None if found is None else str(found)
    except DBAPIError as error:
        raise describe(error, database.url) from None


def init_store(database: Engine) -> tuple[str | None, str]:
    """Create the schema or migrate it to the newest revision, in one transaction (a half-built
    schema is never left); the revision before and after."""
    from alembic import command

    before = revision(database)
    if before == SCHEMA_REVISION:
        return before, before
    try:
        with database.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(7265730)"))  # one at a time
            command.upgrade(_config(connection), "head")
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return before, SCHEMA_REVISION


def require_current(database: Engine) -> None:
    """Raise :class:`StoreError` unless the server's schema is the one this version uses."""
    found = revision(database)
    if found != SCHEMA_REVISION:
        state = "has no schema yet" if found is None else f"is at revision {found}"
        raise StoreError(
            f"The store server {safe_url(database.url)} {state}; this register needs "
            f"{SCHEMA_REVISION}: run levelup-pos store init."
        )
