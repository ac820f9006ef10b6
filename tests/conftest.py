"""Shared test settings, and the sandbox server every client and engine test talks to."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from pos_app.sandbox import RunningSandbox, start_embedded

if TYPE_CHECKING:
    from tests.pg import Cluster

# CI machines are small and shared: judge properties on their results, never on their speed.
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def server() -> Iterator[RunningSandbox]:
    """One LevelUp sandbox on a free loopback port for the whole run; reset it per test."""
    with start_embedded() as running:
        yield running


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator["Cluster"]:
    """A throwaway PostgreSQL server for the whole run (``tests/pg.py``)."""
    from tests.pg import Cluster

    cluster = Cluster()
    yield cluster
    cluster.close()


@pytest.fixture
def store_database(pg_cluster: "Cluster") -> str:
    """A new, empty database on the throwaway server; its name."""
    return pg_cluster.create_database()


@pytest.fixture
def store(pg_cluster: "Cluster", store_database: str) -> Iterator[object]:
    """A store server's database on the throwaway server, its schema made (an SQLAlchemy
    engine)."""
    from pos_app.store.database import init_store, open_store

    database = open_store(pg_cluster.url_without_password(store_database), pg_cluster.password)
    init_store(database)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _every_journal_verifies(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """After each test, every journal it left in its temporary directory replays: folding each
    check's events gives the state the journal stored (``levelup-pos journal verify``).
    Tests that write a journal by hand or damage one on purpose are marked
    ``journal_unverified``."""
    yield
    if request.node.get_closest_marker("journal_unverified"):
        return
    from cryptography.fernet import Fernet

    from pos_app.journal import JournalUnusable, SqliteJournal
    from pos_app.journal.verify import verify

    for path in sorted(tmp_path.rglob("*.sqlite3")):
        try:
            journal = SqliteJournal(path, Fernet.generate_key(), "verify")
        except JournalUnusable:
            continue  # not a journal, or refused on purpose: the test says what it expects
        try:
            result = verify(journal)
        finally:
            journal.close()
        assert not result.mismatches, f"{path}: {result.mismatches}"
