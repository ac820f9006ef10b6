"""Opening a journal file: it must be a healthy SQLite journal, at the newest schema.

A file that is not a journal, or is damaged or unreadable, stops the terminal with
:class:`JournalUnusable` naming the file; it is never overwritten or replaced. Alembic is
imported only when the schema must change, not at every start.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from pos_app.host.paths import private
from pos_app.journal.schema import SCHEMA_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

_SQLITE_HEADER = b"SQLite format 3\x00"
_MIGRATIONS = str(Path(__file__).with_name("migrations"))


class JournalUnusable(Exception):
    """The journal file cannot be used; the message names it and says what to do."""


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's revision (which :data:`SCHEMA_REVISION` must name)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def open_database(path: Path) -> Engine:
    """Open (or create) the journal at ``path`` and bring its schema to the newest version."""
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would hang every command
            raise JournalUnusable(
                f"{path} is not a journal (it is not a regular file). It was left as it is; "
                "move it aside or restore the journal from a backup."
            )
        try:
            with open(path, "rb") as file:
                header = file.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise JournalUnusable(f"The journal {path} cannot be read: {exc.strerror}.") from None
        if not header:
            raise JournalUnusable(
                f"The journal {path} is empty: its contents were lost. It was left as it is; "
                "restore it from a backup (delete it only if this register never took a payment)."
            )
        if header != _SQLITE_HEADER:
            raise JournalUnusable(
                f"{path} is not a journal (it is not an SQLite database). It was left as it is; "
                "move it aside or restore the journal from a backup."
            )
        _refuse_foreign(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    # A connection per thread (the default pool), never one shared: a read on one thread
    # would end another thread's write transaction on a shared connection, losing its rows.
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    try:
        # pysqlite begins no transaction before DDL: begun here, creating or migrating the
        # schema is one transaction, never left half built by a full disk.
        with writing(engine) as connection:
            status = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            if status != "ok":
                raise JournalUnusable(
                    f"The journal {path} is damaged ({status}). It was left as it is; restore "
                    "it from a backup or call support before taking payments."
                )
            # Alembic is imported only when the schema must change: not at every start.
            if _revision(connection) != SCHEMA_REVISION:
                _upgrade(connection, path)
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        _private(path)
        raise JournalUnusable(
            f"The journal {path} cannot be opened ({exc.orig}). It was left as it is."
        ) from None
    except JournalUnusable:
        engine.dispose()
        raise
    _private(path)
    return engine


def _private(path: Path) -> None:
    """The journal and its WAL files readable by this user only: SQLite made them as the
    umask says (later ones copy the journal's mode)."""
    for made in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        private(made, 0o600)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _revision(connection: Connection) -> str | None:
    """The journal's schema revision, as Alembic records it (None: a new file)."""
    known = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).scalar()
    if known is None:
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _refuse_foreign(path: Path) -> None:
    """Refuse, before anything touches it (even the WAL switch), an SQLite file with tables
    but no schema revision: another application's database, or a schema never finished."""
    try:
        raw = sqlite3.connect(path)
        try:
            names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
            known = (
                "alembic_version" in names
                and raw.execute("SELECT version_num FROM alembic_version").fetchone()
            )
        finally:
            raw.close()
    except sqlite3.Error:
        return  # damaged: the opening below says how
    if names and not known:
        raise JournalUnusable(
            f"{path} is not a journal (it holds another application's tables, or a schema "
            "never finished). It was left as it is; move it aside or restore the journal "
            "from a backup."
        )


def _upgrade(connection: Connection, path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    current = _revision(connection)
    scripts = ScriptDirectory.from_config(_config(None))  # type: ignore[arg-type]
    if current is not None and all(s.revision != current for s in scripts.walk_revisions()):
        raise JournalUnusable(
            f"The journal {path} was written by a newer LevelUp POS (schema {current}). It "
            "was left as it is; update this register."
        )
    command.upgrade(_config(connection), "head")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds SQLite's write lock from its first statement, so what it reads
    cannot change before it writes, even from another process (a counter, a count of wrong
    PINs, the schema). Committed when the block ends, rolled back if it raises."""
    with engine.connect() as connection:
        # pysqlite then begins nothing itself: it sees the transaction open.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def _pragmas(connection: Any, _: Any) -> None:
    # Text that is not UTF-8 (a damaged page) reaches the code as text it refuses in words,
    # instead of an error inside SQLite's own reading.
    connection.text_factory = _text
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
