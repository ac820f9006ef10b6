"""Paying by email in the register window: the cashier types the customer's LevelUp email, the
customer accepts in their app (a demo customer does by themselves after 2 s), and the payment
ends as a scan's would."""

from __future__ import annotations

from pos_app.domain import TenderKind
from pos_app.engine import CheckState
from pos_app.ui.dialogs import CashDialog
from pos_app.ui.payment import LevelUpDialog

WAIT = 20_000


def ask_by_email(cashier, *items: str, email: str = "ada.card@customers.example"):
    for item in items or ("Burger",):
        cashier.tap_item(item)
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.click(payment.entry.switch)
    assert payment.code.placeholderText() == "Customer's LevelUp email"
    payment.code.setText(email)
    cashier.click(cashier.button(payment, "Ask"))
    return payment


def customer(cashier, name: str) -> dict:
    return next(c for c in cashier.admin.customers() if c["name"] == name)


def test_a_customer_who_accepts_pays_the_whole_check(cashier):
    payment = ask_by_email(cashier)
    assert payment.state == "asking"
    assert payment.title.text() == "Pay by email"
    assert payment.prompt.text().startswith("Waiting for ada.card@… to accept in LevelUp…")
    assert payment.cancel.isEnabled()
    cashier.wait(lambda: payment.prompt.text().endswith(" left)"))
    assert payment.progress.maximum() == 1200  # tenths of the 120 s timeout
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert payment.title.text() == "Approved"
    assert "By email: a•••@c•••.example" in payment.lines.text()
    assert cashier.record.state is CheckState.CLOSED
    [order] = cashier.orders()
    assert order["spend_amount"] == cashier.record.check.totals.grand_total


def test_a_gift_card_customer_is_partly_approved_and_cash_takes_the_rest(cashier):
    payment = ask_by_email(cashier, "Burger", "Fries", email="cora.giftcard@customers.example")
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert payment.title.text() == "Partly approved"
    cashier.click(cashier.button(payment, "Cash"))
    cash = cashier.dialog(CashDialog)
    cashier.click(cashier.button(cash, "$10.00"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert [t.kind for t in cashier.record.check.tenders] == [TenderKind.LEVELUP, TenderKind.CASH]


def test_a_declined_card_is_not_paid_and_try_again_offers_the_email(cashier):
    payment = ask_by_email(cashier, email="finn.declined@customers.example")
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert payment.title.text() == "Not paid"
    assert "declined" in payment.prompt.text()
    cashier.click(payment.retry)
    assert payment.code.text() == "finn.declined@customers.example"
    assert payment.entry.by_email


def test_a_customer_who_rejects_is_told_and_nothing_is_charged(cashier):
    payment = ask_by_email(cashier)
    cashier.wait(lambda: payment.prompt.text().endswith(" left)"))  # the request waits for Ada
    cashier.admin.answer_permissions(customer(cashier, "Ada Card"), accept=False)
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert payment.title.text() == "Not paid"
    assert "ada.card@… declined the request in LevelUp" in payment.prompt.text()
    assert cashier.orders() == []
    assert not payment.retry.isHidden()


def test_a_customer_who_does_not_answer_in_time_times_out(cashier):
    cashier.session.terminal.email_payments.timeout = 0.5  # before the demo's 2 s
    payment = ask_by_email(cashier)
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert "did not accept in LevelUp within" in payment.prompt.text()
    assert cashier.orders() == []


def test_cancel_while_waiting_charges_nothing(cashier):
    payment = ask_by_email(cashier)
    cashier.click(payment.cancel)
    cashier.wait(lambda: payment.state == "scan", WAIT)
    assert payment.error.text().startswith("Cancelled: nothing was charged")
    cashier.qtbot.wait(2500)  # past the demo customer's 2 s: nothing is paid after all
    assert cashier.orders() == []
    assert cashier.record.check.totals.balance_due > 0


def test_text_that_is_not_an_email_is_refused_at_once(cashier):
    payment = ask_by_email(cashier, email="ada.card")
    assert payment.state == "scan"
    assert payment.error.text() == (
        "That is not an email address: it should look like name@example.com."
    )


def test_a_scan_while_waiting_is_not_used(cashier):
    payment = ask_by_email(cashier)
    cashier.scan_customer("Ben Discount")
    assert payment.error.text() == (
        "Waiting for the customer's answer by email: that scan was not used."
    )
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert len(cashier.orders()) == 1
    [tender] = cashier.record.check.tenders
    assert cashier.record.info(tender.tender_id).by_email == "a•••@c•••.example"  # not Ben


def test_an_unknown_outcome_is_shown_then_settled_as_for_a_scan(cashier):
    cashier.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    payment = ask_by_email(cashier)
    cashier.wait(lambda: payment.state == "answered", WAIT)
    assert payment.title.text() == "Approved"  # the lost answer was found at LevelUp at once
    assert len(cashier.orders()) == 1
