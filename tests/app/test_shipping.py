"""The shipper sends a real demo register's journal to a throwaway PostgreSQL in the background:
everything, in batches, woken by new events; a server that is down or refuses is reported,
retried with a growing wait and logged once, and never stops the register."""

from __future__ import annotations

import itertools
import logging
import threading
import time

import pytest
from sqlalchemy import func, select

from pos_app.app.demo import run_demo
from pos_app.app.shipping import Shipper, ShipStatus
from pos_app.app.terminal import Terminal, open_register, sign_in_to_sandbox
from pos_app.host.paths import Paths
from pos_app.host.secrets import STORE_PASSWORD
from pos_app.host.settings import load_settings, set_settings
from pos_app.journal.codec import load_record
from pos_app.store.database import StoreError, StoreUnavailable, init_store, open_store
from pos_app.store.events import RegisterKey, receive
from pos_app.store.registers import registers_of
from pos_app.store.schema import checks, events

KEY = RegisterKey(merchant_id=1, location_id=19, register_id="1")


@pytest.fixture
def register(tmp_path):
    terminal = demo_register(tmp_path, checks=5)
    yield terminal
    terminal.close()


def demo_register(tmp_path, checks: int, store_url: str = "", password: str = "") -> Terminal:
    """A demo register that rang up ``checks`` checks (with ``store.url`` when given)."""
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    if store_url:
        set_settings(paths, {}, {"store.url": store_url, "store.ship_every": "0.2"})
    terminal = open_register(paths, {}, key_path=key)
    if password:
        terminal.secrets.set(STORE_PASSWORD, password)
    run_demo(terminal.engine, terminal.levelup_url, checks, seed=3)
    return terminal


def shipper_of(journal, store, **options) -> Shipper:
    return Shipper(journal, KEY, lambda: store, **{"every": 30.0, "batch": 4, **options})


def server_checks(store) -> dict[str, object]:
    with store.connect() as connection:
        rows = connection.execute(select(checks.c.check_id, checks.c.snapshot))
        return {check_id: load_record(snapshot) for check_id, snapshot in rows}


def event_count(store) -> int:
    with store.connect() as connection:
        return connection.execute(select(func.count()).select_from(events)).scalar_one()


def assert_server_equals(store, journal) -> None:
    """Every check on the server is the register's, and no event is there twice."""
    assert server_checks(store) == {record.check_id: record for record in journal.records()}
    assert event_count(store) == journal.last_seq()


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_sync_ships_the_whole_journal_in_batches_and_says_so(store, register):
    journal = register.journal
    heard: list[ShipStatus] = []
    shipper = shipper_of(journal, store)
    shipper.subscribe(heard.append)
    try:
        status = shipper.sync(timeout=30)
    finally:
        shipper.close()
    assert status.up_to_date
    assert status.shipped_seq == journal.last_seq() and status.shipped_at is not None
    assert_server_equals(store, journal)
    shipped = [seen.shipped_seq for seen in heard]
    assert shipped == sorted(shipped) and len(set(shipped)) >= journal.last_seq() // 4


def test_new_events_are_shipped_when_the_shipper_is_woken(store, register):
    journal = register.journal
    shipper = shipper_of(journal, store)  # every 30 s: only a wake ships sooner
    unsubscribe = register.engine.subscribe(lambda _: shipper.wake())
    try:
        assert shipper.sync(timeout=30).up_to_date
        run_demo(register.engine, register.levelup_url, 2, seed=9)
        wait_for(lambda: shipper.status().shipped_seq == journal.last_seq())
    finally:
        unsubscribe()
        shipper.close()
    assert_server_equals(store, journal)


def test_a_server_that_cannot_be_reached_is_retried_ever_later_and_logged_once(register, caplog):
    attempts: list[float] = []

    def unreachable():
        attempts.append(time.monotonic())
        raise StoreUnavailable("The store server postgresql://x@127.0.0.1:1/db cannot be reached")

    shipper = Shipper(register.journal, KEY, unreachable, every=0.01, first_retry=0.1)
    with caplog.at_level(logging.WARNING, logger="pos_app.app.shipping"):
        status = shipper.sync(timeout=1.0)
        shipper.close()
    assert not status.up_to_date
    assert status.reachable is False and status.pending is None
    assert "cannot be reached" in status.problem
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert 3 <= len(attempts) <= 5, gaps  # 0.1, 0.2, 0.4 s apart: not every 0.01 s
    assert gaps == sorted(gaps)
    assert len([r for r in caplog.records if "cannot be reached" in r.getMessage()]) == 1


def test_new_sales_do_not_hurry_the_retries_but_a_sync_does(register):
    attempts: list[float] = []

    def unreachable():
        attempts.append(time.monotonic())
        raise StoreUnavailable("The store server cannot be reached")

    shipper = Shipper(register.journal, KEY, unreachable, every=0.01, first_retry=30)
    try:
        shipper.start()
        wait_for(lambda: len(attempts) == 1)
        for _ in range(10):  # the engine's events while the shipper backs off
            shipper.wake()
            time.sleep(0.02)
        assert len(attempts) == 1
        shipper.sync(timeout=0.2)
        assert len(attempts) == 2
    finally:
        shipper.close()


def test_a_refused_batch_is_reported_to_the_server_and_shipped_once_it_is_taken(store, register):
    refuse = threading.Event()
    refuse.set()

    def send(database, key, rows):
        if refuse.is_set():
            raise StoreError("The store server refused: a test says no")
        return receive(database, key, rows)

    shipper = shipper_of(register.journal, store, send=send, first_retry=0.05)
    try:
        status = shipper.sync(timeout=0.5)
        assert status.reachable is True and "a test says no" in status.problem
        (known,) = registers_of(store, location_id=KEY.location_id)
        assert known.last_error == status.problem and known.shipped_seq == 0
        refuse.clear()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    (known,) = registers_of(store, merchant_id=KEY.merchant_id)
    assert known.last_error == "" and known.shipped_seq == register.journal.last_seq()
    assert_server_equals(store, register.journal)


def test_a_register_starts_and_sells_while_its_store_server_is_down(tmp_path):
    terminal = demo_register(tmp_path, checks=2, store_url="postgresql://pos@127.0.0.1:1/store")
    try:
        assert terminal.shipper is not None
        terminal.shipper.start()
        wait_for(lambda: terminal.shipper.status().reachable is False)
        status = terminal.shipper.status()
        assert "cannot be reached" in status.problem and status.pending is None
        assert len(list(terminal.journal.records())) == 2  # sold all the same
    finally:
        terminal.close()


def test_a_register_with_a_store_server_ships_to_it(tmp_path, pg_cluster, store_database):
    url = pg_cluster.url_without_password(store_database)
    database = open_store(url, pg_cluster.password)
    init_store(database)
    terminal = demo_register(tmp_path, 3, store_url=url, password=pg_cluster.password)
    try:
        assert terminal.shipper is not None
        assert (
            terminal.shipper.key.location_id
            == load_settings(terminal.paths, {}).levelup.location_id
        )
        assert terminal.shipper.sync(timeout=30).up_to_date
        assert server_checks(database) == {r.check_id: r for r in terminal.journal.records()}
    finally:
        terminal.close()
        database.dispose()


def test_a_register_without_a_store_server_has_no_shipper(register):
    assert register.shipper is None
