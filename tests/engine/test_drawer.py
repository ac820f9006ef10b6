"""The cash drawer: no-sales and pay-ins/outs on the audit trail, with a manager's approval for
moving cash, and what the drawer should hold at the end of a business day."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain import InvalidAmount, LineItem, TenderKind
from pos_app.engine import (
    AUDITED,
    DRAWER_TARGET,
    ApprovalAction,
    ApprovalRequired,
    EngineError,
    EventKind,
    local_day,
)
from pos_app.engine.drawer import MAX_MOVEMENT, MAX_REASON
from pos_app.engine.staff import Role, StaffMember
from pos_app.journal.verify import verify
from tests.engine.support import CASHIER_PIN, MANAGER_PIN

PAY_IN, PAY_OUT = ApprovalAction.PAY_IN, ApprovalAction.PAY_OUT
DRAWER_KINDS = frozenset({EventKind.NO_SALE, EventKind.PAID_IN, EventKind.PAID_OUT})


def at_noon(register, days: int = 0) -> None:
    """The register's clock at noon, local time, ``days`` from today: far from midnight; but
    never ahead of the real clock today (a command in another process reads until now), so
    before noon it is a minute ago."""
    now = datetime.now(UTC)
    noon = now.astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    target = noon + timedelta(days=days)
    if days == 0 and target > now:
        target = max(now - timedelta(minutes=1), noon.replace(hour=0))
    register.offset = target - now


def drawer_approval(register, action, *, target=DRAWER_TARGET, staff_id="mia", pin=MANAGER_PIN):
    """A manager's approval of no check, as the window asks for one."""
    return register.engine.approve(
        None, action, target, staff_id=staff_id, pin=pin, reason="change for the float"
    )


def pay_in(register, cashier, amount, reason="change from the bank"):
    return register.engine.drawer.pay_in(cashier, amount, reason, drawer_approval(register, PAY_IN))


def pay_out(register, cashier, amount, reason="window cleaner"):
    approval = drawer_approval(register, PAY_OUT)
    return register.engine.drawer.pay_out(cashier, amount, reason, approval)


def test_a_no_sale_is_audited_with_who_why_and_where(register):
    cal = register.engine.sign_in("cal", CASHIER_PIN)
    movement = register.engine.drawer.no_sale(cal, "  customer  wanted\tchange ")
    assert (movement.kind, movement.reason, movement.amount) == (
        EventKind.NO_SALE,
        "customer wanted change",
        0,
    )
    assert (movement.staff_id, movement.cashier, movement.register) == ("cal", "Cal (cal)", "3")
    assert (movement.approval_id, movement.manager) == (None, None)
    [logged] = register.journal.audit_trail(DRAWER_KINDS)
    assert logged["kind"] is EventKind.NO_SALE and EventKind.NO_SALE in AUDITED
    assert (logged["check_id"], logged["at"]) == ("", movement.at)
    assert logged["data"]["reason"] == "customer wanted change"
    assert register.engine.drawer.movements(local_day(movement.at)) == [movement]
    assert register.engine.drawer.expected_cash(local_day(movement.at)).no_sales == 1


def test_a_no_sale_without_a_reason_or_a_signed_in_cashier_writes_nothing(register):
    cal = register.engine.sign_in("cal", CASHIER_PIN)
    written = register.journal.event_count()
    no_sale = register.engine.drawer.no_sale
    for reason, refusal in [
        ("", "A no-sale needs a reason"),
        ("  \n ", "A no-sale needs a reason"),
        ("x" * (MAX_REASON + 1), "at most 100 letters"),
        ("bell \a", "at most 100 letters"),
    ]:
        with pytest.raises(EngineError, match=refusal):
            no_sale(cal, reason)
    with pytest.raises(ApprovalRequired, match="Sign in at this register first"):
        no_sale(StaffMember("mia", "Mia", Role.MANAGER), "count the float")
    assert register.journal.event_count() == written
    # the role is the one found at sign-in, never the caller's
    movement = no_sale(replace(cal, role=Role.ADMIN, name="Someone"), "x" * MAX_REASON)
    assert movement.cashier == "Cal (cal)"


