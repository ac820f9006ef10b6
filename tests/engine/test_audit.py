"""Sign-ins and sensitive actions leave an audit trail; roles decide who may do what."""

from __future__ import annotations

import io
import json
import sys

import pytest

from pos_app import cli
from pos_app.domain import TenderStatus
from pos_app.engine import SETTINGS_TARGET, ApprovalAction, ApprovalRequired, EventKind
from pos_app.engine.staff import AccessDenied, Role
from pos_app.host.secrets import open_secret_store
from pos_app.journal.staff import SqliteStaff
from tests.engine.support import CASHIER_PIN, MANAGER_PIN


def test_sign_ins_are_audited_right_or_wrong(register):
    member = register.engine.sign_in("cal", CASHIER_PIN)
    assert member.role is Role.CASHIER
    with pytest.raises(AccessDenied, match="Wrong PIN"):
        register.engine.sign_in("cal", "0000")
    with pytest.raises(AccessDenied, match="That staff id cannot sign in here"):
        register.engine.sign_in(CASHIER_PIN, CASHIER_PIN)  # the PIN typed in both fields
    trail = register.journal.audit_trail(frozenset({EventKind.SIGN_IN, EventKind.SIGN_IN_REFUSED}))
    assert [(e["kind"], e["data"]["staff_id"]) for e in trail] == [
        ("sign_in", "cal"),
        ("sign_in_refused", "cal"),
        ("sign_in_refused", "(unknown id)"),
    ]
    assert all(e["check_id"] == "" for e in trail)
    assert CASHIER_PIN not in json.dumps([e["data"] for e in trail])


def test_a_cashier_cannot_resolve_an_unknown_payment(register):
    register.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert register.engine.unfinished() == {TenderStatus.UNKNOWN: 1}
    with pytest.raises(ApprovalRequired, match="a cashier"):
        register.approval(ApprovalAction.RESOLVE_TENDER, tender_id, staff_id="cal", pin=CASHIER_PIN)
    approval = register.approval(
        ApprovalAction.RESOLVE_TENDER, tender_id, staff_id="mia", pin=MANAGER_PIN
    )
    register.engine.reconcile(record.check_id, tender_id, approval)


def test_the_audit_export_lists_every_sensitive_action(register, tmp_path, monkeypatch, capsys):
    register.engine.sign_in("mia", MANAGER_PIN)
    record = register.check(1000)
    record = register.engine.pay_cash(record.check_id, 1000)
    [cash] = record.check.tenders
    with pytest.raises(ApprovalRequired):
        register.approval(ApprovalAction.VOID_TENDER, cash.tender_id, pin="9999")
    register.engine.void_tender(
        record.check_id,
        cash.tender_id,
        register.approval(ApprovalAction.VOID_TENDER, cash.tender_id),
    )
    # the journal command reads the same file, with the register's own secret store
    data_dir = register.path.parent
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    open_secret_store(data_dir).set("journal-key", register.key.decode())
    register.journal.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["journal", "audit", "--data-dir", str(data_dir)]) == 0
    kinds = [json.loads(line)["kind"] for line in capsys.readouterr().out.splitlines()]
    assert kinds == ["sign_in", "approval_refused", "approval", "voided", "balance_due"]
    register.journal = type(register.journal)(register.path, register.key, "3")


def test_staff_directory_is_shared_with_the_register(register):
    assert [m.staff_id for m in SqliteStaff(register.journal).members()] == ["cal", "mia"]


def test_a_settings_change_needs_an_admin_and_is_audited(register):
    SqliteStaff(register.journal).add("ann", "Ann", Role.ADMIN, "8642")
    with pytest.raises(ApprovalRequired, match="Mia is a manager: an admin must approve"):
        register.engine.approve(
            None,
            ApprovalAction.CHANGE_SETTINGS,
            SETTINGS_TARGET,
            staff_id="mia",
            pin=MANAGER_PIN,
            reason="new scanner",
        )
    with pytest.raises(ApprovalRequired):
        register.engine.confirm_settings_change(None, "scanner.url")
    approval = register.engine.approve(
        None,
        ApprovalAction.CHANGE_SETTINGS,
        SETTINGS_TARGET,
        staff_id="ann",
        pin="8642",
        reason="new scanner",
    )
    register.engine.confirm_settings_change(approval, "scanner.url")
    with pytest.raises(ApprovalRequired, match="used already"):
        register.engine.confirm_settings_change(approval, "scanner.url")
    trail = register.journal.audit_trail(
        frozenset({EventKind.APPROVAL, EventKind.APPROVAL_REFUSED})
    )
    assert [(e["kind"], e["data"]["action"]) for e in trail] == [
        ("approval_refused", "change_settings"),
        ("approval", "change_settings"),
    ]
    assert trail[1]["data"]["changes"] == "scanner.url"
    assert all(e["check_id"] == "" for e in trail)
