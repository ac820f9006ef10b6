"""Shifts in the register window: a float typed on the keypad opens one, the drawer counted by
denomination closes it, a manager approves a count that is short, and the slip prints."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from pos_app.engine import EventKind
from pos_app.ui.dialogs import ManagerDialog
from pos_app.ui.drawer_dialog import DrawerCashDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.shift_dialog import CloseShiftDialog, OpenShiftDialog
from pos_app.ui.widgets import Keypad
from tests.ui.conftest import register_window
from tests.ui.test_drawer import audited, drawer_action
from tests.ui.test_receipts import kicks, pay_cash, printer, receipts

__all__ = ["printer"]  # the fake printer fixture


def tap(cashier, dialog, keys: str) -> None:
    """Tap ``keys`` on the dialog's keypad (into the field that has focus)."""
    pad = dialog.findChild(Keypad)
    for key in keys:
        [button] = [b for b in pad.findChildren(QPushButton) if b.text() == key]
        cashier.click(button)


def open_shift(cashier, float_keys: str = "100") -> None:
    drawer_action(cashier, "Open shift…")
    dialog = cashier.dialog(OpenShiftDialog)
    tap(cashier, dialog, float_keys)
    cashier.click(dialog.ok)
    cashier.wait(lambda: cashier.window.message.text().startswith("Shift open"))


def count_drawer(cashier, counts: dict[int, str]) -> CloseShiftDialog:
    drawer_action(cashier, "Close shift…")
    dialog = cashier.dialog(CloseShiftDialog)
    for denomination, text in counts.items():
        dialog.quantities[denomination].setText(text)
    return dialog


def test_a_float_tapped_on_the_keypad_opens_the_shift_and_the_drawer(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        drawer_action(cashier, "Open shift…")
        dialog = cashier.dialog(OpenShiftDialog)
        cashier.click(dialog.ok)
        assert dialog.error.text() == "Type the float: 0.00 if the drawer starts empty."
        tap(cashier, dialog, "10001")
        cashier.click(dialog.ok)
        assert "at most $10,000.00" in dialog.error.text()
        dialog.amount.clear()
        tap(cashier, dialog, "150.5")
        cashier.click(dialog.ok)
        cashier.wait(lambda: cashier.window.message.text().startswith("Shift open"))
        assert cashier.window.message.text() == "Shift open: Demo Cashier, float $150.50."
        cashier.wait(lambda: bool(kicks(printer)))
        (event,) = audited(cashier, EventKind.SHIFT_OPENED)
        assert (event["data"]["float"], event["data"]["staff_id"]) == (15050, "1")
        drawer_action(cashier, "Open shift…")
        cashier.wait(lambda: "is open: close it first" in cashier.window.message.text())
        assert not any(isinstance(d, OpenShiftDialog) for d in cashier.window.dialogs)


def test_an_even_count_closes_the_shift_and_prints_its_slip(qtbot, tmp_path, printer):
    with register_window(qtbot, tmp_path, printer__url=printer.url) as cashier:
        open_shift(cashier, "50")
        cashier.tap_item("Burger")
        pay_cash(cashier)  # $9.74 taken
        cashier.click(cashier.dialog(ReceiptDialog).none_button)
        dialog = count_drawer(cashier, {2000: "2", 1000: "1", 100: "9"})
        assert dialog.expected.text() == "$59.74"
        assert dialog.counted.text() == "$59.00"
        assert dialog.difference.text() == "The drawer is short $0.74"
        assert dialog.difference.property("role") == "outcome-bad"
        dialog.quantities[25].setFocus()
        tap(cashier, dialog, "2")
        dialog.quantities[10].setText("2")
        dialog.loose.setText("0.04")
        assert dialog.counted.text() == "$59.74"
        assert dialog.difference.text() == "The drawer is even"
        assert dialog.difference.property("role") == "outcome-ok"
        cashier.click(dialog.ok)
        cashier.wait(lambda: cashier.window.message.text().startswith("Shift closed"))
        assert not any(isinstance(d, ManagerDialog) for d in cashier.window.dialogs)
        assert cashier.window.message.text() == (
            "Shift closed: counted $59.74, expected $59.74: even."
        )
        (event,) = audited(cashier, EventKind.SHIFT_CLOSED)
        assert event["data"]["counts"] == {"2000": 2, "1000": 1, "100": 9, "25": 2, "10": 2, "0": 4}
        assert (event["data"]["over_short"], event["data"]["manager"]) == (0, None)
        cashier.wait(lambda: any("SHIFT CLOSE" in r.text for r in receipts(printer)))
        [slip] = [r for r in receipts(printer) if "SHIFT CLOSE" in r.text]
        assert "$59.74" in slip.text and "Even" in slip.text and "2 x $20.00" in slip.text


def test_a_short_drawer_needs_a_manager_before_the_shift_closes(qtbot, tmp_path):
    with register_window(qtbot, tmp_path) as cashier:
        open_shift(cashier, "20")
        dialog = count_drawer(cashier, {1000: "1", 500: "1"})
        qtbot.keyClicks(dialog.quantities[1], "x.")
        assert dialog.quantities[1].text() == ""  # only whole numbers go in
        dialog.loose.setText("abc")
        cashier.click(dialog.ok)
        assert dialog.error.text() == "The loose coin is not an amount."
        dialog.loose.clear()
        cashier.click(dialog.ok)
        manager = cashier.dialog(ManagerDialog)
        cashier.enter_pin(manager, "1", "1111")  # a cashier may not approve it
        cashier.wait(lambda: bool(manager.error.text()) and manager.error.text() != "Checking…")
        assert audited(cashier, EventKind.SHIFT_CLOSED) == []
        cashier.enter_pin(manager, "9", "9999")
        cashier.wait(lambda: cashier.window.message.text().startswith("Shift closed"))
        assert cashier.window.message.text().endswith("short $5.00.")
        assert cashier.window.message.property("role") == "message-bad"
        (event,) = audited(cashier, EventKind.SHIFT_CLOSED)
        assert (event["data"]["counted"], event["data"]["over_short"]) == (1500, -500)
        assert event["data"]["manager"] and event["data"]["approval_id"]
        assert cashier.till.engine.shifts.current() is None


def test_drawer_cash_starts_from_the_open_shifts_float_and_says_whose_it_is(cashier):
    drawer_action(cashier, "Close shift…")
    cashier.wait(lambda: "No shift is open" in cashier.window.message.text())
    open_shift(cashier, "75")
    drawer_action(cashier, "Drawer cash…")
    figures = cashier.dialog(DrawerCashDialog)
    cashier.wait(lambda: figures.expected.text() == "Expected in the drawer $75.00")
    assert "Shift of Demo Cashier (1) since" in figures.movements.text()
    assert "float $75.00" in figures.movements.text()