def test_paying_in_or_out_needs_a_managers_approval_of_that_action_once(register):
    cal = register.engine.sign_in("cal", CASHIER_PIN)
    drawer = register.engine.drawer
    with pytest.raises(ApprovalRequired, match="a cashier: a manager must approve"):
        drawer_approval(register, PAY_IN, staff_id="cal", pin=CASHIER_PIN)
    with pytest.raises(ApprovalRequired, match="Wrong PIN"):
        drawer_approval(register, PAY_OUT, pin="0000")
    refusals = register.journal.audit_trail(frozenset({EventKind.APPROVAL_REFUSED}))
    assert [e["data"]["action"] for e in refusals] == ["pay_in", "pay_out"]
    with pytest.raises(ApprovalRequired, match="A manager must approve"):
        drawer.pay_in(cal, 2000, "float", None)
    with pytest.raises(ApprovalRequired, match="for something else"):
        drawer.pay_in(cal, 2000, "float", drawer_approval(register, PAY_OUT))
    with pytest.raises(ApprovalRequired, match="for something else"):
        drawer.pay_out(cal, 2000, "float", drawer_approval(register, PAY_OUT, target="check"))

    approval = drawer_approval(register, PAY_IN)
    for amount, refusal in [
        (0, "more than"),
        (-100, "cannot be negative"),
        (12.5, "whole number of cents"),
        (MAX_MOVEMENT + 1, "at most \\$10,000.00"),
    ]:
        with pytest.raises(InvalidAmount, match=refusal):
            drawer.pay_in(cal, amount, "float", approval)
    with pytest.raises(EngineError, match="A pay-in needs a reason"):
        drawer.pay_in(cal, 2000, " ", approval)
    assert register.journal.audit_trail(frozenset({EventKind.APPROVAL, *DRAWER_KINDS})) == []

    movement = drawer.pay_in(cal, 2000, " float ", approval)  # refusals left it unspent
    assert (movement.kind, movement.amount, movement.reason) == (EventKind.PAID_IN, 2000, "float")
    assert (movement.approval_id, movement.manager) == (approval.approval_id, "Mia (mia)")
    with pytest.raises(ApprovalRequired, match="used already"):
        drawer.pay_in(cal, 2000, "float", approval)
    stale = drawer_approval(register, PAY_OUT)
    register.offset += timedelta(hours=1)
    with pytest.raises(ApprovalRequired, match="expired"):
        drawer.pay_out(cal, 500, "stamps", stale)

    trail = register.journal.audit_trail(frozenset({EventKind.APPROVAL, *DRAWER_KINDS}))
    assert [e["kind"] for e in trail] == [EventKind.APPROVAL, EventKind.PAID_IN]
    assert (trail[0]["data"]["action"], trail[0]["data"]["target"]) == ("pay_in", "drawer")
    assert trail[1]["data"]["approval_id"] == trail[0]["data"]["approval_id"]
    assert (trail[1]["data"]["amount"], trail[1]["data"]["staff_id"]) == (2000, "cal")
    assert MANAGER_PIN not in json.dumps([e["data"] for e in trail])
    assert CASHIER_PIN not in json.dumps([e["data"] for e in trail])


