"""The status bar's store entry: hidden without a store server; "up to date" once what the
cashier rang up is on the server; red, with why, while the server cannot be reached, and the
register sells all the same."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pos_app.app.shipping import ShipStatus
from pos_app.host.paths import Paths
from pos_app.host.secrets import STORE_PASSWORD, open_secret_store
from pos_app.store.database import init_store, open_store
from pos_app.store.schema import events
from pos_app.ui.store_status import store_words
from tests.ui.conftest import register_window

SHOTS = os.environ.get("LEVELUP_POS_SHOTS")
"""A folder to save the status bar's pictures in (to look at them), when set."""


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_the_store_entry_is_hidden_without_a_store_server(cashier):
    assert cashier.session.terminal.shipper is None
    assert not cashier.window.status.store.isVisible()


def test_what_the_cashier_rings_up_reaches_the_store_server(
    qtbot, tmp_path, pg_cluster, store_database
):
    url = pg_cluster.url_without_password(store_database)
    database = open_store(url, pg_cluster.password)
    init_store(database)
    data = tmp_path / "register"
    Paths(data).create()
    open_secret_store(data, tmp_path / "secret.key").set(STORE_PASSWORD, pg_cluster.password)
    try:
        with register_window(qtbot, tmp_path, store__url=url, store__ship_every="0.5") as cashier:
            entry = cashier.window.status.store
            journal = cashier.session.terminal.journal
            cashier.tap_item("Burger")
            cashier.tap_item("Fries")

            def on_the_server() -> int:
                with database.connect() as connection:
                    count = connection.execute(select(func.count()).select_from(events))
                    return int(count.scalar_one())

            cashier.wait(lambda: on_the_server() == journal.last_seq())
            cashier.wait(lambda: entry.text() == "Store: up to date")
            assert entry.isVisible() and "password" not in entry.toolTip().lower()
            assert pg_cluster.password not in entry.toolTip()
            shot(cashier.window.status, "store-up-to-date")
    finally:
        database.dispose()


def test_an_unreachable_store_server_is_shown_in_red_and_the_register_sells_on(qtbot, tmp_path):
    with register_window(
        qtbot, tmp_path, store__url="postgresql://pos@127.0.0.1:1/store"
    ) as cashier:
        entry = cashier.window.status.store
        cashier.wait(lambda: entry.text() == "Store: cannot be reached")
        assert entry.property("role") == "bad"
        assert "127.0.0.1:1" in entry.toolTip() and "Sales go on" in entry.toolTip()
        cashier.tap_item("Coffee")
        assert cashier.record.check.items
        shot(cashier.window.status, "store-unreachable")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (None, ("", "")),
        (ShipStatus(pending=None), ("Store: connecting…", "warn")),
        (ShipStatus(pending=3, shipped_seq=9, reachable=True), ("Store: sending 3", "warn")),
        (ShipStatus(pending=0, shipped_seq=9, reachable=True), ("Store: up to date", "ok")),
        (
            ShipStatus(pending=4, problem="The store server x cannot be reached", reachable=False),
            ("Store: 4 waiting — cannot be reached", "bad"),
        ),
        (
            ShipStatus(pending=0, problem="The store server x refused: no", reachable=True),
            ("Store: refused", "bad"),
        ),
    ],
)
def test_the_store_entry_says_how_far_the_journal_is(status, words):
    assert store_words(status) == words
