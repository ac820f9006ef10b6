"""Paying checks: LevelUp alone and with other tenders, against the sandbox and a real journal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.domain import CheckLocked, LineItem, TenderKind, TenderStatus
from pos_app.engine import (
    CheckNotFound,
    CheckState,
    IllegalTransition,
    PaymentProblem,
    RemainderDue,
)
from pos_app.levelup.qr import InvalidPaymentCode


def kinds(register, record) -> list[str]:
    return [e["kind"] for e in register.journal.events_of(record.check_id)]


def test_a_check_is_journaled_from_the_moment_it_opens(register):
    record = register.engine.open_check()
    assert record.state is CheckState.OPEN
    assert len(record.check.identifier) == 10
    assert register.restart().check(record.check_id) == record
    second = register.engine.open_check()
    assert int(second.check.identifier) == int(record.check.identifier) + 1


def test_cash_closes_the_check_and_gives_change(register):
    record = register.check(1000, 250, taxed=True)
    assert record.check.totals.grand_total == 1375
    with pytest.raises(IllegalTransition, match=r"\$13.75 is due"):
        register.engine.close_check(record.check_id)
    record = register.engine.pay_cash(record.check_id, 2000)
    assert record.state is CheckState.CLOSED
    assert record.check.totals.change_due == 625
    assert kinds(register, record)[-2:] == ["tender_approved", "check_closed"]


def test_levelup_pays_the_whole_check(register):
    record = register.check(1500, 500, taxed=True)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED
    assert tender.amount == 2200
    assert record.state is CheckState.CLOSED
    [order] = register.orders()
    assert order["uuid"] == tender.levelup.order_uuid
    assert order["spend_amount"] == 2200
    assert order["identifier_from_merchant"] == record.check.identifier
    assert kinds(register, record)[-5:] == [
        "tender_requested",
        "proposed",
        "completion_sent",
        "approved",
        "check_closed",
    ]


def test_every_step_is_journaled_before_the_next(register):
    record = register.check(1000)
    record, _ = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert kinds(register, record) == [
        "check_opened",
        "check_changed",
        "tender_requested",
        "proposed",
        "completion_sent",
        "approved",
        "check_closed",
    ]


def test_levelup_discount_is_applied_before_tax(register):
    """$20 of food at 10 %, $5 of LevelUp credit: tax is recomputed on $15."""
    record = register.check(2000, taxed=True)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ben"))
    tender = record.tender(tender_id)
    assert tender.levelup.discount_amount == 500
    assert record.check.totals.tax == 150
    assert record.check.totals.grand_total == 1650
    assert tender.amount == 1650
    assert record.state is CheckState.CLOSED
    ben = register.customer("Ben")
    assert (ben["discount_amount"], ben["card_charged_amount"]) == (0, 1650)
    assert register.orders()[0]["spend_amount"] == 2150


def test_partial_authorization_leaves_a_remainder_for_another_tender(register):
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Cora"))
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.PARTIALLY_APPROVED
    assert tender.amount == 500
    assert tender.levelup.gift_card_amount == 500
    assert record.state is CheckState.TENDERING
    [remainder] = register.of_kind(RemainderDue)
    assert (remainder.paid, remainder.asked, remainder.discount, remainder.remainder) == (
        500,
        1000,
        0,
        500,
    )
    with pytest.raises(IllegalTransition):
        register.engine.close_check(record.check_id)
    record = register.engine.pay_cash(record.check_id, 500)
    assert record.state is CheckState.CLOSED


def test_loyalty_only_customer_gets_the_discount_and_pays_the_rest(register):
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Eve"))
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.PARTIALLY_APPROVED
    assert (tender.amount, tender.levelup.discount_amount) == (0, 200)
    assert record.check.totals.balance_due == 800
    record = register.engine.pay_other(record.check_id, TenderKind.CREDIT, 800)
    assert record.state is CheckState.CLOSED


def test_discount_only_applies_the_discount_and_nothing_else(register):
    record = register.check(2500)
    record, tender_id = register.engine.pay_levelup(
        record.check_id, register.code("Dev"), discount_only=True
    )
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.PARTIALLY_APPROVED
    assert (tender.amount, tender.levelup.discount_amount) == (0, 300)
    assert record.check.totals.balance_due == 2200
    assert register.customer("Dev")["gift_card_amount"] == 2000


def test_a_decline_rolls_the_discount_back_and_tells_the_cashier(register):
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Finn"))
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert record.check.totals.balance_due == 1000
    [problem] = register.of_kind(PaymentProblem)
    assert problem.message == "The customer's card was declined. Ask for another payment method."
    assert "HTTP 422" in problem.detail
    assert record.info(tender_id).note == problem.message
    record = register.engine.pay_other(record.check_id, TenderKind.DEBIT, 1000)
    assert record.state is CheckState.CLOSED


def test_two_customers_split_a_check(register):
    record = register.check(2000, taxed=True)
    record, first = register.engine.pay_levelup(record.check_id, register.code("Ada"), 1000)
    assert record.tender(first).amount == 1000
    assert record.check.totals.balance_due == 1200
    record, second = register.engine.pay_levelup(record.check_id, register.code("Hal"))
    assert record.tender(second).status is TenderStatus.APPROVED
    assert record.tender(second).tip == 100
    assert record.state is CheckState.CLOSED
    assert record.check.totals.tip == 100
    assert len(register.orders()) == 2


def test_levelup_first_then_cash_pays_tax_last(register):
    """LevelUp pays $10 of a $22 check: its spend carries no tax, the cash pays it (§11.3)."""
    record = register.check(2000, taxed=True)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"), 1000)
    tender = record.tender(tender_id)
    assert tender.levelup.tax_amount == 0
    assert record.check.levelup_due().tax == 200
    assert register.engine.pay_cash(record.check_id, 1200).state is CheckState.CLOSED


def test_codes_are_checked_before_anything_is_journaled(register):
    record = register.check(1000)
    with pytest.raises(InvalidPaymentCode):
        register.engine.pay_levelup(record.check_id, "012345678905")
    assert kinds(register, record) == ["check_opened", "check_changed"]


@pytest.mark.parametrize("amount", [0, -5, 1001])
def test_levelup_amounts_must_fit_the_balance(register, amount):
    record = register.check(1000)
    with pytest.raises(IllegalTransition, match="LevelUp can pay"):
        register.engine.pay_levelup(record.check_id, register.code("Ada"), amount)


def test_illegal_commands_are_refused(register):
    record = register.check(1000)
    with pytest.raises(IllegalTransition, match="Use the levelup payment"):
        register.engine.pay_other(record.check_id, TenderKind.LEVELUP, 100)
    register.engine.pay_other(record.check_id, TenderKind.CREDIT, 400)
    with pytest.raises(CheckLocked):
        register.engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Tea", 1)))
    with pytest.raises(IllegalTransition, match="Only items"):
        register.engine.edit_check(record.check_id, lambda c: c.pay_cash("x", 600))
    closed = register.engine.pay_cash(record.check_id, 600)
    for command in (
        lambda: register.engine.pay_cash(closed.check_id, 100),
        lambda: register.engine.pay_levelup(closed.check_id, register.code("Ada")),
        lambda: register.engine.close_check(closed.check_id),
    ):
        with pytest.raises(IllegalTransition, match="is closed"):
            command()
    with pytest.raises(CheckNotFound):
        register.engine.check("nope")


def test_no_payment_code_is_kept_once_the_tender_is_final(register):
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert register.journal.code(tender_id) is None
    data = register.path.read_bytes()
    for customer in register.seed["customers"]:
        assert customer["payment_token_data"].encode() not in data
        assert customer["payment_token_data"][4:24].encode() not in data
    assert register.token.encode() not in data


def test_a_payment_cancelled_before_completion_charges_nothing(register):
    record = register.check(1500, 500, taxed=True)
    record, tender_id = register.engine.pay_levelup(
        record.check_id, register.code("Ada"), cancelled=lambda: True
    )
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.DECLINED
    assert record.info(tender_id).note == "Cancelled: LevelUp charged nothing."
    assert record.check.totals.balance_due == 2200
    assert register.orders() == []
    assert kinds(register, record)[-2:] == ["tender_requested", "cancelled"]


def test_history_lists_the_checks_opened_since_a_time_newest_first(register):
    first = register.engine.open_check()
    second = register.engine.open_check()
    history = register.engine.history(first.opened_at)
    assert [r.check_id for r in history] == [second.check_id, first.check_id]
    assert register.engine.history(second.opened_at + timedelta(seconds=1)) == []
