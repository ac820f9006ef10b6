"""Business days and the Z report that closes one: checks after it belong to the next day, a
day closes once, a day not come yet cannot close, a manager approves, and a restart keeps it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.engine import (
    AUDITED,
    DAY_TARGET,
    ApprovalAction,
    ApprovalRequired,
    DayAlreadyClosed,
    EngineError,
    EventKind,
    local_day,
)
from tests.engine.support import CASHIER_PIN, MANAGER_PIN
from tests.engine.test_drawer import at_noon


def close_approval(register, staff_id="mia", pin=MANAGER_PIN):
    return register.engine.approve(
        None, ApprovalAction.CLOSE_DAY, DAY_TARGET, staff_id=staff_id, pin=pin, reason="Z"
    )


def close(register, day=None, approval=None):
    days = register.engine.days
    return days.close(
        day or days.closable(),
        approval or close_approval(register),
        lambda number, now: {"number": number, "at": now.isoformat()},
    )


def test_a_z_report_moves_new_checks_to_the_next_day_and_is_kept_across_a_restart(register):
    at_noon(register)
    today = local_day(register.clock())
    before = register.check(500)
    assert before.check.identifier == f"{today:%y%m%d}0001"
    closed = close(register)
    assert (closed.day, closed.number, closed.taken_by) == (today, 1, "Mia (mia)")
    assert closed.document == {"number": 1, "at": closed.at.isoformat()}
    after = register.check(700)
    tomorrow = today + timedelta(days=1)
    assert after.check.identifier == f"{tomorrow:%y%m%d}0001"
    assert register.engine.days.today() == tomorrow
    assert register.engine.days.day_of(before.opened_at) == today
    assert register.engine.days.day_of(after.opened_at) == tomorrow

    engine = register.restart()
    assert engine.days.closed_day(today) == closed
    assert engine.days.today() == tomorrow
    assert engine.open_check().check.identifier == f"{tomorrow:%y%m%d}0002"
    trail = register.journal.audit_trail(AUDITED)
    assert [e["kind"] for e in trail][-2:] == ["approval", "day_closed"]


def test_a_day_closes_once_and_a_day_not_come_yet_not_at_all(register):
    at_noon(register)
    today = local_day(register.clock())
    close(register)
    with pytest.raises(DayAlreadyClosed, match="cannot be taken twice"):
        close(register)  # the default day is still today: tomorrow has not come
    with pytest.raises(EngineError, match="has not come yet"):
        close(register, today + timedelta(days=1))
    register.offset += timedelta(days=1)  # the next day comes
    assert close(register).number == 2


def test_only_a_manager_closes_the_day_and_each_approval_once(register):
    at_noon(register)
    with pytest.raises(ApprovalRequired, match="a manager must approve"):
        close_approval(register, staff_id="cal", pin=CASHIER_PIN)
    approval = close_approval(register)
    wrong = register.engine.approve(
        None, ApprovalAction.VIEW_REPORTS, DAY_TARGET, staff_id="mia", pin=MANAGER_PIN, reason="x"
    )
    with pytest.raises(ApprovalRequired, match="something else"):
        close(register, approval=wrong)
    assert register.engine.days.closed() == []
    close(register, approval=approval)
    register.offset += timedelta(days=1)
    with pytest.raises(ApprovalRequired):
        close(register, approval=approval)
    kinds = [e["kind"] for e in register.journal.audit_trail(frozenset({EventKind.DAY_CLOSED}))]
    assert kinds == ["day_closed"]


def test_seeing_the_reports_uses_up_a_managers_approval_on_the_audit_trail(register):
    approval = register.engine.approve(
        None, ApprovalAction.VIEW_REPORTS, DAY_TARGET, staff_id="mia", pin=MANAGER_PIN, reason="x"
    )
    register.engine.days.open_reports(approval)
    with pytest.raises(ApprovalRequired):
        register.engine.days.open_reports(approval)
    with pytest.raises(ApprovalRequired):
        register.engine.days.open_reports(close_approval(register))
    seen = register.journal.audit_trail(frozenset({EventKind.APPROVAL}))
    assert [e["data"]["action"] for e in seen] == ["view_reports"]
