"""Returns of a closed sale's items, LevelUp payments of part of a check, and who paid: the
engine against the real sandbox and journal."""

from __future__ import annotations

from typing import Any

import pytest

from pos_app.domain import Check, InvalidQuantity, LineItem, TenderKind, TenderStatus
from pos_app.engine import AUDITED, ApprovalAction, ApprovalRequired, CheckState, IllegalTransition
from pos_app.engine.payers import TRIES

RETURN = ApprovalAction.RETURN_ITEMS


def sale(register, *, credit: int = 1000):
    """A closed sale: 3 burgers at $8.99 and fries at $3.50, taxed at 10 %; paid $10.00 by
    credit, the rest in cash (a $50 note). Discounts' shares: tests/domain/test_returns.py."""
    record = register.engine.open_check()

    def ring(check: Check) -> Check:
        check = check.add_item(LineItem("Burger", 899, quantity=3, tax_class="food"))
        return check.add_item(LineItem("Fries", 350, tax_class="food"))

    record = register.engine.edit_check(record.check_id, ring)
    assert record.check.totals.grand_total == 3352  # 3047 + 305 tax
    record = register.engine.pay_other(record.check_id, TenderKind.CREDIT, credit)
    record = register.engine.pay_cash(record.check_id, 5000)
    assert record.state is CheckState.CLOSED
    return record


def give_back(register, record, units: dict[int, int], **approval: Any):
    check_id = record.check_id
    return register.engine.return_items(
        check_id, units, register.approval(RETURN, check_id, check_id=check_id, **approval)
    )


def test_returned_items_give_back_their_share_with_tax_by_the_newest_payment(register):
    record = sale(register)
    cash, credit = record.check.tenders[1], record.check.tenders[0]
    record = give_back(register, record, {1: 1})
    totals = record.check.totals
    # a burger, and its share of the tax: 305 × 899 / 3047, in whole cents
    assert (totals.returned_items, totals.returned_tax) == (899, 89)
    assert record.tender(cash.tender_id).given_back == 988  # the newest payment first
    assert record.tender(credit.tender_id).given_back == 0
    assert (totals.returned, totals.balance_due, totals.overpaid) == (988, 0, 0)
    assert record.state is CheckState.CLOSED  # still a sale, with a return
    assert record.check.item(1).returned == 1
    assert totals.change_due == 5000 - 2352  # the change handed over is as it was

    [event] = [
        e for e in register.journal.events_of(record.check_id) if e["kind"] == "items_returned"
    ]
    data = event["data"]
    assert data["lines"] == [{"line_id": 1, "name": "Burger", "quantity": 1}]
    assert (data["items"], data["tax"], data["total"]) == (899, 89, 988)
    assert data["given_back"] == [
        {"tender_id": cash.tender_id, "tender_kind": "cash", "amount": 988}
    ]
    assert data["manager"] == "Mia (mia)"
    audited = [e["kind"] for e in register.journal.audit_trail(AUDITED)]
    assert audited[-2:] == ["approval", "items_returned"]

    # the rest, at once: it spans the cash and then the credit, and comes to the whole sale
    record = give_back(register, record, {1: 2, 2: 1})
    totals = record.check.totals
    assert totals.taken_back == 3352 and totals.returned == 3352
    assert record.tender(cash.tender_id).given_back == 2352
    assert record.tender(credit.tender_id).given_back == 1000
    assert totals.balance_due == 0 and record.state is CheckState.CLOSED
    assert register.restart().check(record.check_id) == record  # as the journal rebuilds it


def test_a_line_is_never_returned_beyond_its_quantity(register):
    record = sale(register)
    check_id = record.check_id
    approval = register.approval(RETURN, check_id, check_id=check_id)
    with pytest.raises(InvalidQuantity, match="3 of Burger can be returned, not 4"):
        register.engine.return_items(check_id, {1: 4}, approval)
    with pytest.raises(InvalidQuantity, match="Choose the items"):
        register.engine.return_items(check_id, {1: 0}, approval)
    record = register.engine.return_items(check_id, {1: 2}, approval)  # the approval was kept
    with pytest.raises(InvalidQuantity, match=r"1 of Burger can be returned, not 2 \(2 of 3"):
        give_back(register, record, {1: 2})
    record = give_back(register, record, {1: 1, 2: 1})
    with pytest.raises(IllegalTransition, match=r"Every item on check .* was returned already"):
        give_back(register, record, {2: 1})
    assert [e["kind"] for e in register.journal.events_of(check_id)].count("items_returned") == 2


def test_a_return_needs_a_managers_approval_of_that_check(register):
    record = sale(register)
    check_id = record.check_id
    other = sale(register)

    def refused(message, approval):
        with pytest.raises(ApprovalRequired, match=message):
            register.engine.return_items(check_id, {2: 1}, approval)

    refused("A manager must approve", None)
    refused("for something else", register.approval(RETURN, other.check_id))
    refused("for something else", register.approval(ApprovalAction.VOID_CHECK, check_id))
    with pytest.raises(ApprovalRequired, match="a cashier: a manager must approve"):
        register.approval(RETURN, check_id, staff_id="cal", pin="1357")
    assert register.engine.check(check_id).check.totals.returned == 0


