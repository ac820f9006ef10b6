"""The store trial's defects as a cashier and a manager meet them in the window
(shared/STORE-TRIAL.md, "Top defects" 1-8 and B9-B11, C15); the engine's side of each is in
tests/engine/test_store_trial.py."""

from __future__ import annotations

from pos_app.domain import CheckState, TenderStatus
from pos_app.ui.dialogs import CashDialog, ConfirmDialog, ManagerDialog
from pos_app.ui.discount_dialog import DiscountDialog
from pos_app.ui.history import HistoryDialog
from pos_app.ui.payment import LevelUpDialog
from tests.ui.conftest import register_window
from tests.ui.test_discounts_and_holds import custom_discount


def pay_levelup(cashier, customer):
    cashier.scan_customer(customer)
    payment = cashier.dialog(LevelUpDialog)
    cashier.wait(lambda: payment.state == "answered")
    return payment


def cell(history: HistoryDialog, row: int, column: int) -> str:
    item = history.table.item(row, column)
    return "" if item is None else item.text()


def void_selected(cashier, text):
    """Select the payment line whose text starts with ``text``, press Void payment: the
    manager's dialog."""
    tree = cashier.window.check_view.tree
    [row] = [
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0).startswith(text)
    ]
    tree.setCurrentItem(row)
    cashier.click(cashier.window.tenders.void_payment)
    return cashier.dialog(ManagerDialog)


def test_1_7_a_declined_offline_payment_is_said_on_screen_counted_and_listed(qtbot, tmp_path):
    with register_window(
        qtbot,
        tmp_path,
        offline__enabled="true",
        offline__max_order="5000",
        offline__max_total="20000",
        offline__max_count="5",
    ) as cashier:
        cashier.fault(path="*", status=503)
        cashier.tap_item("Coffee")
        payment = pay_levelup(cashier, "Finn Declined")
        assert payment.title.text() == "Accepted offline"
        assert payment.due.text() == "Paid (offline)"  # store trial A7: not "Due $2.99"
        cashier.click(cashier.button(payment, "Done"))
        assert cashier.record.state is CheckState.CLOSED
        cashier.admin.clear_faults()
        cashier.till.watch.check()  # what its timer does: LevelUp is back, the queue goes
        cashier.wait(lambda: cashier.record.state is CheckState.BALANCE_DUE)
        assert "LevelUp declined an offline payment" in cashier.window.message.text()
        assert cashier.window.message.property("role") == "message-bad"
        cashier.wait(lambda: cashier.window.status.owing.text() == "Owing: 1")
        assert cashier.window.status.owing.property("role") == "bad"
        assert cashier.window.check_view.due.text() == "Due $2.99"
        assert cashier.window.tenders.cash.isEnabled() and not cashier.window.lines.more.isEnabled()
        cashier.click(cashier.window.tenders.history_button)
        history = cashier.dialog(HistoryDialog)
        cashier.click(history.attention)
        cashier.wait(lambda: len(history.records) == 1)
        assert cell(history, 0, 2) == "sold, money owed"
        cashier.click(cashier.button(history, "Close"))
        cashier.click(cashier.window.tenders.cash)
        cash = cashier.dialog(CashDialog)
        cashier.click(cashier.button(cash, "Exact"))
        cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
        cashier.wait(lambda: not cashier.window.status.owing.isVisible())


def test_2_voiding_a_paid_levelup_payment_says_the_real_amount_and_keeps_the_sale(cashier):
    cashier.tap_item("Salad")
    cashier.tap_item("Onion rings")
    payment = pay_levelup(cashier, "Gia Tips-fifteen")  # $11.35 + tax, 15 % tip
    cashier.click(cashier.button(payment, "Done"))
    tender = cashier.record.check.tenders[0]
    paid, tip = tender.amount, tender.tip
    manager = void_selected(cashier, "LevelUp")
    what = manager.findChildren(type(manager.error))[1].text()
    back = f"${(paid + tip) / 100:.2f}"
    assert f"and its ${tip / 100:.2f} tip" in what and f"{back} goes back" in what
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "Refunded" in cashier.window.message.text())
    assert cashier.record.check.tenders[0].status is TenderStatus.REFUNDED
    assert cashier.record.state is CheckState.BALANCE_DUE  # not reopened for editing
    message = cashier.window.message.text()
    assert f"Refunded {back} to the customer's LevelUp account" in message
    assert "now owes" in message and cashier.window.message.property("role") == "message"
    assert not any(b.isEnabled() for b in cashier.window.lines.buttons)
    assert cashier.window.check_view.heading.text().endswith("sold, money owed")


