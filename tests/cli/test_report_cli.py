"""``levelup-pos report x|z`` on a demo register's day: JSON with the documented keys, text,
CSV and PDF files, a Z report once per day with a manager's PIN, and its reprint."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pos_app.app.demo import run_demo
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.host.paths import Paths
from pos_app.journal.export import export_document
from tests.cli.test_cli import run

KINDS = ("levelup", "cash", "credit", "debit", "other")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A demo register after 8 scripted checkouts, its window closed."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    paths = Paths(tmp_path / "register")
    sign_in_to_sandbox(paths, None, {})
    with open_register(paths, {}) as terminal:
        run_demo(terminal.engine, terminal.levelup_url, 8, seed=3)
    return str(paths.data_dir)


def report(monkeypatch, capsys, data_dir, *argv, stdin=""):
    return run(monkeypatch, capsys, "report", *argv, "--data-dir", data_dir, stdin=stdin)


def test_the_json_x_report_has_the_documented_keys_and_agrees_with_journal_export(
    monkeypatch, capsys, data_dir
):
    code, out, err = report(monkeypatch, capsys, data_dir, "x", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("business_date", "checks", "gross_sales", "net_sales", "tax", "tips"):
        assert isinstance(data[key], (int, str)), key
    assert set(data["tenders"]) == set(KINDS)
    assert data["checks"] == 8
    rec = data["levelup_reconciliation"]
    assert rec["checked"], rec["problem"]
    for key in ("matched", "missing_in_journal", "missing_at_levelup", "amount_mismatch"):
        assert isinstance(rec[key], int)
    assert rec["matched"] > 0 and rec["details"] == []

    code, out, _ = run(monkeypatch, capsys, "journal", "export", "--data-dir", data_dir)
    exported = json.loads(out)["checks"]
    paid: Counter[str] = Counter()
    for check in exported:
        for tender in check["tenders"]:
            if tender["state"] in ("APPROVED", "PARTIALLY_APPROVED"):
                paid[tender["card_type"] or tender["kind"]] += tender["amount"]
    assert {k: data["tenders"][k]["amount"] for k in KINDS} == {k: paid[k] for k in KINDS}
    assert data["gross_sales"] >= data["net_sales"] > 0


def test_text_csv_and_pdf_forms(monkeypatch, capsys, data_dir, tmp_path):
    code, out, err = report(monkeypatch, capsys, data_dir, "x")
    assert code == 0, err
    assert "X report" in out and "LevelUp" in out
    pdf, csv = tmp_path / "day.pdf", tmp_path / "day.csv"
    code, _, err = report(monkeypatch, capsys, data_dir, "x", "--format", "pdf")
    assert code == 2 and "--output" in err
    for path, fmt in ((pdf, "pdf"), (csv, "csv")):
        code, _, err = report(
            monkeypatch, capsys, data_dir, "x", "--format", fmt, "--output", str(path)
        )
        assert code == 0 and "written to" in err
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "levelup" in csv.read_text().lower()


def test_a_z_report_takes_a_managers_pin_once_a_day_and_can_be_reprinted(
    monkeypatch, capsys, data_dir
):
    code, _, err = report(monkeypatch, capsys, data_dir, "z")
    assert code == 1 and "--manager" in err
    code, _, err = report(monkeypatch, capsys, data_dir, "z", "--manager", "9", stdin="0000\n")
    assert code == 1 and "PIN" in err
    code, out, err = report(
        monkeypatch, capsys, data_dir, "z", "--manager", "9", "--format", "json", stdin="9999\n"
    )
    assert code == 0, err
    taken = json.loads(out)
    assert (taken["kind"], taken["number"], taken["checks"]) == ("z", 1, 8)
    assert "9999" not in out
    code, _, err = report(monkeypatch, capsys, data_dir, "z", "--manager", "9", stdin="9999\n")
    assert code == 1 and "cannot be taken twice" in err
    code, out, err = report(
        monkeypatch,
        capsys,
        data_dir,
        "z",
        "--reprint",
        "--date",
        taken["business_date"],
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out) == taken
    with open_register(Paths(Path(data_dir)), {}) as terminal:
        assert export_document(terminal.journal.records())["checks"]  # the journal is whole
