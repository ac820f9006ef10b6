"""The store server fails while real demo registers ship to it: down before, during and after
a batch, the register killed mid-batch, a batch delivered twice, connections cut, the server
restored from an older dump. After each, every check on the server equals the register's and
no event is there twice. And a sale never waits for the server: checkouts finish while the
shipper is stuck inside a batch or backing off from a stopped server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pos_app.app.catalog import load_catalog
from pos_app.app.demo import run_demo
from pos_app.app.journals import open_journal
from pos_app.app.shipping import ShipStatus
from pos_app.engine import CheckState
from pos_app.host.paths import Paths
from pos_app.store.database import StoreUnavailable
from pos_app.store.events import receive
from tests.app.test_shipping import (
    assert_server_equals,
    demo_register,
    event_count,
    shipper_of,
    wait_for,
)

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
TABLES = ("registers", "events", "checks", "staff", "catalog", "store_settings", "audit")


@pytest.fixture
def register(tmp_path):
    terminal = demo_register(tmp_path, checks=8)
    yield terminal
    terminal.close()


@pytest.fixture
def cluster(pg_cluster):
    """The throwaway server, running again after the test whatever it did to it."""
    yield pg_cluster
    try:
        pg_cluster.sql("SELECT 1")
    except subprocess.CalledProcessError:
        pg_cluster.start()


def test_server_down_before_a_batch(store, register, cluster):
    shipper = shipper_of(register.journal, store, every=0.05, first_retry=0.05)
    try:
        assert shipper.sync(timeout=30).up_to_date
        cluster.stop()
        run_demo(register.engine, register.levelup_url, 3, seed=21)
        shipper.wake()  # while it backs off: counted, not shipped
        wait_for(lambda: not shipper.status().reachable and shipper.status().pending)
        cluster.start()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert_server_equals(store, register.journal)


def test_server_down_during_a_batch(store, register, cluster):
    shipping = threading.Event()
    shipper = shipper_of(register.journal, store, batch=1, first_retry=0.05)

    def heard(status: ShipStatus) -> None:
        if status.shipped_seq:
            shipping.set()

    shipper.subscribe(heard)
    try:
        shipper.start()
        shipper.wake()
        assert shipping.wait(timeout=30)
        cluster.stop("immediate")  # while it ships the rest, one event a batch
        wait_for(lambda: shipper.status().reachable is False)
        assert shipper.status().pending
        cluster.start()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert_server_equals(store, register.journal)


def test_server_down_after_a_batch_the_acknowledgement_lost(store, register):
    lost: list[int] = []

    def commit_then_lose(database, key, rows):
        held = receive(database, key, rows)
        if len(lost) < 3:  # the server committed; the register never heard
            lost.append(held)
            raise StoreUnavailable("The store server closed the connection")
        return held

    shipper = shipper_of(register.journal, store, send=commit_then_lose, first_retry=0.05)
    try:
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert len(lost) == 3
    assert_server_equals(store, register.journal)


def test_a_batch_delivered_twice_stores_nothing_twice(store, register):
    def twice(database, key, rows):
        receive(database, key, rows)
        return receive(database, key, rows)

    shipper = shipper_of(register.journal, store, send=twice)
    try:
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert_server_equals(store, register.journal)


def test_connections_cut_while_shipping(store, register, cluster, store_database):
    shipper = shipper_of(register.journal, store, batch=1, first_retry=0.05)
    cuts = 0

    def cut_now_and_then(status) -> None:
        nonlocal cuts
        if status.shipped_seq and status.shipped_seq % 7 == 0 and cuts < 4:
            cuts += 1
            cluster.cut_connections(store_database)

    shipper.subscribe(cut_now_and_then)
    try:
        assert shipper.sync(timeout=60).up_to_date
    finally:
        shipper.close()
    assert cuts >= 2
    assert_server_equals(store, register.journal)


def test_server_restored_from_an_older_dump_is_refilled(store, register, cluster, store_database):
    shipper = shipper_of(register.journal, store)
    try:
        assert shipper.sync(timeout=30).up_to_date
        older = cluster.dump(store_database, "older")
        held = event_count(store)
        run_demo(register.engine, register.levelup_url, 3, seed=22)
        assert shipper.sync(timeout=30).up_to_date
        cluster.restore(store_database, older)
        assert event_count(store) == held < register.journal.last_seq()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert_server_equals(store, register.journal)


def test_checkouts_never_wait_for_the_server(store, register, cluster):
    stuck, release = threading.Event(), threading.Event()

    def hang(database, key, rows):
        stuck.set()
        release.wait(timeout=60)  # a server that takes a batch and never answers
        return receive(database, key, rows)

    shipper = shipper_of(register.journal, store, send=hang, every=0.05)
    try:
        shipper.start()
        assert stuck.wait(timeout=30)
        closed = cash_checkouts(register.engine, 10)
        assert not release.is_set() and all(r.state is CheckState.CLOSED for r in closed)
        release.set()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        release.set()
        shipper.close()
    assert_server_equals(store, register.journal)

    shipper = shipper_of(register.journal, store, every=0.05, first_retry=0.05)
    try:
        shipper.start()
        cluster.stop()
        closed = cash_checkouts(register.engine, 20)
        assert all(r.state is CheckState.CLOSED for r in closed)
        wait_for(lambda: shipper.status().reachable is False)
        cluster.start()
        assert shipper.sync(timeout=30).up_to_date
    finally:
        shipper.close()
    assert_server_equals(store, register.journal)


def cash_checkouts(engine, count: int):
    """``count`` checks of one item each, paid in cash, as fast as the engine takes them."""
    item = next(i for i in load_catalog().items if i.exemption is None)
    records = []
    for _ in range(count):
        record = engine.open_check()
        record = engine.edit_check(record.check_id, lambda check: check.add_item(item))
        records.append(engine.pay_cash(record.check_id, record.check.totals.balance_due))
    return records


def test_a_register_killed_mid_batch_ships_the_rest_with_store_sync(
    tmp_path, cluster, store, store_database
):
    data = tmp_path / "register"
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LEVELUP_POS_STORE_PASSWORD": cluster.password,
    }

    def levelup_pos(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args, "--data-dir", str(data)],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    url = cluster.url_without_password(store_database)
    for setting, value in (("store.url", url), ("store.batch", "3"), ("store.ship_every", "0.05")):
        assert levelup_pos("config", "set", setting, value).returncode == 0
    assert levelup_pos("store", "password").returncode == 0
    demo = subprocess.Popen(
        [SCRIPT, "demo", "--headless", "--checks", "40", "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert demo.stdout is not None
        for _ in range(5):  # five checks sold, and shipped as they were sold
            demo.stdout.readline()
        wait_for(lambda: event_count(store) > 0, seconds=60)
        demo.send_signal(signal.SIGKILL)
        demo.wait(timeout=10)
    finally:
        if demo.poll() is None:
            demo.kill()
        if demo.stdout is not None:
            demo.stdout.close()

    synced = levelup_pos("store", "sync", "--timeout", "30")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    journal = open_journal(Paths(data), terminal_id="test", codes=False)
    try:
        assert 0 < event_count(store) == journal.last_seq()
        assert_server_equals(store, journal)
    finally:
        journal.close()
    status = json.loads(levelup_pos("store", "status", "--json").stdout)
    assert status["register"]["pending"] == 0

    # The password is nowhere but the secret store: not in the data directory and its logs,
    # not on the server.
    written = [path.read_bytes() for path in data.rglob("*") if path.is_file()]
    written += [synced.stdout.encode(), synced.stderr.encode()]
    logs = [path for path in Paths(data).log_dir.rglob("*") if path.is_file()]
    tables = [cluster.sql(f"SELECT t::text FROM {table} t", store_database) for table in TABLES]
    written += [text.encode() for text in tables]
    assert logs and len(tables[1]) > 5_000  # there is something to scan
    assert not any(cluster.password.encode() in blob for blob in written)
