"""Cases a review found where money could be lost, doubled or stuck; each stays fixed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from pydantic import SecretStr

from pos_app.domain import Check, LevelUpDetail, LineItem, Tender, TenderKind, TenderStatus
from pos_app.engine import (
    ApprovalAction,
    CheckState,
    Engine,
    EngineSettings,
    IllegalTransition,
    OfflinePolicy,
    PaymentProblem,
)
from pos_app.journal.staff import SqliteStaff
from pos_app.levelup.client import ClientConfig, LevelUpClient
from tests.engine.support import MANAGER_PIN, TAXES, Register

SETTLED = timedelta(seconds=61)


def status(register, record, tender_id):
    return register.engine.check(record.check_id).tender(tender_id).status


def lost_after_charge(register, name="Ada", price=1000):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v14/locations/*", status=500, times=1)
    record = register.check(price)
    return register.engine.pay_levelup(record.check_id, register.code(name))


def test_a_listing_that_fails_midway_proves_nothing_absent(register):
    first = lost_after_charge(register, "Ada")
    second = lost_after_charge(register, "Gia")
    assert len(register.orders()) == 2
    register.offset += SETTLED
    register.fault(path="/v14/locations/*", status=500, times=1)
    register.engine.recover()
    assert status(register, *first) is TenderStatus.UNKNOWN
    assert status(register, *second) is TenderStatus.UNKNOWN
    register.engine.recover()
    assert status(register, *first) is TenderStatus.APPROVED
    assert status(register, *second) is TenderStatus.APPROVED


def test_no_other_payment_is_taken_while_one_is_being_confirmed(make_register):
    register = make_register(order_read_timeout=0.3)
    register.fault(path="/v15/completed_orders", latency_ms=800, times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    for pay in (
        lambda: register.engine.pay_levelup(record.check_id, register.code("Ada")),
        lambda: register.engine.pay_cash(record.check_id, 1000),
        lambda: register.engine.pay_other(record.check_id, TenderKind.CREDIT, 1000),
    ):
        with pytest.raises(IllegalTransition, match="still being confirmed"):
            pay()
    time.sleep(0.8)
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert record.state is CheckState.CLOSED
    assert len(register.orders()) == 1


def test_a_payment_found_after_its_check_was_voided_is_refunded(make_register):
    register = make_register(order_read_timeout=0.3)
    register.fault(path="/v15/completed_orders", latency_ms=800, times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    record = register.engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    assert record.void_requested and record.state is CheckState.TENDERING
    with pytest.raises(IllegalTransition, match="being voided"):
        register.engine.pay_cash(record.check_id, 1000)
    time.sleep(0.8)
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    assert record.state is CheckState.VOIDED
    assert register.orders()[0]["refunded_at"] is not None


def test_an_offline_payment_whose_forwarding_was_lost_waits_again(make_register):
    policy = OfflinePolicy(enabled=True, max_order=5000, max_total=8000, max_count=2)
    register = make_register(offline=policy)
    register.fault(path="*", status=503)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    register.admin.delete("/sandbox/faults")
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    register.engine.forward_offline()
    register.offset += SETTLED
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.QUEUED
    assert record.check.totals.balance_due == 0
    assert register.journal.code(tender_id) is not None
    assert register.engine.forward_offline().approved == 1
    assert len(register.orders()) == 1


def test_a_refund_levelup_refuses_on_resending_is_reported_not_stuck(server, tmp_path):
    server.reset()
    register = Register(server, tmp_path)
    other = register.seed["merchants"][1]  # refunds need the manager code 87168
    client = LevelUpClient(
        ClientConfig(
            base_url=server.url,
            retries=1,
            backoff=0,
            merchant_token=SecretStr(other["access_token"]),
        )
    )
    engine = Engine(
        register.journal,
        client,
        EngineSettings(location_id=30, merchant_id=2, register="3", tax_table=TAXES),
        clock=register.clock,
        staff=SqliteStaff(register.journal, register.clock),
    )
    problems: list[PaymentProblem] = []
    engine.subscribe(lambda e: problems.append(e) if isinstance(e, PaymentProblem) else None)
    record = engine.open_check()
    record = engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Lunch", 1000)))
    record, tender_id = engine.pay_levelup(record.check_id, register.code("Ada"))
    register.fault(path="/v15/orders/*/refund", drop="before_commit", times=1)
    approval = engine.approve(
        record.check_id,
        ApprovalAction.VOID_TENDER,
        tender_id,
        staff_id="mia",
        pin=MANAGER_PIN,
        reason="wrong item",
    )
    record = engine.void_tender(record.check_id, tender_id, approval, manager_confirmation="87168")
    record = engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert "Manager confirmation" in record.info(tender_id).note
    assert [p for p in problems if p.needs_manager]
    kinds = [e["kind"] for e in register.journal.events_of(record.check_id)]
    assert kinds[-1] == "refund_failed"
    client.close()
    register.close()


def test_two_orders_that_both_fit_are_left_to_a_manager(server, tmp_path):
    server.reset()
    first = Register(server, tmp_path / "a")  # two registers both named "3" (a setup mistake)
    second = Register(server, tmp_path / "b")
    record = first.check(1000)
    first.engine.pay_levelup(record.check_id, first.code("Ada"))
    second.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    record = second.check(1000)
    assert record.check.identifier == "2611230001" or record.check.identifier.endswith("0001")
    record, tender_id = second.engine.pay_levelup(record.check_id, second.code("Ada"))
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    assert [
        p
        for p in second.of_kind(PaymentProblem)
        if p.needs_manager and "more than one" in p.message
    ]
    second.offset += SETTLED
    second.engine.recover()
    assert status(second, record, tender_id) is TenderStatus.UNKNOWN
    first.close()
    second.close()


def test_money_levelup_took_is_recorded_even_beyond_the_total():
    check = (
        Check("x1")
        .add_item(LineItem("Tea", 500))
        .add_tender(
            Tender("t", TenderKind.LEVELUP, 0, TenderStatus.UNKNOWN, levelup=LevelUpDetail())
        )
    )
    paid = Tender("t", TenderKind.LEVELUP, 700, TenderStatus.APPROVED, levelup=LevelUpDetail())
    with pytest.raises(Exception, match="more than"):
        check.replace_tender(paid)
    recorded = check.replace_tender(paid, allow_overpayment=True)
    assert recorded.totals.overpaid == 200
    assert recorded.totals.balance_due == 0
