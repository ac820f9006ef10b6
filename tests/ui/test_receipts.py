"""Receipts in the register window, against the embedded sandbox, a real journal, the fake
network printer and a mail server on loopback: the choice after a payment (print, email, no
receipt, Enter, Escape, a scan), the drawer opened for cash, a printer that is off or slow,
the status bar, and reprints, emails and refund receipts from History."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit

from pos_app.domain import TenderKind, format_cents
from pos_app.engine import CheckState
from pos_app.ui.dialogs import CashDialog, ManagerDialog
from pos_app.ui.history import HistoryDialog
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.receipt_flow import NO_EMAIL, NO_PRINTER
from tests.fake_printer import FakePrinter, Printout
from tests.receipts.test_mail import MailServer
from tests.ui.conftest import register_window

BURGER_UPC = "012345678905"
CUSTOMER = "ada.lovelace@example.com"


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.stop()


def receipts(printer: FakePrinter) -> list[Printout]:
    return [p for p in printer.printed() if not p.drawer_kicks]


def kicks(printer: FakePrinter) -> list[Printout]:
    return [p for p in printer.printed() if p.drawer_kicks]


def pay_cash(cashier, amount: str = "20") -> None:
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    cash.amount.setText(amount)
    cashier.click(cash.ok)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)


def pay_card(cashier) -> None:
    cashier.till.pay_other(TenderKind.CREDIT, cashier.record.check.totals.balance_due)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)


def quiet(cashier, ms: int = 400) -> None:
    """Let the queues run a while, so a second printout would have come."""
    cashier.qtbot.wait(ms)


def test_cash_opens_the_drawer_and_enter_prints_the_receipt_once(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Burger")
        pay_cash(cashier)
        cashier.wait(lambda: bool(kicks(printer)))
        assert kicks(printer)[0].drawer_kicks == [2]  # printer.drawer_pin's default
        choice = cashier.dialog(ReceiptDialog)
        assert choice.default_button is choice.print_button  # receipts.default = print
        assert choice.print_button.isDefault() and choice.focusWidget() is choice.print_button
        assert not choice.email_button.isEnabled()
        assert choice.email_button.toolTip() == NO_EMAIL
        assert choice.detail.text() == "Change $10.26"
        cashier.wait(lambda: "data:image/png;base64," in choice.preview.text())
        assert receipts(printer) == []  # nothing prints before the cashier says so
        QTest.keyClick(choice, Qt.Key.Key_Return)
        cashier.wait(lambda: bool(receipts(printer)))
        quiet(cashier)
        (receipt,) = receipts(printer)
        record = cashier.record
        assert record.check.identifier in receipt.barcodes
        assert "$9.74" in receipt.text and "$10.26" in receipt.text
        assert len(kicks(printer)) == 1
        cashier.wait(lambda: cashier.window.status.printer.text() == "Printer: ready")
        assert cashier.window.message.text() == (
            f"Check {record.check.identifier}: Receipt printing."
        )
        assert not cashier.window.dialogs


def test_no_receipt_and_escape_print_nothing_and_a_card_opens_no_drawer(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Burger")
        pay_cash(cashier)
        QTest.keyClick(cashier.dialog(ReceiptDialog), Qt.Key.Key_Escape)
        cashier.wait(lambda: not cashier.window.dialogs)
        cashier.tap_item("Fries")
        pay_card(cashier)
        cashier.click(cashier.dialog(ReceiptDialog).none_button)
        cashier.wait(lambda: not cashier.window.dialogs)
        quiet(cashier)
        assert receipts(printer) == []
        assert len(kicks(printer)) == 1  # the cash sale's only
        assert "closed" in cashier.window.message.text()  # the cashier's line is left alone


def test_a_scan_while_the_choice_waits_is_not_lost_and_means_no_receipt(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Fries")
        pay_card(cashier)
        paid = cashier.record.check_id
        cashier.dialog(ReceiptDialog)
        cashier.type_fast(BURGER_UPC)  # the next customer's burger
        cashier.wait(lambda: cashier.record.check_id != paid)
        cashier.settle()
        assert [i.name for i in cashier.record.check.items] == ["Burger"]
        assert not cashier.window.dialogs
        quiet(cashier)
        assert printer.printed() == []


def test_after_a_levelup_payment_the_choice_waits_for_its_answer_to_be_read(
    qtbot, tmp_path, printer
):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Burger")
        cashier.click(cashier.window.tenders.levelup)
        payment = cashier.dialog(LevelUpDialog)
        cashier.scan_customer("Ada Card")
        cashier.wait(lambda: payment.state == "answered")
        quiet(cashier)
        assert cashier.window.dialogs == [payment]  # its answer is read first
        cashier.click(cashier.button(payment, "Done"))
        choice = cashier.dialog(ReceiptDialog)
        assert choice.detail.text() == "Paid $9.74"
        cashier.click(choice.print_button)
        cashier.wait(lambda: bool(receipts(printer)))
        assert "LevelUp" in receipts(printer)[0].text
        assert kicks(printer) == []  # no cash, no drawer


def test_with_ask_off_the_default_is_done_without_asking(qtbot, tmp_path, printer):
    with register_window(
        qtbot, tmp_path, printer__url=printer.url, receipts__ask="false"
    ) as cashier:
        cashier.tap_item("Burger")
        pay_card(cashier)
        cashier.wait(lambda: bool(receipts(printer)))
        assert not cashier.window.dialogs
        quiet(cashier)
        assert len(receipts(printer)) == 1


def test_a_printer_that_is_off_keeps_the_receipt_waiting_until_it_is_back(qtbot, tmp_path, printer):
    printer.stop()
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        status = cashier.window.status.printer
        cashier.tap_item("Burger")
        pay_cash(cashier)
        choice = cashier.dialog(ReceiptDialog)
        cashier.wait(lambda: "use its key" in choice.note.text())  # the drawer did not open
        cashier.click(choice.print_button)
        cashier.wait(lambda: status.text().startswith("Printer: 1 waiting — "))
        assert status.text() == "Printer: 1 waiting — refused the connection"
        assert status.property("role") == "bad"
        assert "switched on" in status.toolTip()
        assert "use its key" in cashier.window.message.text()
        printer.start()
        cashier.click(status)  # try again now, not in 5 seconds
        cashier.wait(lambda: bool(receipts(printer)), timeout=4000)
        cashier.wait(lambda: status.text() == "Printer: ready")
        quiet(cashier)
        assert len(receipts(printer)) == 1
        assert kicks(printer) == []  # a kick that failed is never done later


def test_the_window_answers_while_a_slow_printer_prints(qtbot, tmp_path, printer):
    printer.read_delay = 3
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start(50)
        cashier.tap_item("Burger")
        pay_cash(cashier)
        cashier.click(cashier.dialog(ReceiptDialog).print_button)
        cashier.wait(lambda: not cashier.window.dialogs)
        started = len(ticks)
        cashier.tap_item("Fries")  # the next customer, while the printer takes its time
        assert cashier.record.check.items[0].name == "Fries"
        assert printer.jobs == []  # nothing has reached the printer yet
        cashier.wait(lambda: len(receipts(printer)) == 1, timeout=20_000)
        timer.stop()
        gaps = [b - a for a, b in zip(ticks[started:], ticks[started + 1 :], strict=False)]
        assert len(gaps) > 40 and max(gaps) < 0.5  # the GUI thread never waited on it


def test_email_goes_to_the_customer_and_the_address_is_seen_nowhere(qtbot, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    server = MailServer(tmp_path, "none")
    server.start()
    try:
        with register_window(
            qtbot,
            tmp_path,
            email__host="127.0.0.1",
            email__port=str(server.port),
            email__security="none",
            email__sender="receipts@adas-cafe.example",
            receipts__default="email",
        ) as cashier:
            cashier.tap_item("Burger")
            pay_card(cashier)
            choice = cashier.dialog(ReceiptDialog)
            assert not choice.print_button.isEnabled()
            assert choice.print_button.toolTip() == NO_PRINTER
            assert choice.asking_address and choice.focusWidget() is choice.address
            choice.address.setText("ada@")
            cashier.click(choice.send)
            assert choice.error.text().startswith("That is not an email address")
            assert not choice.gives_way_to_scan()  # a scan now waits for the address
            choice.address.setText(CUSTOMER)
            cashier.click(choice.send)
            cashier.wait(lambda: len(server.received()) == 1)
            (message,) = server.received()
            assert message["To"] == CUSTOMER
            assert cashier.record.check.identifier in message["Subject"]
            said = cashier.window.message
            cashier.wait(lambda: "a•••@e•••.com" in said.text())
            cashier.wait(lambda: cashier.window.status.email.text() == "Email: ready")

            cashier.click(cashier.window.tenders.history_button)  # once more, from History
            history = cashier.dialog(HistoryDialog)
            cashier.wait(lambda: bool(history.records))
            history.table.selectRow(0)
            assert not history.reprint.isEnabled() and history.reprint.toolTip() == NO_PRINTER
            cashier.click(history.email)
            again = cashier.dialog(ReceiptDialog)
            assert again.print_button.isHidden() and again.none_button.text() == "Cancel"
            again.address.setText(CUSTOMER)
            QTest.keyClick(again, Qt.Key.Key_Return)
            cashier.wait(lambda: len(server.received()) == 2)
            cashier.wait(lambda: "a•••@e•••.com" in history.told.text())
            assert_nowhere(CUSTOMER, caplog)
    finally:
        server.stop()


def assert_nowhere(address: str, caplog) -> None:
    """Not in any widget's text, tooltip, status tip or name, nor in what the register logged."""
    local = address.split("@")[0]
    for widget in QApplication.allWidgets():
        texts = [widget.toolTip(), widget.statusTip(), widget.objectName(), widget.windowTitle()]
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        assert not any(local in text for text in texts), widget
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("pos_app"))
    assert local not in logged


