"""A register's copy of the store's staff, catalog and store-wide settings: applied to the
journal's staff, the catalog file it sells from and a settings layer; kept, and said how old,
when the server cannot be reached; never in the way of the register starting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from pos_app.app.catalog import STORE_CATALOG, catalog_file, load_catalog
from pos_app.app.store_copy import CopyState, StoreCopier, read_state
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.engine.staff import AccessDenied, Role, StaffMember
from pos_app.host.paths import Paths
from pos_app.host.resources import resources_dir
from pos_app.host.settings import load_settings, set_setting
from pos_app.journal import SqliteJournal
from pos_app.journal.staff import SqliteStaff
from pos_app.store.database import init_store, open_store
from pos_app.store.shared import AdminPin, add_staff, import_staff, put_catalog
from pos_app.store.shared import set_setting as put

LOCATION = 19
ADMIN_PIN, NEW_PIN = "80261973", "31415926"
ADA = AdminPin("ada", ADMIN_PIN)
TEA = "[[items]]\nname = 'Tea'\nprice = 250\n"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def store(pg_cluster, store_database, tmp_path):
    database = open_store(pg_cluster.url_without_password(store_database), pg_cluster.password)
    init_store(database)
    seed = SqliteJournal(tmp_path / "seed.sqlite3", Fernet.generate_key(), "seed")
    staff = SqliteStaff(seed)
    staff.add("ada", "Ada", Role.ADMIN, ADMIN_PIN)
    import_staff(database, LOCATION, ADA, staff.records(), staff)
    seed.close()
    yield database
    database.dispose()


@pytest.fixture
def register(tmp_path):
    paths = Paths(tmp_path / "register").create()
    journal = SqliteJournal(paths.journal_file, Fernet.generate_key(), "1")
    SqliteStaff(journal).add("old", "Old Timer", Role.MANAGER, "24682468")
    yield paths, journal
    journal.close()


def unreachable():
    return open_store("postgresql://levelup@127.0.0.1:1/store")


def test_the_copy_reaches_staff_catalog_and_settings(store, register):
    paths, journal = register
    add_staff(store, LOCATION, ADA, StaffMember("bo", "Bo", Role.CASHIER), NEW_PIN)
    put_catalog(store, LOCATION, ADA, TEA)
    put(store, LOCATION, ADA, "register.tax_rate", "6.25")
    put(store, LOCATION, ADA, "receipts.footer", "See you soon")
    assert catalog_file(paths.data_dir) == resources_dir() / "demo-catalog.toml"

    state = StoreCopier(paths, journal, LOCATION, lambda: store, clock=lambda: NOW).copy_now()
    assert state == CopyState(NOW, 1, "")
    staff = SqliteStaff(journal)
    assert staff.verify("bo", NEW_PIN).role is Role.CASHIER  # the server's hash works here
    with pytest.raises(AccessDenied):
        staff.verify("old", "24682468")  # the store does not list it: no longer signs in here
    assert catalog_file(paths.data_dir) == paths.data_dir / STORE_CATALOG
    assert [item.name for item in load_catalog(catalog_file(paths.data_dir)).items] == ["Tea"]
    config = load_settings(paths, {})
    assert (str(config.register_.tax_rate), config.receipts.footer) == ("6.25", "See you soon")
    # The register's own settings.toml and the environment stand above the store's copy.
    set_setting(paths, {}, "receipts.footer", "Bye")
    config = load_settings(paths, {"LEVELUP_POS_REGISTER_TAX_RATE": "5"})
    assert (str(config.register_.tax_rate), config.receipts.footer) == ("5", "Bye")
    assert read_state(paths.data_dir) == CopyState(NOW, 1)


def test_offline_the_last_copy_stays_and_says_how_old(store, register):
    paths, journal = register
    put_catalog(store, LOCATION, ADA, TEA)
    StoreCopier(paths, journal, LOCATION, lambda: store, clock=lambda: NOW).copy_now()
    later = NOW + timedelta(minutes=12)
    copier = StoreCopier(paths, journal, LOCATION, unreachable, clock=lambda: later)
    state = copier.copy_now()
    assert state.fetched_at == NOW and "cannot be reached" in state.problem
    assert state.words(later) == ("Store copy: 12 min old", "warn")
    assert SqliteStaff(journal).verify("ada", ADMIN_PIN).role is Role.ADMIN
    assert [i.name for i in load_catalog(catalog_file(paths.data_dir)).items] == ["Tea"]


def test_a_catalog_this_register_cannot_use_leaves_the_last_one(store, register):
    paths, journal = register
    put_catalog(store, LOCATION, ADA, TEA)
    copier = StoreCopier(paths, journal, LOCATION, lambda: store, clock=lambda: NOW)
    copier.copy_now()
    put_catalog(store, LOCATION, ADA, "[[items]]\nname = 'Tea'\n")  # no price
    state = copier.copy_now()
    assert state.catalog_version == 1 and "items.0.price" in state.problem
    assert "250" in (paths.data_dir / STORE_CATALOG).read_text()


def test_the_words_of_the_status_bar():
    assert CopyState().words(NOW) == ("Store copy: none yet", "warn")
    assert CopyState(problem="down").words(NOW) == ("Store copy: none yet", "bad")
    assert CopyState(NOW - timedelta(seconds=30)).words(NOW) == ("Store copy: 0 min old", "ok")
    assert CopyState(NOW - timedelta(hours=5)).words(NOW) == ("Store copy: 5 h old", "warn")


def test_a_store_that_cannot_be_reached_never_stops_the_register(tmp_path):
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    set_setting(paths, {}, "store.url", "postgresql://levelup@127.0.0.1:1/store")
    terminal = open_register(paths, {}, key_path=key)
    try:
        assert terminal.store_copy is not None
        assert terminal.store_copy.state().fetched_at is None
        assert terminal.engine is not None
    finally:
        terminal.close()
