"""The cash drawer in the register window: a no-sale with its reason, cash paid out with a
manager's approval, the drawer opened and its slip printed at the fake printer, what the
drawer should hold today, and a register without a printer telling to use the key."""

from __future__ import annotations

from PySide6.QtGui import QAction

from pos_app.app.printing import NO_PRINTER_DRAWER
from pos_app.domain import format_cents
from pos_app.engine import EventKind
from pos_app.ui.dialogs import ManagerDialog, ReasonDialog
from pos_app.ui.drawer_dialog import CashMoveDialog, DrawerCashDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from tests.ui.conftest import register_window
from tests.ui.test_receipts import kicks, pay_cash, printer, receipts

__all__ = ["printer"]  # the fake printer fixture


def drawer_action(cashier, text: str) -> None:
    """Choose ``text`` in More… → Drawer."""
    [drawer] = [
        a.menu()
        for a in cashier.window.tenders.more_actions.actions()
        if a.text() == "Drawer" and a.menu() is not None
    ]
    [action] = [a for a in drawer.actions() if isinstance(a, QAction) and a.text() == text]
    action.trigger()


def audited(cashier, kind: EventKind) -> list[dict]:
    return cashier.session.terminal.journal.audit_trail(frozenset({kind}))


def test_a_no_sale_needs_a_reason_is_audited_opens_the_drawer_and_prints_a_slip(
    qtbot, tmp_path, printer
):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        drawer_action(cashier, "No sale…")
        reason = cashier.dialog(ReasonDialog)
        cashier.click(reason.ok)
        assert reason.error.text() == "Choose or type the reason."
        reason.reason.setCurrentText("Change for a customer")
        cashier.click(reason.ok)
        cashier.wait(lambda: bool(kicks(printer)) and bool(receipts(printer)))
        (slip,) = receipts(printer)
        assert "NO SALE" in slip.text and "Change for a customer" in slip.text
        (event,) = audited(cashier, EventKind.NO_SALE)
        assert event["data"]["reason"] == "Change for a customer"
        assert event["data"]["staff_id"] == "1"
        assert cashier.window.message.text() == (
            "No sale recorded (Change for a customer): the drawer opens."
        )


def test_cash_paid_out_needs_a_manager_then_opens_the_drawer_and_prints_its_slip(
    qtbot, tmp_path, printer
):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        drawer_action(cashier, "Paid out…")
        paying = cashier.dialog(CashMoveDialog)
        paying.reason.setCurrentText("Milk for the coffee")
        cashier.click(paying.ok)
        assert "amount" in paying.error.text()  # nothing typed
        paying.amount.setText("25")
        cashier.click(paying.ok)
        manager = cashier.dialog(ManagerDialog)
        cashier.enter_pin(manager, "1", "1111")  # the cashier may not approve it
        cashier.wait(lambda: bool(manager.error.text()) and manager.error.text() != "Checking…")
        assert manager.isVisible() and audited(cashier, EventKind.PAID_OUT) == []
        assert printer.printed() == []
        cashier.enter_pin(manager, "9", "9999")
        cashier.wait(lambda: bool(kicks(printer)) and bool(receipts(printer)))
        (slip,) = receipts(printer)
        assert "PAID OUT" in slip.text and "$25.00" in slip.text
        assert "Milk for the coffee" in slip.text
        (event,) = audited(cashier, EventKind.PAID_OUT)
        assert event["data"]["amount"] == 2500 and event["data"]["manager"]
        assert "Paid out $25.00 recorded (Milk for the coffee)" in cashier.window.message.text()


def test_drawer_cash_shows_what_the_drawer_should_hold_today(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        cashier.tap_item("Burger")
        pay_cash(cashier)  # $9.74 taken, $10.26 change
        cashier.click(cashier.dialog(ReceiptDialog).none_button)
        drawer_action(cashier, "Paid in…")
        paying = cashier.dialog(CashMoveDialog)
        paying.amount.setText("50")
        paying.reason.setCurrentText("Float top-up")
        cashier.click(paying.ok)
        cashier.enter_pin(cashier.dialog(ManagerDialog), "9", "9999")
        cashier.wait(lambda: len(receipts(printer)) == 1)
        drawer_action(cashier, "Drawer cash…")
        figures = cashier.dialog(DrawerCashDialog)
        expected = format_cents(974 + 5000)
        cashier.wait(lambda: figures.expected.text() == f"Expected in the drawer {expected}")
        assert "paid in $50.00 — Demo Cashier (1), approved by" in figures.movements.text()
        assert "Float top-up" in figures.movements.text()


def test_without_a_printer_the_cashier_is_told_to_use_the_key(cashier):
    drawer_action(cashier, "No sale…")
    reason = cashier.dialog(ReasonDialog)
    reason.reason.setCurrentText("Counting the float")
    cashier.click(reason.ok)
    cashier.wait(lambda: cashier.window.message.text() == NO_PRINTER_DRAWER)
    assert cashier.window.message.property("role") == "message-bad"
    assert len(audited(cashier, EventKind.NO_SALE)) == 1
    assert cashier.window.status.printer.text() == "Printer: none"
