"""``levelup-pos drawer status``: the drawer's figures from the journal, read beside a running
register (no data key, no writer lock)."""

from __future__ import annotations

import json
import re

import pytest

from pos_app.domain import TenderKind
from pos_app.engine import DRAWER_TARGET, ApprovalAction, local_day
from tests.cli.test_cli import run
from tests.engine.support import CASHIER_PIN, MANAGER_PIN, Register
from tests.engine.test_drawer import at_noon


@pytest.fixture
def register(server, tmp_path):
    """A register whose day is: a cash sale of $10.00 (a $20 note), a card sale, a no-sale,
    $50.00 paid in and $12.34 paid out. Its journal stays open, as the window's would."""
    server.reset()
    register = Register(server, tmp_path / "data")
    engine = register.engine
    at_noon(register)
    cal = engine.sign_in("cal", CASHIER_PIN)
    engine.pay_cash(register.check(1000).check_id, 2000)
    engine.pay_other(register.check(500).check_id, TenderKind.CREDIT, 500)
    engine.drawer.no_sale(cal, "customer wanted change")

    def approval(action):
        return engine.approve(
            None, action, DRAWER_TARGET, staff_id="mia", pin=MANAGER_PIN, reason="ok"
        )

    engine.drawer.pay_in(cal, 5000, "float from the safe", approval(ApprovalAction.PAY_IN))
    engine.drawer.pay_out(cal, 1234, "window cleaner", approval(ApprovalAction.PAY_OUT))
    yield register
    register.close()


def status(monkeypatch, capsys, register, *options):
    data_dir = str(register.path.parent)
    return run(monkeypatch, capsys, "drawer", "status", "--data-dir", data_dir, *options)


def test_the_status_says_what_the_drawer_should_hold_and_why(monkeypatch, capsys, register):
    day = local_day(register.clock()).isoformat()
    code, out, err = status(monkeypatch, capsys, register, "--date", day)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Cash drawer, business day {day}"
    parts = {line[:24].strip(): line[24:].split() for line in lines[1:7]}
    assert parts == {
        "opening": ["$0.00"],
        "cash taken": ["$10.00", "(1)"],
        "cash given back": ["$0.00", "(0)"],
        "paid in": ["$50.00", "(1)"],
        "paid out": ["-$12.34", "(1)"],
        "expected in the drawer": ["$47.66"],
    }
    assert lines[7].split() == ["no-sales", "1"]
    assert lines[8] == "Opened without a sale, cash paid in or out:"
    times = [line.split()[0] for line in lines[9:]]  # noon, or a minute ago before noon
    assert all(re.fullmatch(r"\d\d:\d\d", at) for at in times)
    assert [" ".join(line.split()[1:]) for line in lines[9:]] == [
        "no sale Cal (cal): customer wanted change",
        "paid in $50.00 Cal (cal), approved by Mia (mia): float from the safe",
        "paid out $12.34 Cal (cal), approved by Mia (mia): window cleaner",
    ]


def test_the_status_as_json(monkeypatch, capsys, register):
    code, out, _ = status(monkeypatch, capsys, register, "--json")  # today, by default
    assert code == 0
    document = json.loads(out)
    assert document["day"] == local_day(register.clock()).isoformat()
    assert document["taken"] == {"amount": 1000, "count": 1}
    assert document["given_back"] == {"amount": 0, "count": 0}
    assert (document["paid_in"]["amount"], document["paid_out"]["amount"]) == (5000, 1234)
    assert (document["no_sales"], document["expected"]) == (1, 4766)
    movements = document["movements"]
    assert [(m["kind"], m["amount"], m["reason"]) for m in movements] == [
        ("no_sale", 0, "customer wanted change"),
        ("paid_in", 5000, "float from the safe"),
        ("paid_out", 1234, "window cleaner"),
    ]
    assert movements[1]["manager"] == "Mia (mia)" and movements[1]["staff_id"] == "cal"
    assert movements[1]["approval_id"] and movements[0]["approval_id"] is None
    assert all(MANAGER_PIN not in line and CASHIER_PIN not in line for line in out.splitlines())


def test_another_day_holds_nothing_and_a_missing_journal_is_said(
    monkeypatch, capsys, register, tmp_path
):
    code, out, _ = status(monkeypatch, capsys, register, "--date", "2001-02-03", "--json")
    assert code == 0
    assert json.loads(out)["expected"] == 0 and json.loads(out)["movements"] == []
    code, out, err = run(monkeypatch, capsys, "drawer", "status", "--data-dir", str(tmp_path))
    assert code == 1 and "There is no journal in" in err
    with pytest.raises(SystemExit) as usage:
        status(monkeypatch, capsys, register, "--date", "yesterday")
    assert usage.value.code == 2
    assert "'yesterday' is not a date like 2026-11-23" in capsys.readouterr().err
