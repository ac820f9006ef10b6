"""Returning items of a closed sale from History, paying part of a check with LevelUp (an
amount keyed in, or split evenly between two app users), and who paid each LevelUp payment,
as a cashier and a manager do it in the window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton

from pos_app.domain import CheckState, TenderKind, TenderStatus
from pos_app.ui.dialogs import CardDialog, CashDialog, ManagerDialog
from pos_app.ui.history import COLUMNS, HistoryDialog
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.returns import ReturnDialog
from pos_app.ui.split import split_evenly


def burger_and_fries(cashier) -> None:
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    assert cashier.record.check.totals.balance_due == 1355  # 8.95 + 3.50 + 8.875 % tax


def history_of_first_check(cashier) -> HistoryDialog:
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: bool(history.records))
    history.table.selectRow(0)
    return history


def cell(history: HistoryDialog, column: str) -> str:
    item = history.table.item(0, COLUMNS.index(column))
    return "" if item is None else item.text()


def open_returns(cashier, history: HistoryDialog) -> ReturnDialog:
    cashier.click(history.returns)
    cashier.wait(lambda: history.return_dialog is not None and history.return_dialog.isVisible())
    dialog = history.return_dialog
    assert dialog is not None
    return dialog


def line_button(dialog: ReturnDialog, line_id: int, text: str) -> QPushButton:
    """The − or + of one line of the return dialog (the rows follow the check's lines)."""
    row = [line.line_id for line in dialog.record.check.items].index(line_id)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == text]
    return buttons[row]


def prompt_of(manager: ManagerDialog) -> str:
    return manager.findChildren(QLabel)[1].text()


def test_items_of_a_cash_and_card_sale_are_returned_from_history(cashier):
    burger_and_fries(cashier)
    cashier.till.pay_other(TenderKind.CREDIT, 1000)  # approved on the card terminal
    cashier.settle()
    cashier.click(cashier.window.tenders.cash)
    cashier.click(cashier.button(cashier.dialog(CashDialog), "Exact"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)

    history = history_of_first_check(cashier)
    dialog = open_returns(cashier, history)
    assert not dialog.ok.isEnabled()
    fries = line_button(dialog, 2, "+")
    cashier.click(fries)
    cashier.click(fries)  # a line of one: the second tap changes nothing
    assert dialog.units == {2: 1}
    # the fries and their share of the tax (110 × 350 / 1245), the newest payment first
    shown = (
        f"Return 1 × Fries from check {cashier.record.check.identifier}: $3.80 goes back "
        "(items $3.50, tax $0.30). Give back $3.55. Refund $0.25 on the card terminal (Credit)."
    )
    assert dialog.summary.text() == shown
    cashier.click(dialog.ok)
    manager = cashier.dialog(ManagerDialog)
    assert prompt_of(manager) == shown  # what the manager approves is what was shown
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "Returned 1 × Fries" in cashier.window.message.text())
    assert cashier.window.message.text().endswith(
        "Give back $3.55. Refund $0.25 on the card terminal (Credit)."
    )
    assert "Approved by" in cashier.window.message.text()
    record = cashier.record  # the sale on screen follows, and stays a sale
    assert record.state is CheckState.CLOSED and record.check.totals.taken_back == 380
    view = cashier.window.check_view
    assert view.tree.topLevelItem(1).text(1) == "1 (1 returned)"
    assert view.due.text() == "Paid — $3.80 returned"
    cashier.wait(lambda: history.records[0].check.totals.taken_back == 380)
    assert cell(history, "Total") == "$13.55, $3.80 returned"

    dialog = open_returns(cashier, history)  # the fries are gone: only the burger is left
    assert not line_button(dialog, 2, "+").isEnabled()
    cashier.click(line_button(dialog, 1, "+"))
    assert "Return 1 × Burger" in dialog.summary.text()
    cashier.click(dialog.cancel)
    assert cashier.record.check.item(1).returned == 0