def test_only_a_closed_sale_returns_items(register):
    record = register.check(500)
    approval = register.approval(RETURN, record.check_id)
    with pytest.raises(IllegalTransition, match=r"Only the items of a closed sale .* is open"):
        register.engine.return_items(record.check_id, {1: 1}, approval)


def test_a_levelup_check_is_refunded_whole_not_item_by_item(register):
    record = register.check(1000, 500)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.state is CheckState.CLOSED
    assert "whole-order only" in record.why_not_returnable()
    with pytest.raises(IllegalTransition, match="whole-order only"):
        give_back(register, record, {1: 1})
    refund = register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    record = register.engine.void_check(record.check_id, refund)
    assert record.state is CheckState.REFUNDED
    assert record.tender(tender_id).status is TenderStatus.REFUNDED


def test_voiding_a_payment_after_a_return_owes_only_what_the_customer_kept(register):
    record = sale(register)
    cash = record.check.tenders[1]
    record = give_back(register, record, {1: 1})  # $9.88 of the cash went back
    approval = register.approval(ApprovalAction.VOID_TENDER, cash.tender_id)
    record = register.engine.void_tender(record.check_id, cash.tender_id, approval)
    voided = record.tender(cash.tender_id)
    assert voided.status is TenderStatus.VOID and voided.returned == voided.amount  # $23.52
    assert record.state is CheckState.BALANCE_DUE
    assert record.check.totals.balance_due == 3352 - 988 - 1000  # the goods kept, less credit
    record = register.engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    assert record.state is CheckState.REFUNDED
    assert record.check.totals.returned == 3352  # every cent, once


# ----- LevelUp pays part; who paid -----------------------------------------------------------


def name_payers(engine) -> int:
    """What the window does after a LevelUp answer: ask LevelUp off the engine's lane, then
    journal the names on it."""
    return engine.record_payers(engine.ask_payers())


class Counting:
    """The LevelUp client, with the calls the engine makes of it written down."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.client, name)


def test_two_customers_split_a_check_and_each_payment_says_who_paid(register):
    gateway = Counting(register.client)
    engine = register.restart(gateway)
    record = register.check(1000, 1001)
    record, first = engine.pay_levelup(record.check_id, register.code("Ada"), 1000)
    assert record.tender(first).status is TenderStatus.APPROVED
    assert record.check.totals.balance_due == 1001 and record.state is CheckState.TENDERING
    record, second = engine.pay_levelup(record.check_id, register.code("Gia"))
    assert record.state is CheckState.CLOSED
    assert "order_details" not in gateway.calls  # nothing more on the payments' path
    assert record.info(first).payer == record.info(second).payer == ""

    assert name_payers(engine) == 2
    record = engine.check(record.check_id)
    assert (record.info(first).payer, record.info(second).payer) == ("Ada C.", "Gia T.")
    assert gateway.calls.count("order_details") == 2
    assert name_payers(engine) == 0 and gateway.calls.count("order_details") == 2
    named = [e for e in register.journal.events_of(record.check_id) if e["kind"] == "payer_named"]
    assert [e["data"]["payer"] for e in named] == ["Ada C.", "Gia T."]
    assert register.restart().check(record.check_id) == record


def test_payments_approved_before_a_restart_are_named_after_its_recovery(register):
    record = register.check(700)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ben"))
    engine = register.restart()
    assert name_payers(engine) == 0  # nothing wanted in this process yet
    engine.recover()  # at every start: the last day's payments are looked at
    assert name_payers(engine) == 1
    assert engine.check(record.check_id).info(tender_id).payer == "Ben D."


def test_a_name_levelup_cannot_tell_yet_is_asked_again_then_given_up(register):
    record = register.check(700)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Hal"))
    register.fault(path="/v15/merchants/*", status=503)
    for _ in range(TRIES - 1):
        assert name_payers(register.engine) == 0
    register.admin.delete("/sandbox/faults")
    assert name_payers(register.engine) == 1
    assert register.engine.check(record.check_id).info(tender_id).payer == "Hal T."

    record = register.check(700)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Eve"))
    register.fault(path="/v15/merchants/*", status=503)
    for _ in range(TRIES):
        assert name_payers(register.engine) == 0
    register.admin.delete("/sandbox/faults")
    assert name_payers(register.engine) == 0  # given up: the payment stays as it is
    assert register.engine.check(record.check_id).info(tender_id).payer == ""


def test_a_payment_found_after_its_answer_was_lost_brings_its_payer(register):
    gateway = Counting(register.client)
    engine = register.restart(gateway)
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    record = register.check(900)
    record, tender_id = engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.tender(tender_id).status is TenderStatus.APPROVED  # found at LevelUp
    assert record.info(tender_id).payer == "Ada C."  # from the order the search found
    asked = gateway.calls.count("order_details")
    assert name_payers(engine) == 0 and gateway.calls.count("order_details") == asked
