"""Paying by email through the engine: a customer's user token pays exactly as a scanned code
does (approval, partial approval, discount, decline, lost answers, voids, cancel), is never
accepted offline, and is never journaled, nor is the customer's email."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from pos_app.domain import TenderKind, TenderStatus
from pos_app.engine import ApprovalAction, CheckState, OfflinePolicy, PaymentProblem
from pos_app.levelup import CustomerToken
from pos_app.receipts.mail import mask_email
from tests.engine.test_failures import POLICY


def by_email(register, name: str) -> CustomerToken:
    """The customer's own token (every permission), as an accepted request would grant."""
    customer = register.customer(name)
    return CustomerToken(SecretStr(customer["access_token"]), mask_email(customer["email"]))


def pay(register, name="Ada", price=1000, **kwargs):
    record = register.check(price)
    return register.engine.pay_levelup(record.check_id, by_email(register, name), **kwargs)


def kinds(register, record) -> list[str]:
    return [e["kind"] for e in register.journal.events_of(record.check_id)]


def test_a_customer_pays_the_whole_check_by_email(register):
    record, tender_id = pay(register, "Ada", 2200)
    tender = record.tender(tender_id)
    assert (tender.kind, tender.status, tender.amount) == (
        TenderKind.LEVELUP,
        TenderStatus.APPROVED,
        2200,
    )
    assert record.state is CheckState.CLOSED
    assert record.info(tender_id).by_email == "a•••@c•••.example"
    [order] = register.orders()
    assert order["uuid"] == tender.levelup.order_uuid
    assert order["identifier_from_merchant"] == record.check.identifier
    assert kinds(register, record)[-5:] == [
        "tender_requested",
        "proposed",
        "completion_sent",
        "approved",
        "check_closed",
    ]
    [requested] = [
        e for e in register.journal.events_of(record.check_id) if e["kind"] == "tender_requested"
    ]
    assert requested["data"]["by_email"] == "a•••@c•••.example"
    assert "code" not in requested["data"]


def test_a_gift_card_customer_is_partly_approved_and_the_rest_is_taken_in_cash(register):
    record, tender_id = pay(register, "Cora", 1000)
    tender = record.tender(tender_id)
    assert (tender.status, tender.amount, tender.levelup.gift_card_amount) == (
        TenderStatus.PARTIALLY_APPROVED,
        500,
        500,
    )
    record = register.engine.pay_cash(record.check_id, 500)
    assert record.state is CheckState.CLOSED


def test_the_customers_credit_is_taken_as_a_discount_before_tax(register):
    record, tender_id = pay(register, "Ben", 2000)
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED
    assert (tender.levelup.discount_amount, tender.amount) == (500, 1500)
    assert record.state is CheckState.CLOSED


def test_a_declined_card_declines_the_payment_by_email(register):
    record, tender_id = pay(register, "Finn", 1000)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    [problem] = register.of_kind(PaymentProblem)
    assert problem.message == "The customer's card was declined. Ask for another payment method."
    assert register.orders() == []


def test_a_token_levelup_refuses_declines_with_words_for_the_customer(register):
    record = register.check(1000)
    stale = CustomerToken(SecretStr("1-not-a-token-of-anyone"), "a•••@c•••.example")
    record, tender_id = register.engine.pay_levelup(record.check_id, stale)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert "did not accept the customer's permission" in record.info(tender_id).note
    assert register.orders() == []


def test_a_lost_answer_is_found_at_levelup_as_for_a_scan(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    record, tender_id = pay(register, "Ada", 1000)
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED
    [order] = register.orders()
    assert tender.levelup.order_uuid == order["uuid"]
    assert "unknown" in kinds(register, record)


def test_an_answer_lost_before_levelup_got_it_stays_unknown_then_is_settled(register):
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record, tender_id = pay(register, "Ada", 1000)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    from datetime import timedelta

    register.offset = timedelta(seconds=61)  # past the settle window
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert register.orders() == []


def test_a_payment_by_email_is_voided_and_refunded_whole(register):
    record, tender_id = pay(register, "Dev", 2500)
    approval = register.approval(ApprovalAction.VOID_TENDER, tender_id)
    record = register.engine.void_tender(record.check_id, tender_id, approval)
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    assert register.orders()[0]["refunded_at"] is not None


def test_cancelled_before_the_completed_order_nothing_is_charged(register):
    record, tender_id = pay(register, "Ada", 1000, cancelled=lambda: True)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert register.orders() == []


@pytest.mark.parametrize("path", ["/v15/proposed_orders", "/v15/completed_orders"])
def test_a_payment_by_email_is_never_accepted_offline(make_register, path):
    register = make_register(offline=POLICY)
    assert isinstance(POLICY, OfflinePolicy) and POLICY.enabled
    register.fault(path=path, status=503)
    record, tender_id = pay(register, "Ada", 1000)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert register.journal.code(tender_id) is None
    assert register.engine.queued() == []
    assert register.orders() == []


def test_neither_the_user_token_nor_the_email_is_journaled(register):
    pay(register, "Ada", 1000)
    pay(register, "Cora", 1000)
    register.journal.close()
    data = register.path.read_bytes()
    for journal in register.path.parent.glob("journal.sqlite3*"):
        data += journal.read_bytes()
    register.journal = type(register.journal)(register.path, register.key, "3")
    for customer in register.admin.get("/sandbox/customers").json():
        assert customer["access_token"].encode() not in data
        assert customer["email"].encode() not in data
        assert customer["email"].split("@")[0].encode() not in data
