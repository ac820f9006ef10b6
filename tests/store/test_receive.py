"""The store server receives a register's journal: every check it folds equals the register's,
a batch sent twice stores nothing twice, and a server restored from an older dump takes what it
lacks again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pos_app.app.demo import run_demo
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.host.paths import Paths
from pos_app.journal.codec import load_record
from pos_app.store.events import RegisterKey, fold_pending, receive, shipped_seq
from pos_app.store.schema import checks, events

KEY = RegisterKey(merchant_id=1, location_id=19, register_id="1")


@pytest.fixture
def register(tmp_path):
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    terminal = open_register(paths, {}, key_path=key)
    run_demo(terminal.engine, terminal.levelup_url, 6, seed=5)
    yield terminal
    terminal.close()


def ship(store, journal, batch: int = 7) -> int:
    held = shipped_seq(store, KEY)
    while rows := journal.rows_after(held, batch):
        held = receive(store, KEY, rows)
    return held


def server_checks(store) -> dict[str, object]:
    with store.connect() as connection:
        rows = connection.execute(select(checks.c.check_id, checks.c.snapshot))
        return {check_id: load_record(snapshot) for check_id, snapshot in rows}


def test_every_check_on_the_server_equals_the_registers(store, register):
    journal = register.journal
    assert ship(store, journal) == journal.last_seq()
    mine = {record.check_id: record for record in journal.records()}
    assert server_checks(store) == mine
    assert len(mine) == 6


def test_a_batch_sent_twice_stores_nothing_twice_and_an_older_dump_is_refilled(
    store, register, pg_cluster, store_database
):
    journal = register.journal
    first = journal.rows_after(0, 20)
    receive(store, KEY, first)
    dump = pg_cluster.dump(store_database, "older")
    receive(store, KEY, first)  # the acknowledgement was lost: sent again
    ship(store, journal)
    with store.connect() as connection:
        count = connection.execute(select(func.count()).select_from(events)).scalar_one()
    assert count == journal.last_seq()

    store.dispose()
    pg_cluster.restore(store_database, dump)
    assert shipped_seq(store, KEY) == 20  # what the server holds now
    ship(store, journal)
    assert server_checks(store) == {r.check_id: r for r in journal.records()}


def test_checks_are_folded_after_their_events_when_asked(store, register):
    journal = register.journal
    rows = journal.rows_after(0, 10_000)
    receive(store, KEY, rows, fold=False)
    with store.connect() as connection:
        assert connection.execute(select(checks.c.check_id)).all() == []
    fold_pending(store, KEY)
    with store.connect() as connection:
        folded = {
            check_id: load_record(snapshot)
            for check_id, snapshot in connection.execute(
                select(checks.c.check_id, checks.c.snapshot)
            )
        }
    assert folded == {record.check_id: record for record in journal.records()}


def test_another_journal_under_the_same_register_id_is_refused_not_merged(store, register):
    from dataclasses import replace
    from datetime import UTC, datetime

    from pos_app.journal.rows import JournalRow
    from pos_app.store.database import StoreError

    journal = register.journal
    mine = replace(KEY, journal_id=journal.journal_id())
    assert journal.journal_id() == mine.journal_id  # made once, kept
    receive(store, mine, journal.rows_after(0, 10))
    other = replace(KEY, journal_id="0" * 32)
    with pytest.raises(StoreError, match=r"its own register\.id"):
        receive(store, other, journal.rows_after(0, 10))
    assert shipped_seq(store, KEY) == 10
    typed = JournalRow(11, datetime.now(UTC), "", None, "no_sale", '{"reason": "a\\u0000b"}', None)
    assert receive(store, mine, [typed]) == 11  # a NUL typed into a reason is stored
