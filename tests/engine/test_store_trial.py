"""The store trial's money defects (shared/STORE-TRIAL.md, "Top defects" 1-8 and B9-B11), each
as the engine sees it. The window's side of each is in tests/ui/test_store_trial.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.app.terminal import recover_fully
from pos_app.domain import Discount, IllegalTransition, TenderKind, TenderStatus
from pos_app.engine import (
    ApprovalAction,
    ApprovalRequired,
    CheckState,
    DiscountRequest,
    EventKind,
    PaymentProblem,
    RemainderDue,
)
from tests.engine.support import MANAGER_PIN
from tests.engine.test_failures import POLICY, SETTLED, pay


def test_1_a_declined_offline_forward_leaves_the_sale_owing_and_tells_a_manager(make_register):
    register = make_register(offline=POLICY)
    register.fault(path="*", status=503)
    record, tender_id = pay(register, "Finn", 299)
    assert record.state is CheckState.CLOSED
    register.admin.delete("/sandbox/faults")
    assert register.engine.forward_offline().declined == 1
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert record.state is CheckState.BALANCE_DUE
    assert record.check.totals.balance_due == 299
    [problem] = [p for p in register.of_kind(PaymentProblem) if p.needs_manager]
    assert "owes it" in problem.message
    assert [r.check_id for r in register.engine.open_checks()] == [record.check_id]
    with pytest.raises(IllegalTransition, match="was sold and still owes"):
        register.engine.edit_check(record.check_id, lambda c: c.add_discount(Discount("X", 1)))
    record = register.engine.pay_cash(record.check_id, 500)  # collected another way
    assert record.state is CheckState.CLOSED and record.check.totals.change_due == 201


def test_2_voiding_a_payment_of_a_closed_sale_refunds_the_tip_and_never_reopens_it(register):
    record, tender_id = pay(register, "Gia", 1355)  # 15 % tip
    tender = record.tender(tender_id)
    assert (tender.amount, tender.tip) == (1355, 203)
    approval = register.approval(ApprovalAction.VOID_TENDER, tender_id)
    record = register.engine.void_tender(record.check_id, tender_id, approval)
    assert record.state is CheckState.BALANCE_DUE
    assert record.check.totals.returned == 1558  # the payment and its tip
    [refund] = [
        e for e in register.journal.events_of(record.check_id) if e["kind"] is EventKind.REFUNDED
    ]
    assert refund["data"]["returned"] == 1558
    with pytest.raises(IllegalTransition, match="its items stay as sold"):
        register.engine.edit_check(record.check_id, lambda c: c)


def test_3_a_voided_check_accepts_no_edit_and_no_payment(register):
    record = register.check(2629)
    record = register.engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    assert record.state is CheckState.VOIDED
    with pytest.raises(IllegalTransition, match="is voided: nothing on it can change"):
        register.engine.edit_check(record.check_id, lambda c: c)
    with pytest.raises(IllegalTransition, match="is voided"):
        register.engine.pay_cash(record.check_id, 100)
    assert register.engine.open_checks() == []


def test_4_an_unknown_payment_shows_what_it_asked(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v15/merchants/*", status=503)
    register.fault(path="/v14/*", status=503)
    record, tender_id = pay(register, "Gia", 1355)
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.UNKNOWN
    assert (tender.amount, tender.shown_amount) == (0, 1355)


def test_5_a_refunded_check_says_what_was_given_back_and_in_what(register):
    record = register.check(1355)
    record, _ = register.engine.pay_levelup(record.check_id, register.code("Cora"))  # $5.00
    record = register.engine.pay_cash(record.check_id, 1000)
    record = register.engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    assert record.state is CheckState.REFUNDED
    given = {t.kind: t.returned for t in record.check.tenders}
    assert given == {TenderKind.LEVELUP: 500, TenderKind.CASH: 855}
    assert record.check.totals.returned == 1355
    [voided] = [
        e
        for e in register.journal.events_of(record.check_id)
        if e["kind"] is EventKind.CHECK_VOIDED
    ]
    assert voided["data"] == {"state": "refunded", "returned": 1355}


def test_6_a_zero_check_closes_as_a_comp_with_a_reason_and_a_manager(make_register):
    register = make_register()
    record = register.check(900)
    register.engine.sign_in("mia", MANAGER_PIN)
    comp = DiscountRequest(Discount("Comp", percent=Decimal(100)), reason="cold", staff_id="mia")
    record = register.engine.give_discount(record.check_id, comp)
    assert record.check.totals.grand_total == 0
    with pytest.raises(IllegalTransition, match="close it as a comp"):
        register.engine.close_check(record.check_id)
    with pytest.raises(ApprovalRequired, match="needs a reason"):
        register.engine.comp_check(record.check_id, " ")
    with pytest.raises(ApprovalRequired, match="A manager must approve"):
        register.engine.comp_check(record.check_id, "cold food")
    approval = register.approval(ApprovalAction.COMP_CHECK, record.check_id, reason="cold food")
    record = register.engine.comp_check(record.check_id, "cold food", approval)
    assert record.state is CheckState.CLOSED
    kinds = [e["kind"] for e in register.journal.events_of(record.check_id)]
    assert kinds[-3:] == ["approval", "check_comped", "check_closed"]
    other = register.check(100)
    with pytest.raises(ApprovalRequired, match="cashier: a manager must approve"):
        register.approval(ApprovalAction.COMP_CHECK, other.check_id, staff_id="cal", pin="1357")
    lenient = make_register(comp_needs_approval=False)
    record = lenient.check(500)
    lenient.engine.sign_in("mia", MANAGER_PIN)
    record = lenient.engine.give_discount(record.check_id, comp)
    assert lenient.engine.comp_check(record.check_id, "birthday").state is CheckState.CLOSED
    with pytest.raises(IllegalTransition, match=r"comes to \$5.00"):
        lenient.engine.comp_check(lenient.check(500).check_id, "birthday")


def test_8_a_loyalty_only_partial_says_what_levelup_paid_and_discounted(register):
    record = register.check(470, taxed=True)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Eve"))
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.PARTIALLY_APPROVED
    [remainder] = register.of_kind(RemainderDue)
    assert remainder.paid == tender.amount == 0
    assert remainder.discount == 200
    assert remainder.remainder == record.check.totals.balance_due == remainder.asked


def test_unknown_payments_are_settled_once_levelup_answers_and_the_window_has_passed(register):
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record, tender_id = pay(register, "Ada", 1000)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    report = register.engine.recover()  # LevelUp answers: it has no such order, yet
    assert report.waiting_only and not report.unreachable
    waited = []

    def wait(seconds):
        waited.append(seconds)
        register.offset += timedelta(seconds=seconds + 1)

    report = recover_fully(register.engine, report, wait, now=register.clock)
    assert 0 < waited[0] <= SETTLED.total_seconds()
    assert not report.still_unknown and len(report.resolved) == 1
    assert register.engine.check(record.check_id).tender(tender_id).status is TenderStatus.DECLINED


def test_a_resolve_levelup_cannot_answer_says_so(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v15/merchants/*", status=503)
    register.fault(path="/v14/*", status=503)
    record, tender_id = pay(register, "Ada", 1000)
    approval = register.approval(ApprovalAction.RESOLVE_TENDER, tender_id)
    with pytest.raises(IllegalTransition, match="LevelUp could not be asked"):
        register.engine.reconcile(record.check_id, tender_id, approval)
    report = register.engine.recover()
    assert report.still_unknown and report.unreachable and not report.waiting_only
