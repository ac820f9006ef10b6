"""Store-wide reports from the store server: two demo registers of one location, one LevelUp
sandbox, each shipping its journal; the store report is the sum of the registers' own, its
tenders agree with each register's journal export, and the one reconciliation of the location
matches every order LevelUp has of the day."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pos_app.app.demo import run_demo
from pos_app.app.store_reports import StoreReportDesk, render_store
from pos_app.app.terminal import Terminal, open_register, sign_in_to_sandbox
from pos_app.engine import DAY_TARGET, ApprovalAction
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from pos_app.journal.export import export_document
from pos_app.reports import ReportKind
from pos_app.store.events import RegisterKey, receive, shipped_seq

KINDS = ("levelup", "cash", "credit", "debit", "other")
SUMMED = ("checks", "gross_sales", "discounts", "net_sales", "tax", "fees", "tips", "returns")


def make_register(tmp_path: Path, server, register_id: str) -> Terminal:
    paths, key = Paths(tmp_path / f"register-{register_id}"), tmp_path / f"{register_id}.key"
    sign_in_to_sandbox(paths, server.url, {}, key_path=key)
    set_settings(paths, {}, {"register.id": register_id})
    return open_register(paths, {}, key_path=key)


@pytest.fixture
def registers(tmp_path, server):
    server.reset()
    made = [make_register(tmp_path, server, register_id) for register_id in ("1", "2")]
    try:
        for seed, terminal in enumerate(made, start=3):
            run_demo(terminal.engine, terminal.levelup_url, 5, seed=seed)
        yield made
    finally:
        for terminal in made:
            terminal.close()


def key_of(terminal: Terminal) -> RegisterKey:
    levelup = terminal.config.levelup
    assert levelup.merchant_id and levelup.location_id
    return RegisterKey(levelup.merchant_id, levelup.location_id, terminal.config.register_.id)


def ship(store, terminal: Terminal) -> None:
    key, journal = key_of(terminal), terminal.journal
    held = shipped_seq(store, key)
    while rows := journal.rows_after(held, 25):
        held = receive(store, key, rows)


def take_z(terminal: Terminal):
    approval = terminal.engine.approve(
        None, ApprovalAction.CLOSE_DAY, DAY_TARGET, staff_id="9", pin="9999", reason="Z"
    )
    return terminal.reports.z_report(approval)


def test_the_store_x_report_is_the_sum_of_the_registers_and_reconciles_once(store, registers):
    for terminal in registers:
        ship(store, terminal)
    one = registers[0]
    location = one.config.levelup.location_id
    report = StoreReportDesk(store, one.client).report(ReportKind.X, location_id=location)
    own = [t.reports.x_report(reconcile_orders=False).as_data() for t in registers]
    data = report.as_data()
    assert data["business_date"] == own[0]["business_date"]
    for name in SUMMED:
        assert data[name] == sum(o[name] for o in own), name
    assert data["checks"] == 10
    for kind in KINDS:
        for figure in ("amount", "count", "tips"):
            assert data["tenders"][kind][figure] == sum(o["tenders"][kind][figure] for o in own)
    assert [r["register"] for r in data["registers"]] == ["1", "2"]
    for mine, theirs in zip(data["registers"], own, strict=True):
        assert {k: mine[k] for k in SUMMED} == {k: theirs[k] for k in SUMMED}
        assert mine["tenders"] == theirs["tenders"]
        assert mine["location"] == location

    for terminal, register in zip(registers, data["registers"], strict=True):
        export = export_document(terminal.journal.checks_of_day(report.total.business_date))
        paid: Counter[str] = Counter()
        for check in export["checks"]:
            for tender in check["tenders"]:
                if tender["state"] in ("APPROVED", "PARTIALLY_APPROVED"):
                    paid[tender["card_type"] or tender["kind"]] += tender["amount"]
        assert {k: register["tenders"][k]["amount"] for k in KINDS} == {k: paid[k] for k in KINDS}

    prefix = f"{report.total.business_date:%y%m%d}"
    orders = [
        o
        for o in one.client.location_orders(location)
        if (o.identifier_from_merchant or "").startswith(prefix)
    ]
    rec = data["levelup_reconciliation"]
    assert rec["checked"], rec["problem"]
    assert rec["matched"] == rec["orders"] == len(orders) > 0
    assert rec["details"] == []
    assert sum(r["levelup_reconciliation"]["orders"] for r in data["registers"]) == len(orders)
    assert not any("Not reconciled" in note for note in data["notes"])


def test_a_store_z_combines_the_registers_z_reports_and_names_one_that_took_none(store, registers):
    first, second = registers
    z = take_z(first)
    for terminal in registers:
        ship(store, terminal)
    location = first.config.levelup.location_id
    desk = StoreReportDesk(store)  # LevelUp not asked: the Z reports' own reconciliations
    report = desk.report(ReportKind.Z, z.business_date, location_id=location)
    data = report.as_data()
    assert data["kind"] == "z" and data["number"] is None
    assert [r["register"] for r in data["registers"]] == ["1"]
    assert data["registers"][0]["number"] == z.number
    assert data["net_sales"] == z.net_sales and data["checks"] == z.checks
    assert any("Register 2 has not taken its Z report" in note for note in data["notes"])
    assert data["levelup_reconciliation"]["matched"] == z.reconciliation.matched
    assert second.engine.days.closed_day(z.business_date) is None  # a store Z closes nothing

    text = render_store(report, "text").decode()
    assert text.splitlines()[0].strip() == "Z report"
    assert "REGISTER 1 (Z REPORT #1)" in text and "Register 2 has not taken" in text
    csv = render_store(report, "csv").decode()
    assert "Register 1 (Z report #1),Net sales" in csv
    assert render_store(report, "pdf").startswith(b"%PDF")


def test_a_merchant_report_spans_locations(store, registers):
    for terminal in registers:
        ship(store, terminal)
    first = registers[0]
    elsewhere = RegisterKey(key_of(first).merchant_id, 999, "1")
    receive(store, elsewhere, first.journal.rows_after(0, 10_000))
    desk = StoreReportDesk(store)
    merchant = desk.report(ReportKind.X, merchant_id=elsewhere.merchant_id)
    store_only = desk.report(ReportKind.X, location_id=key_of(first).location_id)
    data = merchant.as_data()
    assert [(r["location"], r["register"]) for r in data["registers"]] == [
        (key_of(first).location_id, "1"),
        (key_of(first).location_id, "2"),
        (999, "1"),
    ]
    assert data["checks"] == store_only.total.checks + data["registers"][0]["checks"]
    assert merchant.total.register.startswith(f"Merchant {elsewhere.merchant_id} (2 locations")
    assert all("/" in r.check for r in merchant.total.reversals)
