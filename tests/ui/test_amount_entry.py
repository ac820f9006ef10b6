"""Amount entry as a cashier does it in a rush: the keypad in every amount dialog, quick cash,
cash far above the due confirmed first, and digits typed while a choice has focus kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QRadioButton

from pos_app.domain import TenderKind, format_cents
from pos_app.engine import CheckState
from pos_app.ui.cash_rules import far_above, quick_amounts
from pos_app.ui.dialogs import AdjustDialog, CardDialog, CashDialog
from pos_app.ui.widgets import Keypad


def press(cashier, dialog, keys: str) -> None:
    """Tap keys of the dialog's keypad."""
    [keypad] = dialog.findChildren(Keypad)
    for key in keys:
        cashier.click(cashier.button(keypad, key))


def focus(cashier, widget) -> None:
    """The cashier taps ``widget`` and it has the focus."""
    cashier.click(widget)
    widget.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is widget)


@pytest.mark.parametrize(
    ("due", "offered"),
    [
        (1558, [1558, 1600, 2000, 5000, 10000]),
        (2340, [2340, 2400, 2500, 3000, 4000, 5000]),
        (855, [855, 900, 1000, 2000, 5000, 10000]),
        (500, [500, 1000, 2000, 5000, 10000]),
    ],
)
def test_quick_cash_is_exact_then_the_next_dollar_five_ten_twenty(due, offered):
    assert quick_amounts(due) == offered


@pytest.mark.parametrize(
    ("tendered", "due", "far"),
    [
        (50000, 1558, True),  # $500 for $15.58
        (20000, 1558, True),  # an extra 0 on a $20 note
        (10000, 1558, False),  # a $100 note
        (10000, 855, True),  # $100 for $8.55: ten times the due
        (5000, 855, False),
        (5000, 350, True),  # $50 for $3.50 (ten times $5)
        (2000, 350, False),
        (11600, 1500, True),  # $101 change
        (11500, 1500, False),
    ],
)
def test_far_above_is_more_than_100_dollars_over_or_an_extra_digit(tendered, due, far):
    assert far_above(tendered, due) is far


def test_cash_far_above_the_due_is_taken_only_once_confirmed(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    due = cashier.record.check.totals.balance_due
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    press(cashier, cash, "500")
    assert cash.amount.text() == "500"
    cashier.click(cash.ok)
    question = f"Take $500.00 for {format_cents(due)} due? Change {format_cents(50000 - due)}."
    assert cash.change.text() == question
    assert cash.ok.text() == "Yes, take $500.00" and cash.isVisible()
    cashier.settle()
    assert cashier.record.check.tenders == ()  # nothing taken yet
    press(cashier, cash, "⌫")  # the cashier corrects it: the question is gone
    assert cash.amount.text() == "50" and cash.ok.text() == "Take cash"
    assert cash.change.text() == f"Change {format_cents(5000 - due)}"
    press(cashier, cash, "0")
    cashier.click(cash.ok)
    assert cash.confirming
    cashier.click(cash.ok)  # yes, the customer handed over $500
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.totals.change_due == 50000 - due


def test_typed_cash_within_reason_and_quick_cash_are_taken_at_once(cashier):
    cashier.tap_item("Burger")  # $9.74
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    cash.amount.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is cash.amount)
    cashier.type_slowly("20")
    QTest.keyClick(cash.amount, Qt.Key.Key_Return)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.totals.change_due == 1026

    cashier.tap_item("Cookie")  # $2.12: a $50 note is far above, but it is what was handed over
    assert far_above(5000, cashier.record.check.totals.balance_due)
    cashier.click(cashier.window.tenders.cash)
    cash = cashier.dialog(CashDialog)
    cashier.click(cashier.button(cash, "$50.00"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.tenders[-1].tendered == 5000


def test_digits_typed_while_the_card_kind_has_focus_go_to_the_amount(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")  # $13.55
    cashier.click(cashier.window.tenders.credit)
    card = cashier.dialog(CardDialog)
    assert card.amount.text() == "13.55" and card.kind is TenderKind.CREDIT
    [credit, debit, other] = card.findChildren(QRadioButton)
    assert (credit.text(), debit.text(), other.text()) == ("Credit", "Debit", "Other")
    focus(cashier, debit)  # the customer says it is a debit card after all
    assert debit.isChecked() and card.kind is TenderKind.DEBIT
    QTest.keyClicks(debit, "5.5")  # typed while the radio button has focus
    assert card.amount.text() == "5.5"  # the suggested amount is replaced, nothing is lost
    assert QApplication.focusWidget() is card.amount
    focus(cashier, card.tip)
    press(cashier, card, "1")  # the keypad types where the cashier tapped
    focus(cashier, other)
    QTest.keyClick(other, Qt.Key.Key_Backspace)
    QTest.keyClicks(other, "2")
    assert (card.amount.text(), card.tip.text()) == ("5.5", "2")
    focus(cashier, debit)
    cashier.click(cashier.button(card, "Approved on the terminal"))
    cashier.wait(lambda: len(cashier.record.check.tenders) == 1)
    [tender] = cashier.record.check.tenders
    assert (tender.kind, tender.amount, tender.tip) == (TenderKind.DEBIT, 550, 200)
    assert cashier.record.check.totals.balance_due == 1355 - 550


def test_other_has_the_keypad_and_its_suggested_amount_is_typed_over(cashier):
    cashier.tap_item("Salad")
    due = cashier.record.check.totals.balance_due
    cashier.click(cashier.window.tenders.other)
    card = cashier.dialog(CardDialog)
    assert card.kind is TenderKind.OTHER and card.windowTitle() == "Other"
    press(cashier, card, "3")
    assert card.amount.text() == "3"
    press(cashier, card, "⌫⌫")
    press(cashier, card, "1.00")
    cashier.click(cashier.button(card, "Approved on the terminal"))
    cashier.wait(lambda: bool(cashier.record.check.tenders))
    assert cashier.record.check.totals.balance_due == due - 100


def test_digits_typed_after_choosing_percent_go_to_the_value(cashier):
    """Store trial C20: the Percent radio took the focus and typed digits were lost."""
    dialog = AdjustDialog("Check discount", "Discount", allow_percent=True, parent=cashier.window)
    chosen = []
    dialog.chosen.connect(lambda *args: chosen.append(args))
    cashier.window.open_dialog(dialog)
    focus(cashier, dialog.as_percent)
    assert dialog.as_percent.isChecked()
    cashier.type_slowly("12.5")  # through the window, as a person types
    assert dialog.value.text() == "12.5"
    QTest.keyClick(dialog.as_percent, Qt.Key.Key_Backspace)
    assert dialog.value.text() == "12."
    cashier.click(cashier.button(dialog, "Add"))
    assert chosen == [("Discount", 0, Decimal("12."))]