def test_history_reprints_and_a_refund_offers_its_receipt(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Burger")
        pay_cash(cashier)
        cashier.click(cashier.dialog(ReceiptDialog).none_button)
        identifier = cashier.record.check.identifier
        cashier.click(cashier.window.tenders.history_button)
        history = cashier.dialog(HistoryDialog)
        cashier.wait(lambda: bool(history.records))
        history.table.selectRow(0)
        assert not history.email.isEnabled() and history.email.toolTip() == NO_EMAIL
        cashier.click(history.reprint)
        cashier.wait(lambda: history.told.text() == "Receipt printing.")
        cashier.wait(lambda: bool(receipts(printer)))
        (reprint,) = receipts(printer)
        assert "REPRINT" in reprint.text and identifier in reprint.barcodes

        cashier.click(history.refund)
        cashier.enter_pin(cashier.dialog(ManagerDialog), "9", "9999")
        offer = cashier.dialog(ReceiptDialog)
        assert offer.detail.text() == "Give back $9.74 cash"
        assert offer.email_button.isHidden() and offer.preview_area.isHidden()
        cashier.wait(lambda: len(kicks(printer)) == 2)  # the sale's cash, then the refund's
        cashier.click(offer.print_button)
        cashier.wait(lambda: len(receipts(printer)) == 2)
        refund = receipts(printer)[1]
        assert "REFUND" in refund.text and f"Give back cash {format_cents(974)}" in refund.text
        assert cashier.window.dialogs == [history]
        quiet(cashier)
        assert len(receipts(printer)) == 2
