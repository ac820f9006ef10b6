"""``levelup-pos shift status``: the open shift and what its drawer should hold, or the last
count, read from the journal beside a running register."""

from __future__ import annotations

import json

import pytest

from pos_app.engine import SHIFT_TARGET, ApprovalAction
from tests.cli.test_cli import run
from tests.engine.support import CASHIER_PIN, MANAGER_PIN, Register
from tests.engine.test_drawer import at_noon


@pytest.fixture
def register(server, tmp_path):
    """A register whose journal stays open, as the window's would."""
    server.reset()
    register = Register(server, tmp_path / "data")
    at_noon(register)
    yield register
    register.close()


def status(monkeypatch, capsys, register, *options):
    data_dir = str(register.path.parent)
    return run(monkeypatch, capsys, "shift", "status", "--data-dir", data_dir, *options)


def test_the_open_shift_and_what_its_drawer_should_hold(monkeypatch, capsys, register):
    engine = register.engine
    cal = engine.sign_in("cal", CASHIER_PIN)
    engine.pay_cash(register.check(700).check_id, 1000)  # before the shift: not counted
    shift = engine.shifts.open(cal, 10000)
    engine.pay_cash(register.check(1000).check_id, 2000)
    code, out, err = status(monkeypatch, capsys, register)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Shift open since ") and lines[0].endswith(": Cal (cal), register 3")
    parts = {line[:24].strip(): line[24:].split() for line in lines[1:]}
    assert parts == {
        "float": ["$100.00"],
        "cash taken": ["$10.00", "(1)"],
        "cash given back": ["$0.00", "(0)"],
        "paid in": ["$0.00", "(0)"],
        "paid out": ["$0.00", "(0)"],
        "expected in the drawer": ["$110.00"],
    }
    code, out, _ = status(monkeypatch, capsys, register, "--json")
    document = json.loads(out)
    assert document["open"] is True
    assert document["shift"]["shift_id"] == shift.shift_id
    assert (document["shift"]["float"], document["shift"]["cashier"]) == (10000, "Cal (cal)")
    assert document["cash"]["taken"] == {"amount": 1000, "count": 1}
    assert document["cash"]["expected"] == 11000


def test_with_no_shift_open_the_last_count_is_shown(monkeypatch, capsys, register):
    code, out, _ = status(monkeypatch, capsys, register)
    assert (code, out) == (0, "No shift is open on this register, and none was ever opened.\n")
    code, out, _ = status(monkeypatch, capsys, register, "--json")
    assert json.loads(out) == {"open": False, "last_closed": None}

    engine = register.engine
    cal = engine.sign_in("cal", CASHIER_PIN)
    engine.shifts.open(cal, 5000)
    approval = engine.approve(
        None, ApprovalAction.CLOSE_SHIFT, SHIFT_TARGET, staff_id="mia", pin=MANAGER_PIN, reason="ok"
    )
    engine.shifts.close(cal, {2000: 2, 500: 1, 100: 4}, approval)  # $49.00: short $1.00
    code, out, _ = status(monkeypatch, capsys, register)
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert lines[0] == "No shift is open on this register. The last one:"
    assert lines[2:] == [
        "float $50.00",
        "expected $50.00",
        "counted $49.00",
        "over or short short $1.00",
        "approved by Mia (mia)",
    ]
    code, out, _ = status(monkeypatch, capsys, register, "--json")
    last = json.loads(out)["last_closed"]
    assert (last["counted"], last["over_short"], last["counts"]) == (
        4900,
        -100,
        {"2000": 2, "500": 1, "100": 4},
    )
    assert MANAGER_PIN not in out and CASHIER_PIN not in out
