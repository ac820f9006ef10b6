"""Whole payment flows in the register window, against the embedded sandbox."""

from __future__ import annotations

from pos_app.domain import TenderKind, TenderStatus
from pos_app.engine import CheckState
from pos_app.ui.dialogs import CardDialog, CashDialog
from pos_app.ui.payment import LevelUpDialog


def test_a_full_levelup_payment_closes_the_check(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    assert cashier.record.check.totals.balance_due == 1355  # 8.95 + 3.50 + 8.875 % tax
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    assert payment.waiting_for_scan
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.state == "answered")
    assert payment.title.text() == "Approved"
    assert payment.prompt.text() == "LevelUp paid $13.55."
    assert payment.due.text() == "Paid in full"
    cashier.click(cashier.button(payment, "Done"))
    cashier.wait(lambda: not cashier.window.dialogs)
    assert cashier.record.state is CheckState.CLOSED
    [order] = cashier.orders()
    assert order["spend_amount"] == 1355
    assert cashier.window.check_view.due.text() == "Paid"
    assert "closed" in cashier.window.message.text()


def test_a_scanned_levelup_code_pays_without_pressing_the_button(cashier):
    cashier.tap_item("Coffee")
    cashier.scan_customer("Ada Card")
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: payment.state == "answered")
    assert cashier.record.state is CheckState.CLOSED


def test_a_partial_authorization_leads_into_cash_for_the_rest(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Cora Giftcard")  # a $5.00 gift card and no card
    cashier.wait(lambda: payment.state == "answered")
    assert payment.title.text() == "Partly approved"
    assert payment.prompt.text() == (
        "LevelUp paid $5.00 of $13.55. Collect $8.55 with another tender."
    )
    assert cashier.record.state is CheckState.TENDERING
    assert cashier.record.check.totals.balance_due == 855
    assert not cashier.window.tenders.new_check.isHidden()
    cashier.click(cashier.button(payment, "Cash"))
    cash = cashier.dialog(CashDialog)
    assert cash.due == 855
    cashier.click(cashier.button(cash, "$10.00"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.totals.change_due == 145
    assert [t.kind for t in cashier.record.check.tenders] == [TenderKind.LEVELUP, TenderKind.CASH]
    assert cashier.window.check_view.due.text() == "Paid — change $1.45"


def test_the_check_cannot_close_with_a_balance_due(cashier):
    cashier.tap_item("Burger")
    cashier.till.close_check()
    cashier.settle()
    assert cashier.record.state is CheckState.OPEN
    assert "$9.74 is due" in cashier.window.message.text()


def test_a_decline_is_told_plainly_then_a_card_pays(cashier):
    cashier.tap_item("Salad")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Finn Declined")
    cashier.wait(lambda: payment.state == "answered")
    assert payment.title.text() == "Not paid"
    assert payment.prompt.text()  # the cashier's words, not an error code
    assert "Traceback" not in payment.prompt.text()
    details = cashier.button(payment, "Details")
    cashier.click(details)
    assert payment.detail.isVisible()
    assert payment.detail.toPlainText()
    assert cashier.button(payment, "Try again").isVisible()
    [declined] = cashier.record.check.tenders
    assert declined.status is TenderStatus.DECLINED
    cashier.click(cashier.button(payment, "Credit"))  # straight into another tender
    card = cashier.dialog(CardDialog)
    cashier.click(cashier.button(card, "Approved on the terminal"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert cashier.record.check.tenders[-1].kind is TenderKind.CREDIT


def test_the_levelup_discount_and_the_tip_are_shown(cashier):
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Ben Discount")  # $5.00 of LevelUp credit
    cashier.wait(lambda: payment.state == "answered")
    assert "LevelUp discount  −$5.00" in payment.lines.text()
    rows = [
        cashier.window.check_view.tree.topLevelItem(i).text(0)
        for i in range(cashier.window.check_view.tree.topLevelItemCount())
    ]
    assert "    discount $5.00" in rows
    cashier.click(cashier.button(payment, "Done"))

    cashier.tap_item("Cookie")  # the next check
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Gia Tips-fifteen")
    cashier.wait(lambda: payment.state == "answered")
    tip = cashier.record.check.totals.tip
    assert tip > 0
    assert f"Tip  ${tip / 100:.2f}" in payment.lines.text()
    tip_row = cashier.window.check_view._totals["Tip"][1]
    assert tip_row.isVisible()
    assert tip_row.text() == f"${tip / 100:.2f}"


def test_a_payment_can_be_cancelled_before_levelup_charges(cashier):
    cashier.fault(path="/v15/proposed_orders", latency_ms=600, times=1)
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.state == "paying")
    cashier.click(payment.cancel)
    cashier.wait(lambda: payment.state == "answered")
    assert payment.title.text() == "Not paid"
    assert payment.prompt.text() == "Cancelled: LevelUp charged nothing."
    assert cashier.orders() == []


def test_a_network_fault_is_shown_to_the_cashier(cashier):
    cashier.tap_item("Burger")
    cashier.fault(path="/v15/proposed_orders", status=500, times=1)
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.state == "answered")
    assert payment.title.text() == "Not paid"
    assert "LevelUp" in payment.prompt.text()
    cashier.click(cashier.button(payment, "Details"))
    assert "500" in payment.detail.toPlainText()
    assert cashier.till.recent_problems[0].detail == payment.detail.toPlainText()
    assert cashier.orders() == []
