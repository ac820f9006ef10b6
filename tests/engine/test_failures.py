"""Whatever fails (LevelUp, the network, the process), no approved payment is lost and no
customer is charged twice."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from pos_app.domain import TenderStatus
from pos_app.engine import (
    ApprovalAction,
    ApprovalRequired,
    CheckState,
    OfflinePolicy,
    PaymentProblem,
)

SETTLED = timedelta(seconds=61)


def pay(register, name="Ada", price=1000, **kwargs):
    record = register.check(price)
    return register.engine.pay_levelup(record.check_id, register.code(name), **kwargs)


def kinds(register, record):
    return [e["kind"] for e in register.journal.events_of(record.check_id)]


# ----- lost answers ----------------------------------------------------------------------------


def test_an_order_charged_but_unanswered_is_found_at_once(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    record, tender_id = pay(register)
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED
    assert record.state is CheckState.CLOSED
    [order] = register.orders()
    assert tender.levelup.order_uuid == order["uuid"]
    # Red team D9: the merchant view does not say what the gift card paid: not known, not 0.
    assert not tender.levelup.gift_card_known
    assert kinds(register, record)[-4:] == [
        "completion_sent",
        "unknown",
        "reconciled",
        "check_closed",
    ]


def test_an_order_lost_before_levelup_got_it_stays_unknown_until_proven_absent(register):
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    assert not record.check.can_close
    problems = register.of_kind(PaymentProblem)
    assert "Don't charge the customer again yet" in problems[0].message

    report = register.engine.recover()
    assert register.engine.check(record.check_id).tender(tender_id).status is TenderStatus.UNKNOWN
    assert report.still_unknown

    register.offset += SETTLED
    report = register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert "presumed not charged" in record.info(tender_id).note
    assert record.info(tender_id).watch_until == record.info(tender_id).sent_at + timedelta(days=1)
    assert report.resolved and not report.still_unknown
    assert register.orders() == []

    record, again = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.tender(again).status is TenderStatus.APPROVED
    assert len(register.orders()) == 1


def test_an_answer_slower_than_the_timeout_is_found_when_levelup_finishes(make_register):
    register = make_register(order_read_timeout=0.3)
    register.fault(path="/v15/completed_orders", latency_ms=800, times=1)
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    time.sleep(0.8)
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert record.state is CheckState.CLOSED
    assert len(register.orders()) == 1


def test_a_server_error_to_a_completed_order_is_settled_as_not_charged(register):
    register.fault(path="/v15/completed_orders", status=500, times=1)
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    register.offset += SETTLED
    register.engine.recover()
    assert register.engine.check(record.check_id).tender(tender_id).status is (
        TenderStatus.DECLINED
    )
    assert register.orders() == []


def test_while_levelup_cannot_be_asked_the_tender_stays_unknown(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v14/locations/*", status=503)
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    register.offset += SETTLED
    register.engine.recover()
    assert register.engine.check(record.check_id).tender(tender_id).status is (TenderStatus.UNKNOWN)
    register.admin.delete("/sandbox/faults")
    register.engine.recover()
    record = register.engine.check(record.check_id)
    assert record.tender(tender_id).status is TenderStatus.APPROVED
    assert len(register.orders()) == 1


@pytest.mark.parametrize("path", ["/v15/proposed_orders", "/v15/completed_orders"])
def test_maintenance_declines_without_charging(register, path):
    register.fault(path=path, status=503)
    record, tender_id = pay(register, "Ben")
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.DECLINED
    assert "maintenance" in record.info(tender_id).note
    assert record.check.totals.levelup_discount == 0
    assert register.orders() == []


def test_a_manager_can_ask_again_about_one_payment(register):
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record, tender_id = pay(register)
    register.offset += SETTLED
    with pytest.raises(ApprovalRequired):
        register.engine.reconcile(record.check_id, tender_id, None)
    resolve = register.approval(ApprovalAction.RESOLVE_TENDER, tender_id)
    record = register.engine.reconcile(record.check_id, tender_id, resolve)
    assert record.tender(tender_id).status is TenderStatus.DECLINED


def test_voiding_a_check_settles_unknown_payments_first(register):
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v14/locations/*", status=503, times=2)  # the client retries once
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    record = register.engine.void_check(
        record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
    )
    assert record.tender(tender_id).status is TenderStatus.REFUNDED
    assert record.state is CheckState.VOIDED


# ----- the process dies -----------------------------------------------------------------------


class Crash(BaseException):
    """The power goes: nothing after this line runs."""


class CrashingGateway:
    """The real client, with the process dying at one point of a payment."""

    def __init__(self, real: Any, moment: str) -> None:
        self.real = real
        self.moment = moment

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def propose(self, request, user_token=None):
        answer = self.real.propose(request, user_token)
        if self.moment == "after propose":
            raise Crash
        return answer

    def complete(self, request, user_token=None):
        if self.moment == "before complete":
            raise Crash
        answer = self.real.complete(request, user_token)
        if self.moment == "after complete":
            raise Crash
        return answer


@pytest.mark.parametrize(
    ("moment", "charged", "outcome"),
    [
        ("after propose", 0, TenderStatus.DECLINED),
        ("before complete", 0, TenderStatus.DECLINED),
        ("after complete", 1, TenderStatus.APPROVED),
    ],
)
def test_a_crash_at_any_step_is_settled_on_restart(register, moment, charged, outcome):
    record = register.check(1000)
    crashing = register.restart(gateway=CrashingGateway(register.client, moment))
    with pytest.raises(Crash):
        crashing.pay_levelup(record.check_id, register.code("Ada"))
    engine = register.restart()
    register.offset += SETTLED
    report = engine.recover()
    record = engine.check(record.check_id)
    [tender] = record.check.tenders
    assert tender.status is outcome
    assert len(register.orders()) == charged
    assert len(report.resolved) == 1 and not report.still_unknown
    assert record.state is (CheckState.CLOSED if charged else CheckState.TENDERING)
    assert register.journal.code(tender.tender_id) is None


# ----- offline -------------------------------------------------------------------------------

POLICY = OfflinePolicy(
    enabled=True, max_order=5000, max_total=8000, max_count=2, max_age=timedelta(hours=24)
)


@pytest.fixture
def offline(make_register):
    register = make_register(offline=POLICY)
    register.fault(path="*", status=503)
    return register


def test_offline_payments_within_the_policy_close_the_check_and_are_sent_later(offline):
    first, one = pay(offline, "Ada", 3000)
    second, two = pay(offline, "Hal", 4000)
    assert first.tender(one).status is TenderStatus.QUEUED
    assert first.state is CheckState.CLOSED and second.state is CheckState.CLOSED
    assert offline.journal.code(one) is not None
    assert [t.tender_id for _, t in offline.engine.queued()] == [one, two]

    assert offline.engine.forward_offline().still_queued == 2
    offline.admin.delete("/sandbox/faults")
    report = offline.engine.forward_offline()
    assert (report.approved, report.still_queued) == (2, 0)
    assert offline.engine.check(first.check_id).tender(one).status is TenderStatus.APPROVED
    assert offline.engine.check(second.check_id).tender(two).tip == 100
    assert offline.journal.code(one) is None and offline.journal.code(two) is None
    assert sorted(o["spend_amount"] for o in offline.orders()) == [3000, 4000]


@pytest.mark.parametrize(
    ("prices", "refused"),
    [([6000], "over the $50.00"), ([3000, 3000, 1000], "limit"), ([4000, 4500], "limit")],
)
def test_offline_limits_refuse_more(offline, prices, refused):
    for price in prices[:-1]:
        pay(offline, "Ada", price)
    record, tender_id = pay(offline, "Ada", prices[-1])
    assert record.tender(tender_id).status is TenderStatus.DECLINED
    assert refused in record.info(tender_id).note


def test_offline_is_off_by_default(register):
    register.fault(path="*", status=503)
    record, tender_id = pay(register)
    assert record.tender(tender_id).status is TenderStatus.DECLINED


def test_stale_offline_payments_expire_for_a_manager(offline):
    record, tender_id = pay(offline, "Ada", 1000)
    offline.admin.delete("/sandbox/faults")
    offline.offset += timedelta(hours=25)
    report = offline.engine.forward_offline()
    assert report.expired == 1
    assert offline.engine.check(record.check_id).tender(tender_id).status is TenderStatus.DECLINED
    [problem] = [p for p in offline.of_kind(PaymentProblem) if p.needs_manager]
    assert "waited longer than the store allows" in problem.message
    assert offline.orders() == []


@pytest.mark.parametrize(
    ("name", "field", "status"),
    [
        ("Finn", "declined", TenderStatus.DECLINED),
        ("Cora", "partially_approved", TenderStatus.PARTIALLY_APPROVED),
    ],
)
def test_offline_payments_levelup_refuses_go_to_a_manager(offline, name, field, status):
    record, tender_id = pay(offline, name, 1000)
    offline.admin.delete("/sandbox/faults")
    report = offline.engine.forward_offline()
    assert getattr(report, field) == 1
    assert offline.engine.check(record.check_id).tender(tender_id).status is status
    assert [p for p in offline.of_kind(PaymentProblem) if p.needs_manager]


def test_a_queued_payment_can_be_voided_before_it_is_sent(offline):
    record, tender_id = pay(offline, "Ada", 1000)
    record = offline.engine.void_tender(
        record.check_id, tender_id, offline.approval(ApprovalAction.VOID_TENDER, tender_id)
    )
    assert record.tender(tender_id).status is TenderStatus.DECLINED  # cancelled, not charged
    assert "nothing was charged" in record.info(tender_id).note
    assert record.state is CheckState.BALANCE_DUE
    assert offline.journal.code(tender_id) is None
    assert offline.engine.queued() == []


def test_journal_pending_holds_back_an_installer_until_the_queue_is_sent(
    offline, capsys, monkeypatch
):
    from pos_app import cli

    data = ["journal", "pending", "--data-dir", str(offline.path.parent)]
    assert cli.main(data) == 0
    assert "No unfinished or queued payments" in capsys.readouterr().out
    pay(offline, "Ada", 3000)
    assert cli.main(data) == cli.ExitCode.PENDING
    said = capsys.readouterr().err
    assert "1 payment is not finished (1 queued)" in said
    assert "levelup-pos recover" in said
    offline.admin.delete("/sandbox/faults")
    offline.engine.forward_offline()
    assert cli.main(data) == 0
    assert cli.main(["journal", "pending", "--data-dir", str(offline.path.parent / "none")]) == 0
    assert "nothing is pending" in capsys.readouterr().out


def test_a_lost_answer_is_found_even_after_the_register_was_renamed(register):
    from dataclasses import replace as changed

    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v14/locations/*/orders", status=500, times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.tender(tender_id).status is TenderStatus.UNKNOWN
    engine = register.restart()
    engine.settings = changed(engine.settings, register="front-9")  # renamed in Settings
    report = engine.recover()
    assert report.still_unknown == []
    assert engine.check(record.check_id).tender(tender_id).status is TenderStatus.APPROVED


def test_a_lost_answer_is_never_matched_to_another_checks_order(register, monkeypatch):
    """Red team D1: two checks with one number (a restored journal, a second process), the
    same register and spend. Bob's order must not settle Alice's lost payment."""
    monkeypatch.setattr(register.journal, "next_identifier", lambda day: "2612030007")
    bob = register.check(974)
    bob, bobs = register.engine.pay_levelup(bob.check_id, register.code("Ada"))
    assert bob.tender(bobs).status is TenderStatus.APPROVED
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    alice = register.check(974)
    assert alice.check.identifier == bob.check.identifier
    alice, alices = register.engine.pay_levelup(alice.check_id, register.code("Ada"))
    assert alice.tender(alices).status is TenderStatus.UNKNOWN
    register.offset += SETTLED
    register.engine.recover()
    alice = register.engine.check(alice.check_id)
    assert alice.tender(alices).status is TenderStatus.DECLINED
    assert alice.tender(alices).levelup.order_uuid is None
    assert len(register.orders()) == 1


class Hostile:
    """LevelUp's client, its completed orders' answers changed by ``change`` (a proxy that
    lies, as the red team's did)."""

    def __init__(self, real, change) -> None:
        self.real, self.change = real, change

    def __getattr__(self, name):
        return getattr(self.real, name)

    def complete(self, request, user_token=None):
        return self.change(self.real.complete(request, user_token))


def test_an_answer_claiming_ten_times_the_spend_is_not_believed(register):
    """Red team D20: the payment is looked up instead, and LevelUp's real order recorded."""
    register.restart(
        Hostile(
            register.client, lambda o: o.model_copy(update={"spend_amount": o.spend_amount * 10})
        )
    )
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    tender = record.tender(tender_id)
    assert tender.status is TenderStatus.APPROVED and tender.amount == 1000
    assert "unknown" in kinds(register, record)  # not believed: looked up
    assert tender.levelup.order_uuid == register.orders()[0]["uuid"]


def test_an_answer_reusing_another_payments_order_is_not_believed(register):
    first = register.check(500)
    first, first_tender = register.engine.pay_levelup(first.check_id, register.code("Ada"))
    held = first.tender(first_tender).levelup.order_uuid
    register.restart(Hostile(register.client, lambda o: o.model_copy(update={"uuid": held})))
    second = register.check(700)
    second, second_tender = register.engine.pay_levelup(second.check_id, register.code("Ada"))
    found = second.tender(second_tender).levelup.order_uuid
    assert second.tender(second_tender).status is TenderStatus.APPROVED
    assert found != held and sorted([held, found]) == sorted(o["uuid"] for o in register.orders())


def test_an_order_uuid_that_would_steer_the_request_is_never_sent(register):
    from pos_app.levelup.errors import ConfigurationError

    for uuid in ("../../sandbox/seed", "a/b", "%2e%2e", ""):
        with pytest.raises(ConfigurationError, match="not a LevelUp order uuid"):
            register.client.order_details(1, uuid)
        with pytest.raises(ConfigurationError):
            register.client.refund(uuid)