def test_the_drawer_holds_the_days_cash_taken_less_given_back_plus_paid_in_less_out(register):
    engine = register.engine
    at_noon(register, days=-1)
    cal = engine.sign_in("cal", CASHIER_PIN)
    yesterday = local_day(register.clock())
    engine.pay_cash(register.check(700).check_id, 1000)
    pay_in(register, cal, 10000)
    engine.drawer.no_sale(cal, "yesterday")

    at_noon(register)
    today = local_day(register.clock())
    # a cash sale with change: the $10.00 stays, the change went back at once
    engine.pay_cash(register.check(1000).check_id, 2000)
    # a cash payment voided
    record = engine.pay_cash(register.check(500).check_id, 500)
    [cash] = record.check.tenders
    approval = register.approval(ApprovalAction.VOID_TENDER, cash.tender_id)
    engine.void_tender(record.check_id, cash.tender_id, approval)
    # LevelUp pays $6.00 of a check, cash the rest ($4.00 of a $5 note); refunded whole
    record = register.check(1000)
    record, _ = engine.pay_levelup(record.check_id, register.code("Ada"), 600)
    record = engine.pay_cash(record.check_id, 500)
    engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    # a card payment moves no cash
    engine.pay_other(register.check(900).check_id, TenderKind.CREDIT, 900)
    # a burger of a sale paid in cash is returned: $8.00 of the cash goes back
    record = engine.open_check()
    record = engine.edit_check(
        record.check_id,
        lambda check: check.add_item(LineItem("Burger", 800, quantity=2)),
    )
    record = engine.pay_cash(record.check_id, 2000)
    approval = register.approval(
        ApprovalAction.RETURN_ITEMS, record.check_id, check_id=record.check_id
    )
    engine.return_items(record.check_id, {1: 1}, approval)
    pay_in(register, cal, 5000)
    pay_out(register, cal, 1234)
    engine.drawer.no_sale(cal, "count")

    cash = engine.drawer.expected_cash(today)
    assert (cash.taken.amount, cash.taken.count) == (1000 + 500 + 400 + 1600, 4)
    assert (cash.given_back.amount, cash.given_back.count) == (500 + 400 + 800, 3)
    assert (cash.paid_in.amount, cash.paid_in.count) == (5000, 1)
    assert (cash.paid_out.amount, cash.paid_out.count) == (1234, 1)
    assert cash.no_sales == 1
    assert cash.expected == 1000 + 1600 - 800 + 5000 - 1234
    assert engine.drawer.expected_cash(today, opening=15000).expected == cash.expected + 15000
    assert [(m.kind, m.amount) for m in engine.drawer.movements(today)] == [
        (EventKind.PAID_IN, 5000),
        (EventKind.PAID_OUT, 1234),
        (EventKind.NO_SALE, 0),
    ]

    before = engine.drawer.expected_cash(yesterday)
    assert (before.taken.amount, before.given_back.amount, before.paid_in.amount) == (
        700,
        0,
        10000,
    )
    assert (before.expected, before.no_sales) == (10700, 1)
    assert [m.reason for m in engine.drawer.movements(yesterday)] == [
        "change from the bank",
        "yesterday",
    ]
    assert engine.drawer.expected_cash(today + timedelta(days=1)).expected == 0
    assert verify(register.journal).mismatches == []
    assert register.restart().drawer.expected_cash(today) == cash


def test_cash_goes_back_on_the_day_it_is_given_back_and_only_once(register):
    engine = register.engine
    at_noon(register, days=-1)
    record = engine.open_check()
    record = engine.edit_check(
        record.check_id, lambda check: check.add_item(LineItem("Burger", 800, quantity=3))
    )
    record = engine.pay_cash(record.check_id, 3000)  # $24.00 stays
    check_id = record.check_id
    [cash] = record.check.tenders

    at_noon(register)
    today = local_day(register.clock())
    engine.return_items(
        check_id,
        {1: 1},
        register.approval(ApprovalAction.RETURN_ITEMS, check_id, check_id=check_id),
    )
    # the void gives back what the payment still held: the return gave back $8.00 already
    approval = register.approval(ApprovalAction.VOID_TENDER, cash.tender_id)
    record = engine.void_tender(check_id, cash.tender_id, approval)
    assert record.tender(cash.tender_id).returned == 2400
    drawer = engine.drawer.expected_cash(today)
    assert (drawer.taken.amount, drawer.given_back.amount, drawer.given_back.count) == (0, 2400, 2)
    assert drawer.expected == -2400
    assert engine.drawer.expected_cash(local_day(record.opened_at)).expected == 2400
