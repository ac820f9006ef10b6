"""Voids and refunds: a manager's approval, whole-order refunds, and voided checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pos_app.domain import TenderKind, TenderStatus
from pos_app.engine import ApprovalAction, ApprovalRequired, CheckState, IllegalTransition

VOID_TENDER = ApprovalAction.VOID_TENDER
VOID_CHECK = ApprovalAction.VOID_CHECK


def paid_with_levelup(register, name="Dev", price=2500):
    record = register.check(price)
    return register.engine.pay_levelup(record.check_id, register.code(name))


def test_voiding_a_levelup_tender_refunds_the_whole_order(register):
    record, tender_id = paid_with_levelup(register)  # $3 discount, $20 gift card, card
    assert record.state is CheckState.CLOSED
    approval = register.approval(VOID_TENDER, tender_id)
    record = register.engine.void_tender(record.check_id, tender_id, approval)
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    # store trial defect 2: the sale is not reopened for editing, it owes the money again
    assert record.state is CheckState.BALANCE_DUE
    assert record.check.is_locked is False and not record.state.editable
    assert record.check.totals.levelup_discount == 0
    assert record.check.totals.balance_due == 2500
    dev = register.customer("Dev")
    assert (dev["discount_amount"], dev["gift_card_amount"], dev["card_charged_amount"]) == (
        300,
        2000,
        0,
    )
    assert register.orders()[0]["refunded_at"] is not None
    [logged] = [e for e in register.journal.events_of(record.check_id) if e["kind"] == "approval"]
    assert logged["data"]["manager"] == "Mia (mia)"
    assert logged["data"]["reason"] == "customer changed their mind"


def test_a_cashier_without_a_valid_approval_is_refused(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    check_id = record.check_id
    void = register.engine.void_tender

    def refused(message, approval_of):
        with pytest.raises(ApprovalRequired, match=message):
            void(check_id, tender_id, approval_of())

    refused("A manager must approve this", lambda: None)
    refused("for something else", lambda: register.approval(VOID_CHECK, check_id))
    refused(
        "for something else",
        lambda: register.approval(VOID_TENDER, "another", check_id=check_id),
    )
    refused("needs a reason", lambda: register.approval(VOID_TENDER, tender_id, reason=" "))
    refused("Wrong PIN", lambda: register.approval(VOID_TENDER, tender_id, pin="0000"))
    refused(
        "a cashier: a manager must approve",
        lambda: register.approval(VOID_TENDER, tender_id, staff_id="cal", pin="1357"),
    )
    forged = replace(register.approval(VOID_TENDER, tender_id), approval_id="made-up")
    refused("not given at this register", lambda: forged)
    # a real approval for another tender, retargeted: refused as well
    other = register.check(500)
    other = register.engine.pay_cash(other.check_id, 500)
    [other_cash] = other.check.tenders
    retargeted = replace(register.approval(VOID_TENDER, other_cash.tender_id), target=tender_id)
    refused("not given at this register", lambda: retargeted)
    stale = register.approval(VOID_TENDER, tender_id)
    register.offset += timedelta(hours=1)
    refused("expired", lambda: stale)
    assert register.orders()[0]["refunded_at"] is None
    refusals = [e for e in register.journal.events_of(check_id) if e["kind"] == "approval_refused"]
    assert len(refusals) == 2  # the wrong PIN and the cashier: an audit trail


def test_an_approval_is_good_for_one_use(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    register.fault(path="/v15/orders/*/refund", status=422, times=1)
    approval = register.approval(VOID_TENDER, tender_id)
    record = register.engine.void_tender(record.check_id, tender_id, approval)
    assert record.tender(tender_id).status is TenderStatus.APPROVED  # LevelUp refused it
    with pytest.raises(ApprovalRequired, match="used already"):
        register.engine.void_tender(record.check_id, tender_id, approval)


def test_voiding_cash_needs_no_levelup_but_does_need_a_manager(register):
    record = register.check(1000)
    record = register.engine.pay_cash(record.check_id, 1000)
    [cash] = record.check.tenders
    record = register.engine.void_tender(
        record.check_id, cash.tender_id, register.approval(VOID_TENDER, cash.tender_id)
    )
    assert record.tender(cash.tender_id).status is TenderStatus.VOID
    assert record.check.totals.balance_due == 1000


def test_voiding_a_check_voids_every_payment_on_it(register):
    record = register.check(2000)
    record, _ = register.engine.pay_levelup(record.check_id, register.code("Ada"), 1200)
    record = register.engine.pay_other(record.check_id, TenderKind.CREDIT, 800)
    assert record.state is CheckState.CLOSED
    record = register.engine.void_check(
        record.check_id, register.approval(VOID_CHECK, record.check_id)
    )
    assert record.state is CheckState.REFUNDED  # it was sold: store trial defect 5
    assert {t.status for t in record.check.tenders} == {TenderStatus.REFUNDED, TenderStatus.VOID}
    assert record.check.totals.returned == 2000
    assert register.orders()[0]["refunded_at"] is not None
    with pytest.raises(IllegalTransition, match="already refunded"):
        register.engine.void_check(record.check_id, register.approval(VOID_CHECK, record.check_id))


def test_an_empty_check_can_be_voided(register):
    record = register.check(500)
    record = register.engine.void_check(
        record.check_id, register.approval(VOID_CHECK, record.check_id)
    )
    assert record.state is CheckState.VOIDED


def test_what_cannot_be_voided(register):
    record = register.check(1000)
    record, declined = register.engine.pay_levelup(record.check_id, register.code("Finn"))
    with pytest.raises(IllegalTransition, match="declined and cannot be voided"):
        register.engine.void_tender(
            record.check_id, declined, register.approval(VOID_TENDER, declined)
        )
    with pytest.raises(IllegalTransition, match="nothing to check"):
        register.engine.reconcile(
            record.check_id,
            declined,
            register.approval(ApprovalAction.RESOLVE_TENDER, declined),
        )


def test_a_refund_levelup_refuses_is_reported_and_the_payment_stands(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    register.fault(path="/v15/orders/*/refund", status=422, times=1)
    record = register.engine.void_tender(
        record.check_id, tender_id, register.approval(VOID_TENDER, tender_id)
    )
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert record.state is CheckState.CLOSED
    assert register.orders()[0]["refunded_at"] is None


def test_a_refund_whose_answer_is_lost_is_confirmed_at_levelup(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    register.fault(path="/v15/orders/*/refund", drop="after_commit", times=1)
    record = register.engine.void_tender(
        record.check_id, tender_id, register.approval(VOID_TENDER, tender_id)
    )
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    kinds = [e["kind"] for e in register.journal.events_of(record.check_id)]
    assert kinds[-3:] == ["refund_sent", "refunded", "balance_due"]


def test_a_refund_lost_before_levelup_got_it_is_sent_again(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    register.fault(path="/v15/orders/*/refund", drop="before_commit", times=1)
    record = register.engine.void_tender(
        record.check_id, tender_id, register.approval(VOID_TENDER, tender_id)
    )
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    assert register.orders()[0]["refunded_at"] is not None


def test_an_already_refunded_order_counts_as_refunded(register):
    record, tender_id = paid_with_levelup(register, "Ada", 1000)
    order_uuid = record.tender(tender_id).levelup.order_uuid
    register.client.refund(order_uuid)  # refunded behind the register's back
    record = register.engine.void_tender(
        record.check_id, tender_id, register.approval(VOID_TENDER, tender_id)
    )
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
