"""Shifts: opened with a float, closed by counting the drawer; over or short needs a manager;
both on the audit trail, and the open shift survives a restart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pos_app.domain import InvalidAmount, TenderKind
from pos_app.engine import (
    SHIFT_TARGET,
    ApprovalAction,
    ApprovalRequired,
    EngineError,
    EventKind,
    Shift,
    ShiftClose,
)
from pos_app.engine.shifts import LOOSE, MAX_FLOAT, counted_cents, drawer_count, over_short_words
from pos_app.engine.staff import Role, StaffMember
from tests.engine.support import CASHIER_PIN, MANAGER_PIN
from tests.engine.test_drawer import at_noon, pay_in, pay_out

SHIFT_KINDS = frozenset({EventKind.SHIFT_OPENED, EventKind.SHIFT_CLOSED})
CLOSE_SHIFT = ApprovalAction.CLOSE_SHIFT


def shift_approval(register, *, staff_id="mia", pin=MANAGER_PIN, target=SHIFT_TARGET):
    return register.engine.approve(
        None, CLOSE_SHIFT, target, staff_id=staff_id, pin=pin, reason="counted twice"
    )


def trail(register, kinds=SHIFT_KINDS):
    return register.journal.audit_trail(frozenset(kinds))


def test_a_shift_opens_with_its_float_on_the_audit_trail_one_at_a_time(register):
    engine = register.engine
    cal = engine.sign_in("cal", CASHIER_PIN)
    assert engine.shifts.current() is None
    shift = engine.shifts.open(cal, 15000)
    assert (shift.staff_id, shift.cashier, shift.register, shift.float_cents) == (
        "cal",
        "Cal (cal)",
        "3",
        15000,
    )
    assert engine.shifts.current() == shift
    [opened] = trail(register)
    assert opened["kind"] is EventKind.SHIFT_OPENED and opened["at"] == shift.opened_at
    assert opened["data"] == {
        "shift_id": shift.shift_id,
        "staff_id": "cal",
        "cashier": "Cal (cal)",
        "register": "3",
        "float": 15000,
    }
    mia = engine.sign_in("mia", MANAGER_PIN)
    with pytest.raises(EngineError, match=r"already \(Cal \(cal\), since"):
        engine.shifts.open(mia, 0)
    assert len(trail(register)) == 1


def test_a_float_is_zero_to_ten_thousand_dollars_by_a_cashier_signed_in_here(register):
    engine = register.engine
    with pytest.raises(ApprovalRequired, match="Sign in at this register first"):
        engine.shifts.open(StaffMember("cal", "Cal", Role.CASHIER), 100)
    cal = engine.sign_in("cal", CASHIER_PIN)
    for cents, refusal in [
        (-1, "cannot be negative"),
        (12.5, "whole number of cents"),
        (True, "whole number of cents"),
        (MAX_FLOAT + 1, r"at most \$10,000.00"),
    ]:
        with pytest.raises(InvalidAmount, match=refusal):
            engine.shifts.open(cal, cents)
    assert trail(register) == []
    assert engine.shifts.open(cal, 0).float_cents == 0


def test_expected_cash_is_the_float_and_the_drawers_cash_since_the_shift_opened(register):
    engine = register.engine
    at_noon(register)
    cal = engine.sign_in("cal", CASHIER_PIN)
    engine.pay_cash(register.check(400).check_id, 500)  # before the shift: not its cash
    shift = engine.shifts.open(cal, 10000)
    engine.pay_cash(register.check(1000).check_id, 2000)  # $10.00 taken, $10.00 change
    engine.pay_other(register.check(700).check_id, TenderKind.CREDIT, 700)
    record = engine.pay_cash(register.check(300).check_id, 300)
    [tender] = record.check.tenders
    approval = register.approval(ApprovalAction.VOID_TENDER, tender.tender_id)
    engine.void_tender(record.check_id, tender.tender_id, approval)  # $3.00 given back
    pay_in(register, cal, 5000)
    pay_out(register, cal, 1234)
    cash = engine.shifts.expected(shift)
    drawer = cash.drawer
    assert (drawer.opening, drawer.taken.amount, drawer.given_back.amount) == (10000, 1300, 300)
    assert (drawer.paid_in.amount, drawer.paid_out.amount) == (5000, 1234)
    assert cash.expected == 10000 + 1300 - 300 + 5000 - 1234
    assert cash.shift == shift and cash.at >= shift.opened_at


def test_a_shift_left_open_overnight_counts_the_cash_of_both_days(register):
    engine = register.engine
    at_noon(register)
    cal = engine.sign_in("cal", CASHIER_PIN)
    shift = engine.shifts.open(cal, 2000)
    engine.pay_cash(register.check(1000).check_id, 1000)
    register.offset += timedelta(days=1)
    engine.pay_cash(register.check(250).check_id, 250)
    assert engine.shifts.expected(shift).expected == 2000 + 1000 + 250
    closed = engine.shifts.close(cal, {1000: 3, 100: 2, 25: 2}, None)
    assert (closed.expected, closed.over_short) == (3250, 0)


def test_an_even_count_closes_without_a_manager_and_journals_every_figure(register):
    engine = register.engine
    at_noon(register)
    cal = engine.sign_in("cal", CASHIER_PIN)
    shift = engine.shifts.open(cal, 5000)
    engine.pay_cash(register.check(1234).check_id, 2000)
    counts = {2000: 2, 1000: 1, 100: 12, 25: 1, 5: 1, 1: 4, 10: 0}  # $62.34
    closed = engine.shifts.close(cal, counts, None)
    assert isinstance(closed, ShiftClose)
    assert (closed.expected, closed.counted, closed.over_short) == (6234, 6234, 0)
    assert closed.counts == {2000: 2, 1000: 1, 100: 12, 25: 1, 5: 1, 1: 4}
    assert (closed.approval_id, closed.manager) == (None, None)
    assert engine.shifts.current() is None
    [_, event] = trail(register)
    assert event["kind"] is EventKind.SHIFT_CLOSED
    assert event["data"] == {
        "shift_id": shift.shift_id,
        "staff_id": "cal",
        "cashier": "Cal (cal)",
        "register": "3",
        "float": 5000,
        "taken": 1234,
        "given_back": 0,
        "paid_in": 0,
        "paid_out": 0,
        "expected": 6234,
        "counted": 6234,
        "over_short": 0,
        "counts": {"2000": 2, "1000": 1, "100": 12, "25": 1, "5": 1, "1": 4},
        "approval_id": None,
        "manager": None,
        "opened_at": shift.opened_at.isoformat(),
    }
    with pytest.raises(EngineError, match="No shift is open"):
        engine.shifts.close(cal, {}, None)
    assert engine.shifts.open(cal, 0).shift_id != shift.shift_id  # the next shift


def test_a_short_drawer_needs_a_managers_approval_of_the_count_once(register):
    engine = register.engine
    cal = engine.sign_in("cal", CASHIER_PIN)
    engine.shifts.open(cal, 10000)
    count = {5000: 1, 1000: 4, 500: 1, LOOSE: 475}  # $99.75: short $0.25
    with pytest.raises(ApprovalRequired, match=r"short \$0.25: a manager must approve"):
        engine.shifts.close(cal, count, None)
    with pytest.raises(ApprovalRequired, match="a cashier: a manager must approve"):
        shift_approval(register, staff_id="cal", pin=CASHIER_PIN)
    with pytest.raises(ApprovalRequired, match="for something else"):
        engine.shifts.close(cal, count, shift_approval(register, target="drawer"))
    assert [e["kind"] for e in trail(register)] == [EventKind.SHIFT_OPENED]

    approval = shift_approval(register)
    closed = engine.shifts.close(cal, count, approval)
    assert (closed.counted, closed.over_short) == (9975, -25)
    assert (closed.approval_id, closed.manager) == (approval.approval_id, "Mia (mia)")
    events = trail(register, SHIFT_KINDS | {EventKind.APPROVAL})
    assert [e["kind"] for e in events] == [
        EventKind.SHIFT_OPENED,
        EventKind.APPROVAL,
        EventKind.SHIFT_CLOSED,
    ]
    assert (events[1]["data"]["action"], events[1]["data"]["target"]) == ("close_shift", "shift")
    assert events[2]["data"]["over_short"] == -25
    assert events[2]["data"]["counts"]["0"] == 475
    assert MANAGER_PIN not in json.dumps([e["data"] for e in events])
    engine.shifts.open(cal, 0)
    with pytest.raises(ApprovalRequired, match="used already"):
        engine.shifts.close(cal, {1: 1}, approval)


def test_another_cashier_signed_in_here_may_close_the_shift_they_take_over(register):
    engine = register.engine
    cal = engine.sign_in("cal", CASHIER_PIN)
    shift = engine.shifts.open(cal, 2500)
    with pytest.raises(ApprovalRequired, match="Sign in at this register first"):
        engine.shifts.close(StaffMember("mia", "Mia", Role.MANAGER), {1000: 2}, None)
    mia = engine.sign_in("mia", MANAGER_PIN)
    closed = engine.shifts.close(mia, {1000: 2, 500: 1}, None)
    assert (closed.shift.cashier, closed.cashier, closed.over_short) == (
        "Cal (cal)",
        "Mia (mia)",
        0,
    )
    assert closed.shift == shift


def test_a_count_is_of_us_bills_and_coins_in_whole_pieces(register):
    cal = register.engine.sign_in("cal", CASHIER_PIN)
    register.engine.shifts.open(cal, 0)
    for counts, refusal in [
        ({200: 1}, r"200 cents is not a US bill or coin"),
        ({100: -1}, r"0 to 9999 of \$1.00"),
        ({100: 10_000}, r"0 to 9999"),
        ({25: 1.5}, r"whole \$0.25 pieces"),
        ({25: True}, r"whole \$0.25 pieces"),
        ({LOOSE: -5}, "The loose amount cannot be negative"),
        ({LOOSE: MAX_FLOAT + 1}, r"The loose amount is at most"),
    ]:
        with pytest.raises(InvalidAmount, match=refusal):
            register.engine.shifts.close(cal, counts, None)
    assert register.engine.shifts.current() is not None
    count = drawer_count({1: 3, 10000: 1, LOOSE: 200, 5: 0})
    assert list(count) == [10000, 1, LOOSE]
    assert counted_cents(count) == 10203
    assert [over_short_words(c) for c in (150, -5, 0)] == ["over $1.50", "short $0.05", "even"]


def test_the_open_shift_and_the_days_shifts_survive_a_restart(register):
    engine = register.engine
    at_noon(register)
    cal = engine.sign_in("cal", CASHIER_PIN)
    shift = engine.shifts.open(cal, 2000)
    closed = engine.shifts.close(cal, {2000: 1}, None)
    second = engine.shifts.open(cal, 3000)
    engine = register.restart()
    assert engine.shifts.current() == second
    day = engine.days.day_of(shift.opened_at)
    assert engine.shifts.of_day(day) == [closed, second]
    assert engine.shifts.of_day(day + timedelta(days=1)) == []
    cal = engine.sign_in("cal", CASHIER_PIN)
    with pytest.raises(EngineError, match="already"):
        engine.shifts.open(cal, 0)
    with pytest.raises(EngineError, match="That shift is closed"):
        engine.shifts.expected(shift)
    assert engine.shifts.close(cal, {1000: 3}, None).shift == second
    engine = register.restart()
    assert engine.shifts.current() is None
    assert [type(s) for s in engine.shifts.of_day(day)] == [ShiftClose, ShiftClose]
    assert not any(isinstance(s, Shift) for s in engine.shifts.of_day(day))
