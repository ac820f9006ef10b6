"""``levelup-pos store report x|z`` from a register's data directory: two demo registers of one
location have shipped to a throwaway PostgreSQL; JSON with the register report's keys and a
``registers`` breakdown, reconciled with the sandbox once; text, CSV and PDF files; the
store's password in no output."""

from __future__ import annotations

import json

import pytest

from pos_app.app.demo import run_demo
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.host.paths import Paths
from pos_app.host.secrets import STORE_PASSWORD, open_secret_store
from pos_app.host.settings import set_settings
from pos_app.store.database import init_store, open_store
from pos_app.store.events import RegisterKey, receive
from tests.cli.test_cli import run


@pytest.fixture
def data_dir(tmp_path, monkeypatch, server, pg_cluster, store_database):
    """Register 1's data directory, pointed at a store server both registers shipped to."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    server.reset()
    url = pg_cluster.url_without_password(store_database)
    database = open_store(url, pg_cluster.password)
    init_store(database)
    first = None
    for register_id in ("1", "2"):
        paths = Paths(tmp_path / f"register-{register_id}")
        sign_in_to_sandbox(paths, server.url, {})
        set_settings(paths, {}, {"register.id": register_id, "store.url": url})
        with open_register(paths, {}) as terminal:
            run_demo(terminal.engine, terminal.levelup_url, 4, seed=int(register_id))
            levelup = terminal.config.levelup
            key = RegisterKey(levelup.merchant_id or 0, levelup.location_id or 0, register_id)
            receive(database, key, terminal.journal.rows_after(0, 10_000))
        first = first or paths
    database.dispose()
    assert first is not None
    open_secret_store(first.data_dir).set(STORE_PASSWORD, pg_cluster.password)
    return str(first.data_dir)


def store_report(monkeypatch, capsys, data_dir, *argv):
    return run(monkeypatch, capsys, "store", "report", *argv, "--data-dir", data_dir)


def test_the_json_store_x_report_has_the_register_reports_keys_and_a_breakdown(
    monkeypatch, capsys, data_dir, pg_cluster
):
    code, out, err = store_report(monkeypatch, capsys, data_dir, "x", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert pg_cluster.password not in out + err
    for key in ("business_date", "checks", "net_sales", "tenders", "levelup_reconciliation"):
        assert key in data
    registers = data["registers"]
    assert [r["register"] for r in registers] == ["1", "2"]
    assert data["checks"] == sum(r["checks"] for r in registers) == 8
    assert data["net_sales"] == sum(r["net_sales"] for r in registers)
    rec = data["levelup_reconciliation"]
    assert rec["checked"], rec["problem"]
    assert rec["matched"] == rec["orders"] > 0 and rec["details"] == []


def test_text_csv_pdf_and_a_z_report_no_register_took(monkeypatch, capsys, data_dir, tmp_path):
    code, out, err = store_report(monkeypatch, capsys, data_dir, "x")
    assert code == 0, err
    assert "X report" in out and "REGISTER 2" in out
    code, _, err = store_report(monkeypatch, capsys, data_dir, "x", "--format", "pdf")
    assert code == 2 and "--output" in err
    pdf, csv = tmp_path / "store.pdf", tmp_path / "store.csv"
    for path, fmt in ((pdf, "pdf"), (csv, "csv")):
        code, _, err = store_report(
            monkeypatch, capsys, data_dir, "x", "--format", fmt, "--output", str(path)
        )
        assert code == 0 and "written to" in err, err
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Register 1,Net sales" in csv.read_text()

    code, out, err = store_report(monkeypatch, capsys, data_dir, "z", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["registers"] == [] and data["checks"] == 0
    assert sum("has not taken its Z report" in note for note in data["notes"]) == 2


def test_a_location_that_never_shipped_is_said(monkeypatch, capsys, data_dir):
    code, _, err = store_report(monkeypatch, capsys, data_dir, "x", "--location", "4242")
    assert code == 1 and "No register of location 4242" in err
