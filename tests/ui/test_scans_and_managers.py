"""Scans whatever has focus, scans during dialogs, and manager functions behind a PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.domain import TenderStatus
from pos_app.engine import CheckState
from pos_app.host.secrets import MERCHANT_TOKEN
from pos_app.ui.dialogs import CashDialog, ManagerDialog
from pos_app.ui.history import HistoryDialog, matches
from pos_app.ui.payment import LevelUpDialog

BURGER_UPC = "012345678905"


def test_a_product_barcode_scan_adds_its_item(cashier):
    cashier.type_fast(BURGER_UPC)
    cashier.settle()
    assert [i.name for i in cashier.record.check.items] == ["Burger"]
    cashier.type_fast("999999999999")
    assert "not a LevelUp code or a product barcode" in cashier.window.message.text()


def test_a_wedge_scan_never_types_into_the_cash_field(cashier):
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    cash.amount.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is cash.amount)
    cashier.type_slowly("20")  # a person types the amount
    assert cash.amount.text() == "20"
    cashier.type_fast(cashier.code("Ada Card"))  # a customer scans meanwhile
    QTest.qWait(100)
    assert cash.amount.text() == "20"  # unchanged, and Enter did not take the cash
    assert cash.isVisible()
    assert len(cashier.window.pending_scans) == 1
    assert "Scan waiting" in cashier.window.message.text()
    cashier.click(cash.ok)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.totals.change_due == 1026
    # the queued scan is handled after the dialog: nothing is due, which is said
    cashier.wait(lambda: not cashier.window.pending_scans)
    assert cashier.window.message.text() == "Nothing is due: add items first."


def test_a_scan_during_a_dialog_is_handled_after_it(cashier):
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    cashier.scan_customer("Ada Card")
    QTest.qWait(100)
    assert list(cashier.window.pending_scans)
    assert cashier.record.check.tenders == ()
    cashier.click(cashier.button(cash, "Cancel"))
    payment = cashier.dialog(LevelUpDialog)  # the waiting scan pays once the dialog is gone
    cashier.wait(lambda: payment.state == "answered")
    assert cashier.record.state is CheckState.CLOSED


def test_keys_typed_by_a_person_reach_the_search_field(cashier):
    cashier.window.menu.search.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is cashier.window.menu.search)
    cashier.type_slowly("cof")
    assert cashier.window.menu.search.text() == "cof"
    tiles = [t.objectName() for t in cashier.window.menu.items_area.tiles]
    assert tiles == ["item:Coffee"]
    QTest.keyClick(cashier.window.menu.search, Qt.Key.Key_Return)  # Enter adds the one match
    cashier.settle()
    assert [i.name for i in cashier.record.check.items] == ["Coffee"]
    assert cashier.window.menu.search.text() == ""


def test_a_manager_voids_a_levelup_payment_after_a_wrong_pin(cashier):
    cashier.tap_item("Burger")
    cashier.scan_customer("Ada Card")
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: payment.state == "answered")
    cashier.click(cashier.button(payment, "Done"))
    cashier.wait(lambda: not cashier.window.dialogs)
    tree = cashier.window.check_view.tree
    [row] = [
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if "LevelUp" in tree.topLevelItem(i).text(0)
    ]
    tree.setCurrentItem(row)
    cashier.click(cashier.window.tenders.void_payment)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "1234")
    cashier.wait(lambda: manager.error.text() not in ("", "Checking…"))
    assert manager.error.text() == "Wrong PIN."
    assert manager.isVisible()
    assert manager.pin.text() == ""
    [tender] = cashier.record.check.tenders
    assert tender.status is TenderStatus.APPROVED
    manager.pin.setText("9999")
    cashier.click(manager.ok)
    cashier.wait(lambda: cashier.record.check.tenders[0].status is TenderStatus.REFUNDED)
    [order] = cashier.orders()
    assert order["refunded_at"] is not None
    trail = cashier.session.terminal.journal.events_of(cashier.record.check_id)
    kinds = [e["kind"] for e in trail]
    assert "approval_refused" in kinds
    assert "approval" in kinds
    # What the register wrote (journal, settings, logs) holds neither code nor token in clear.
    terminal = cashier.session.terminal
    written = b"".join(f.read_bytes() for f in terminal.paths.data_dir.rglob("*") if f.is_file())
    assert cashier.code("Ada Card").encode() not in written
    assert terminal.secrets.get(MERCHANT_TOKEN).encode() not in written


def test_a_manager_refunds_a_closed_check_from_history(cashier):
    cashier.tap_item("Salad")
    cashier.click(cashier.window.tenders.cash)
    cashier.click(cashier.button(cashier.dialog(CashDialog), "Exact"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    identifier = cashier.record.check.identifier
    cashier.till.new_check()
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: bool(history.records))
    history.search.setText(identifier[-4:])
    assert history.table.rowCount() == 1
    history.search.setText("no such check")
    assert history.table.rowCount() == 0
    history.search.setText("")
    history.table.selectRow(0)
    cashier.click(history.refund)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: history.records and history.records[0].state is CheckState.REFUNDED)
    assert history.records[0].check.identifier == identifier
    assert cashier.till.record is None  # the screen stays as it was


def test_an_unknown_payment_is_settled_by_itself_or_by_a_manager(cashier):
    """Store trial B11: the cashier is not stuck with an unknown payment. While LevelUp cannot
    be asked, a manager's Resolve says so; once it answers, the register finds the order by
    itself and the payment dialog shows the answer."""
    cashier.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    cashier.fault(path="/v14/*", status=503)
    cashier.fault(path="/v15/merchants/*", status=503)
    cashier.tap_item("Burger")
    cashier.scan_customer("Ada Card")
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: payment.state == "answered")
    assert cashier.record.check.tenders[0].status is TenderStatus.UNKNOWN
    assert payment.title.text() == "Outcome not known yet"
    assert payment.prompt.text().startswith("$9.74 asked, outcome unknown: checking with LevelUp")
    cashier.wait(lambda: cashier.till.watch.health.unknown == 1)
    assert cashier.window.status.unknown.property("role") == "bad"
    assert not cashier.window.tenders.cash.isEnabled()  # no second tender while it may be paid
    row = cashier.window.check_view.tree.topLevelItem(1)
    assert row is not None and row.text(2) == "$9.74"  # store trial A4: never $0.00
    cashier.click(cashier.button(payment, "Done"))
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: bool(history.records))
    history.table.selectRow(0)
    cashier.click(history.resolve)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "LevelUp could not be asked" in cashier.window.message.text())
    cashier.click(cashier.button(history, "Close"))
    cashier.admin.clear_faults()
    cashier.till.watch.settle()  # what its timer does every few seconds
    cashier.wait(lambda: cashier.record.check.tenders[0].status is TenderStatus.APPROVED)
    cashier.wait(lambda: "LevelUp answered about check" in cashier.window.message.text())
    cashier.wait(lambda: cashier.till.watch.health.unknown == 0)
    assert cashier.window.status.unknown.property("role") == ""
    assert len(cashier.orders()) == 1  # found, never charged twice


def test_the_history_search_finds_checks_by_number_amount_and_time(cashier):
    cashier.tap_item("Coffee")
    record = cashier.record
    local = record.opened_at.astimezone()
    assert matches(record, record.check.identifier)
    assert matches(record, "2.99")  # $2.75 + tax
    assert matches(record, "$2.99")
    assert matches(record, local.strftime("%H:%M"))
    assert not matches(record, "7777777")


def test_escape_never_closes_a_payment_in_progress(cashier):
    cashier.fault(path="/v15/completed_orders", latency_ms=800, times=1)
    cashier.tap_item("Burger")
    cashier.scan_customer("Ada Card")
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: not payment.cancel.isEnabled())  # the completed order is on its way
    QTest.keyClick(payment, Qt.Key.Key_Escape)
    assert payment.isVisible()
    cashier.wait(lambda: payment.state == "answered")
    assert cashier.record.state is CheckState.CLOSED