def test_3_a_voided_check_is_read_only_and_opens_no_hidden_check(cashier):
    cashier.tap_item("Burger")
    voided = cashier.record
    cashier.click(cashier.window.tenders.void_check)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "voided. It is read only" in cashier.window.message.text())
    assert cashier.record.state is CheckState.VOIDED
    view = cashier.window.check_view
    assert view.heading.text().endswith("VOIDED, read only")
    assert view.due.text() == "Voided — nothing is owed"
    assert not any(b.isEnabled() for b in cashier.window.lines.buttons)
    assert not cashier.window.tenders.void_check.isEnabled()
    cashier.tap_item("Fries")  # a new check, and it is the one on screen
    cashier.wait(lambda: cashier.record.check_id != voided.check_id)
    assert [i.name for i in cashier.record.check.items] == ["Fries"]


def test_5_a_refund_from_history_says_what_to_give_back_and_stays_findable(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    payment = pay_levelup(cashier, "Cora Giftcard")  # $5.00 of $13.55
    cashier.click(cashier.button(payment, "Cash"))
    cash = cashier.dialog(CashDialog)
    cashier.click(cashier.button(cash, "Exact"))
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: bool(history.records))
    history.table.selectRow(0)
    cashier.click(history.refund)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "Give back $8.55 cash" in cashier.window.message.text())
    cashier.wait(lambda: bool(history.records) and history.records[0].state is CheckState.REFUNDED)
    assert "$13.55 given back (LevelUp $5.00, Cash $8.55)" in cashier.window.message.text()
    history.search.setText("13.55")
    assert history.table.rowCount() == 1
    assert (cell(history, 0, 2), cell(history, 0, 3)) == ("refunded", "$13.55 refunded")


def test_6_9_a_discount_cannot_exceed_the_line_and_a_zero_check_closes_as_a_comp(cashier):
    cashier.tap_item("Fries")  # $3.50
    cashier.window.check_view.tree.setCurrentItem(cashier.window.check_view.tree.topLevelItem(0))
    cashier.click(cashier.window.lines.line_discount)
    dialog = cashier.dialog(DiscountDialog)
    custom_discount(cashier, dialog, "10")
    assert "more than the $3.50 left on Fries" in dialog.note.text()  # said before it goes
    assert not dialog.ok.isEnabled()
    cashier.click(cashier.button(dialog, "Cancel"))
    assert cashier.record.check.items[0].discounts == ()
    cashier.click(cashier.window.lines.check_discount)
    dialog = cashier.dialog(DiscountDialog)
    custom_discount(cashier, dialog, "100", percent=True)
    dialog.reason.setCurrentText("Staff meal")
    cashier.click(dialog.ok)  # a cashier's custom discount: a manager approves
    cashier.enter_pin(cashier.dialog(ManagerDialog), "9", "9999")
    cashier.wait(lambda: cashier.record.check.totals.grand_total == 0)
    assert cashier.window.message.property("role") == "message"  # the stale error is gone
    assert not cashier.window.tenders.cash.isEnabled() and cashier.window.tenders.comp.isVisible()
    cashier.click(cashier.window.tenders.comp)
    manager = cashier.dialog(ManagerDialog)
    assert manager.reason.currentText() == ""  # the manager gives the reason
    manager.reason.setCurrentText("Staff meal")
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: "comped (Staff meal)" in cashier.window.message.text())
    assert cashier.record.state is CheckState.CLOSED


def test_8_a_loyalty_only_partial_says_levelup_paid_nothing_and_discounted(cashier):
    cashier.tap_item("Cookie")
    cashier.tap_item("Coffee")
    payment = pay_levelup(cashier, "Eve Loyalty-only")
    assert payment.title.text() == "Partly approved"
    due = cashier.record.check.totals.balance_due
    assert payment.prompt.text() == (
        f"LevelUp took a $2.00 discount off the check and paid $0.00 of the "
        f"${due / 100:.2f} left. Collect ${due / 100:.2f} with another tender."
    )


def test_10_an_open_check_asks_before_closing_and_comes_back_after_a_restart(qtbot, tmp_path):
    with register_window(qtbot, tmp_path) as cashier:
        cashier.tap_item("Burger")
        open_check = cashier.record
        cashier.window.close()
        confirm = cashier.dialog(ConfirmDialog)
        question = confirm.findChildren(type(cashier.window.message))[1].text()
        assert f"Check {open_check.check.identifier} is open with $9.74 due" in question
        cashier.click(confirm.cancel)
        assert cashier.window.isVisible()
    # closed as a shutdown closes it (no question), then started again
    with register_window(qtbot, tmp_path) as cashier:
        cashier.wait(lambda: cashier.till.record is not None)
        assert cashier.record.check_id == open_check.check_id
        assert cashier.record.state is CheckState.OPEN
        cashier.wait(lambda: "back on screen" in cashier.window.message.text())
