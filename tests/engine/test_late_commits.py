"""Red team D2: LevelUp commits an order after the register presumed it not charged. The
payment is looked for again for a day; the order found is attached to its tender and raised
to a manager, who keeps it (the check still owes it) or refunds it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from pos_app.domain import TenderStatus
from pos_app.engine import (
    ApprovalAction,
    ApprovalRequired,
    CheckState,
    IllegalTransition,
    PaymentProblem,
)
from pos_app.engine.late import LOOK_EVERY

SETTLED = timedelta(seconds=61)
LATENCY = 2.0
"""How long after the register gave up the sandbox commits the order."""


def presumed_not_charged(register):
    """A payment whose answer is lost, declined as not charged once the settle window (the
    register's clock moved on) passed while the sandbox had not committed yet."""
    register.fault(path="/v15/completed_orders", latency_ms=int(LATENCY * 1000), times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    register.offset += SETTLED
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert record.watched and register.orders() == []
    time.sleep(LATENCY + 0.5)  # the sandbox commits it, late
    assert len(register.orders()) == 1
    return record, tender_id


def test_a_late_commit_is_found_raised_to_a_manager_and_kept(make_register):
    register = make_register(order_read_timeout=0.3)
    record, tender_id = presumed_not_charged(register)
    register.offset += LOOK_EVERY
    report = register.engine.recover()
    record = register.engine.check(record.check_id)
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.CHARGED_LATE
    assert tender.levelup.order_uuid == register.orders()[0]["uuid"]
    assert record.check.totals.paid == 0  # it counts for nothing until a manager decides
    assert "charged late" in report.resolved[-1]
    [problem] = [
        p for p in register.of_kind(PaymentProblem) if "charged this payment late" in p.message
    ]
    assert problem.needs_manager
    assert record in register.engine.needing_attention()

    with pytest.raises(ApprovalRequired):
        register.engine.keep_late_payment(record.check_id, tender_id, None)
    approval = register.approval(ApprovalAction.RESOLVE_TENDER, tender_id)
    record = register.engine.keep_late_payment(record.check_id, tender_id, approval)
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert record.state is CheckState.CLOSED
    assert record not in register.engine.needing_attention()


def test_a_late_commit_on_a_check_paid_again_is_refunded(make_register):
    register = make_register(order_read_timeout=0.3)
    record, tender_id = presumed_not_charged(register)
    record = register.engine.pay_cash(record.check_id, 1000)  # the cashier took it again
    assert record.state is CheckState.CLOSED
    register.offset += LOOK_EVERY
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.CHARGED_LATE

    approval = register.approval(ApprovalAction.RESOLVE_TENDER, tender_id)
    with pytest.raises(IllegalTransition, match=r"would overpay it\. Refund it instead"):
        register.engine.keep_late_payment(record.check_id, tender_id, approval)
    approval = register.approval(ApprovalAction.VOID_TENDER, tender_id)
    record = register.engine.void_tender(record.check_id, tender_id, approval)
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    assert register.orders()[0]["refunded_at"] is not None
    assert record.state is CheckState.CLOSED
    assert record.check.totals.paid == 1000 and record.check.totals.returned == 0
    assert not record.unsettled and not record.watched


def never_charged(register):
    """A payment LevelUp never got, declined as presumed not charged and watched."""
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    register.offset += SETTLED
    register.engine.recover()
    assert register.engine.check(record.check_id).watched
    return record, tender_id


def test_the_watch_ends_a_day_after_the_payment_was_sent(register):
    record, tender_id = never_charged(register)
    register.engine.pay_cash(record.check_id, 1000)  # closed, and still watched
    assert any(r.check_id == record.check_id for r in register.journal.unsettled())

    register.offset += timedelta(hours=12)
    register.engine.recover()
    assert register.engine.check(record.check_id).watched  # still looked for

    register.offset += timedelta(hours=13)
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert not record.watched and record.tender(tender_id).status is TenderStatus.DECLINED
    assert "absent for a day" in str(register.journal.events_of(record.check_id)[-1])
    assert all(r.check_id != record.check_id for r in register.journal.unsettled())


def test_a_running_register_looks_again_only_every_few_minutes(register):
    never_charged(register)
    register.fault(path="/v14/locations/*/orders", status=500)
    report = register.engine.recover()  # within LOOK_EVERY: LevelUp is not asked
    assert not report.unreachable