def test_a_levelup_check_says_refunds_are_whole_order_and_offers_that_refund(cashier):
    burger_and_fries(cashier)
    cashier.scan_customer("Ada Card")
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: payment.state == "answered")
    cashier.click(cashier.button(payment, "Done"))
    history = history_of_first_check(cashier)
    dialog = open_returns(cashier, history)
    assert "whole-order only" in dialog.findChildren(QLabel)[1].text()
    assert dialog.ok.text() == "Refund whole check"
    cashier.click(dialog.ok)
    manager = cashier.dialog(ManagerDialog)
    assert "$13.55 goes back" in prompt_of(manager)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: cashier.record.state is CheckState.REFUNDED)
    assert cashier.record.check.tenders[0].status is TenderStatus.REFUNDED


def test_two_app_users_split_a_check_evenly_and_each_payment_says_who_paid(cashier):
    burger_and_fries(cashier)
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    part = payment.part_amount
    assert part.amount.text() == "13.55"  # all that is due, unless the cashier says less
    cashier.click(part.splitter.even)  # 2 ways
    assert part.amount.text() == "6.77"
    assert part.part.text() == "Pays $6.77 of the $13.55 due."
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.waiting_for_scan and payment.title.text() == "Approved")
    assert payment.due.text() == "Due $6.78"
    assert payment.prompt.text().startswith("LevelUp paid $6.77. Next: the next customer scans")
    assert part.amount.text() == "6.78"  # the last share takes the odd cent
    cashier.wait(lambda: payment.lines.text() == "Paid by Ada C.")  # once LevelUp says
    cashier.scan_customer("Gia Tips-fifteen")
    cashier.wait(lambda: payment.state == "answered")
    assert payment.due.text() == "Paid in full"
    cashier.wait(lambda: payment.lines.text().startswith("Paid by Gia T."))
    cashier.click(cashier.button(payment, "Done"))
    record = cashier.record
    assert record.state is CheckState.CLOSED
    assert [t.amount for t in record.check.tenders] == [677, 678]
    rows = [
        cashier.window.check_view.tree.topLevelItem(i).text(0)
        for i in range(cashier.window.check_view.tree.topLevelItemCount())
    ]
    assert "    paid by Ada C." in rows and "    paid by Gia T." in rows
    history = history_of_first_check(cashier)
    payments = cell(history, "Payments")
    assert "paid by Ada C." in payments and "paid by Gia T." in payments
    assert "LU" not in payments  # never the code


def test_levelup_pays_an_amount_keyed_in_and_cash_pays_the_rest(cashier):
    burger_and_fries(cashier)
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    part = payment.part_amount
    part.amount.clear()
    cashier.click(part.keys)
    for key in "20":
        cashier.click(cashier.button(part, key))
    cashier.scan_customer("Ada Card")  # $20.00 of $13.55: not used, and said
    cashier.wait(lambda: "choose the amount first" in payment.error.text())
    assert part.part.text() == "Type an amount from $0.01 to $13.55."
    assert payment.waiting_for_scan and not cashier.orders()
    cashier.click(cashier.button(part, "⌫"))
    cashier.click(cashier.button(part, "⌫"))
    for key in "5.00":
        cashier.click(cashier.button(part, key))
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.title.text() == "Approved")
    assert payment.due.text() == "Due $8.55"
    assert [o["spend_amount"] for o in cashier.orders()] == [500]
    cashier.click(cashier.button(payment, "Cash"))
    cashier.click(cashier.button(cashier.dialog(CashDialog), "Exact"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert [t.kind for t in cashier.record.check.tenders] == [TenderKind.LEVELUP, TenderKind.CASH]


def test_a_card_payment_takes_an_even_share_too(cashier):
    burger_and_fries(cashier)
    cashier.click(cashier.window.tenders.credit)
    card = cashier.dialog(CardDialog)
    cashier.click(cashier.button(card.splitter, "+"))  # 3 ways
    cashier.click(card.splitter.even)
    assert card.amount.cents() == 451
    cashier.click(cashier.button(card, "Approved on the terminal"))
    cashier.wait(lambda: cashier.record.check.totals.balance_due == 1355 - 451)


def test_a_split_shares_whole_cents_and_the_last_takes_the_odd_ones():
    assert split_evenly(1355, 2) == [677, 678]
    assert split_evenly(1001, 3) == [333, 333, 335]
    assert split_evenly(2, 3) == [1, 1]  # never a share of nothing
    assert split_evenly(500, 1) == [500]
