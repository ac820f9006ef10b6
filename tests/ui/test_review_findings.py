"""Regression tests for what a review of the cashier window found."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from pos_app.domain import TenderStatus
from pos_app.engine import ApprovalAction, CheckState, EventKind
from pos_app.host.settings import set_settings
from pos_app.ui.diagnostics import bundle_of
from pos_app.ui.dialogs import ManagerDialog
from pos_app.ui.history import HistoryDialog
from pos_app.ui.launch import open_settings
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.settings_screen import SettingsDialog


def test_quick_taps_add_to_one_check(cashier):
    burger = cashier.window.findChild(QPushButton, "item:Burger")
    assert burger is not None
    for _ in range(3):  # faster than the engine lane answers
        QTest.mouseClick(burger, Qt.MouseButton.LeftButton)
    cashier.settle()
    assert [(i.name, i.quantity) for i in cashier.record.check.items] == [("Burger", 3)]
    assert len(cashier.session.terminal.engine.history(cashier.record.opened_at)) == 1


def test_a_refund_from_history_leaves_the_check_being_rung_up_on_screen(cashier):
    cashier.tap_item("Salad")
    cashier.till.pay_cash(1000)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    refunded = cashier.record
    cashier.tap_item("Burger")  # the next customer's check
    current = cashier.record
    assert current.check_id != refunded.check_id
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: len(history.records) == 2)
    row = [r.check_id for r in history.records].index(refunded.check_id)
    history.table.selectRow(row)
    cashier.click(history.refund)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: history.records[row].state is CheckState.REFUNDED)
    assert cashier.record.check_id == current.check_id
    cashier.click(cashier.button(history, "Close"))
    cashier.tap_item("Fries")
    assert [i.name for i in cashier.record.check.items] == ["Burger", "Fries"]


def test_a_fast_typed_number_is_never_logged_or_bundled(cashier):
    cashier.type_fast("98765432")  # a badge reader, or a PIN typed very fast
    cashier.settle()
    assert not any("98765432" in line for line in cashier.session.scanner_log)
    assert "unknown code, 8 characters" in cashier.session.scanner_log[-1]
    assert "98765432" not in bundle_of(cashier.session, {})
    assert "98765432" not in cashier.window.message.text()


def test_the_scanner_is_back_after_a_test_even_when_settings_closed(cashier):
    terminal = cashier.session.terminal
    terminal.config = set_settings(terminal.paths, {}, {"scanner.url": "fake://?codes="})
    cashier.session.open_scanner(terminal.config.scanner.url)
    assert cashier.session.scanner is not None
    open_settings(cashier.session)
    settings = cashier.dialog(SettingsDialog)
    settings.scanner_url.setEditText("fake://?codes=&interval=0.05")
    settings.test_seconds = 0.5
    cashier.click(settings.test)
    assert cashier.session.scanner is None  # the device is lent to the test
    settings.reject()
    cashier.wait(lambda: cashier.session.scanner is not None, timeout=20_000)


def test_a_new_scan_after_a_decline_tries_again(cashier):
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Finn Declined")
    cashier.wait(lambda: payment.state == "answered")
    cashier.scan_customer("Ada Card")  # the customer tries another account
    cashier.wait(lambda: payment.state == "answered" and payment.title.text() == "Approved")
    assert [t.status for t in cashier.record.check.tenders] == [
        TenderStatus.DECLINED,
        TenderStatus.APPROVED,
    ]
    cashier.scan_customer("Ada Card")  # once more: nothing is due, nothing is charged
    assert payment.error.text() == "Nothing is due: that scan was not used."
    assert len(cashier.orders()) == 1
    cashier.click(cashier.button(payment, "Done"))
    cashier.wait(lambda: not cashier.window.dialogs)
    assert not cashier.window.pending_scans


def test_a_refused_settings_approval_stays_off_the_check(cashier):
    cashier.tap_item("Burger")
    window = cashier.window
    manager = window.operations.approve_then(
        None, ApprovalAction.CHANGE_SETTINGS, "settings", "x", print
    )
    cashier.enter_pin(manager, "1", "1111")
    cashier.wait(lambda: "an admin must approve" in manager.error.text())
    kinds = [e["kind"] for e in cashier.session.terminal.journal.events_of(cashier.record.check_id)]
    assert "approval_refused" not in kinds
    trail = cashier.session.terminal.journal.audit_trail(frozenset({EventKind.APPROVAL_REFUSED}))
    assert [e["check_id"] for e in trail] == [""]


def test_a_manager_cannot_cancel_while_the_pin_is_checked(cashier):
    cashier.tap_item("Burger")
    manager = cashier.window.operations.approve_then(
        cashier.record.check_id,
        ApprovalAction.VOID_CHECK,
        cashier.record.check_id,
        "Void",
        lambda approval: cashier.till.void_check(cashier.record.check_id, approval),
    )
    cashier.enter_pin(manager, "9", "9999")
    assert not manager.cancel.isEnabled()
    manager.reject()  # Escape while checking
    cashier.wait(lambda: cashier.record.state is CheckState.VOIDED)
