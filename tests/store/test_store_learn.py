"""A register whose LevelUp payment is unknown, and that cannot ask LevelUp, learns its order
through the store server from another register of the location that could ask."""

from __future__ import annotations

import pytest

from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.app.store_learn import StoreLearning
from pos_app.app.terminal import Terminal, engine_settings
from pos_app.domain import LineItem, TenderStatus
from pos_app.engine import CheckState, Engine
from pos_app.store.events import receive, shipped_seq
from tests.store.test_store_reports import key_of, make_register

LISTING = "/v14/locations/*/orders"


@pytest.fixture
def pair(tmp_path, server):
    server.reset()
    made = [make_register(tmp_path, server, register_id) for register_id in ("1", "2")]
    with SandboxAdmin(server.url) as admin:
        yield made, admin
        admin.clear_faults()
    for terminal in made:
        terminal.close()


def ship(store, terminal: Terminal) -> None:
    key = key_of(terminal)
    held = shipped_seq(store, key)
    while rows := terminal.journal.rows_after(held, 50):
        held = receive(store, key, rows)


def learned(store, terminal: Terminal) -> StoreLearning:
    """What ``terminal`` has learned from the server, read now."""
    findings = StoreLearning(store, key_of(terminal))
    findings.refresh()
    return findings


def learning(store, terminal: Terminal) -> Engine:
    """The register's engine with the store server's findings (as a new process would be)."""
    return Engine(
        terminal.journal,
        terminal.client,
        engine_settings(terminal.config),
        store=learned(store, terminal),
    )


def test_an_unknown_payment_settles_from_another_registers_finding(store, pair):
    (first, second), admin = pair
    code = admin.seed()["customers"][0]["payment_token_data"]
    admin.add_fault(path="/v15/completed_orders", drop="after_commit", times=1)
    admin.add_fault(path=LISTING, status=503)  # the first register cannot look it up
    record = first.engine.open_check()
    record = first.engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Wrap", 900)))
    record, tender_id = first.engine.pay_levelup(record.check_id, code)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    ship(store, first)

    alone = learning(store, first).recover()  # nothing found elsewhere yet
    assert alone.unreachable and first.journal.load(record.check_id).tender(tender_id).status is (
        TenderStatus.UNKNOWN
    )

    admin.clear_faults()
    helper = learning(store, second)
    helper.recover()
    ship(store, second)
    assert learned(store, second).unknown_elsewhere() == []  # found: said once

    admin.add_fault(path=LISTING, status=503)
    report = learning(store, first).recover()
    settled = first.journal.load(record.check_id)
    tender = settled.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED, report
    number = record.check.identifier
    [order] = [o for o in admin.orders() if o["identifier_from_merchant"] == number]
    assert tender.levelup.order_uuid == order["uuid"]
    assert settled.state is CheckState.CLOSED


def test_a_store_that_cannot_be_asked_knows_nothing(pg_cluster, pair):
    from pos_app.store.database import open_store

    (first, _), _ = pair
    down = open_store(f"postgresql://nobody@127.0.0.1:{pg_cluster.port}/missing", "wrong")
    learning_store = StoreLearning(down, key_of(first))
    learning_store.refresh()  # says why in the log, raises nothing
    assert learning_store.unknown_elsewhere() == []
    record = first.engine.open_check()
    assert learning_store.found_elsewhere(record, "no-such-tender") is None
    down.dispose()
