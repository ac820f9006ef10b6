"""Discounts with control, and holding and recalling named checks, as a cashier and a manager
do them in the demo register (cashier 1 / 1111, admin 9 / 9999; the demo catalog's presets,
the default limits: $10.00 and 20 % of the check's items)."""

from __future__ import annotations

from pos_app.domain import CheckState
from pos_app.engine import EventKind
from pos_app.ui.dialogs import AdjustDialog, ManagerDialog
from pos_app.ui.discount_dialog import DiscountDialog
from pos_app.ui.history import HistoryDialog
from pos_app.ui.recall import HoldDialog, RecallDialog
from tests.ui.conftest import register_window


def select_line(cashier, row: int = 0) -> None:
    tree = cashier.window.check_view.tree
    tree.setCurrentItem(tree.topLevelItem(row))


def discount_dialog(cashier, *, line: bool = False) -> DiscountDialog:
    lines = cashier.window.lines
    cashier.click(lines.line_discount if line else lines.check_discount)
    return cashier.dialog(DiscountDialog)


def custom_discount(cashier, dialog: DiscountDialog, value: str, *, percent: bool = False) -> None:
    """Custom… in the discount dialog: ``value`` dollars (or percent) typed and added."""
    cashier.click(dialog.custom)
    cashier.wait(lambda: dialog.findChild(AdjustDialog) is not None)
    custom = dialog.findChild(AdjustDialog)
    assert custom is not None
    custom.as_percent.setChecked(percent)
    custom.value.setText(value)
    cashier.click(cashier.button(custom, "Add"))


def given(cashier) -> list[dict]:
    events = cashier.session.terminal.journal.events_of(cashier.record.check_id)
    return [e["data"] for e in events if e["kind"] is EventKind.DISCOUNT_GIVEN]


def rows(cashier) -> list[str]:
    tree = cashier.window.check_view.tree
    return [tree.topLevelItem(i).text(0).strip() for i in range(tree.topLevelItemCount())]


def test_a_cashier_gives_a_preset_with_a_reason(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")  # $12.45
    dialog = discount_dialog(cashier)
    texts = [b.text() for b in dialog.findChildren(type(dialog.ok)) if b.isVisible()]
    assert "Happy hour  10%" in texts and "Coupon $2  $2.00" in texts
    assert "$1 off item  $1.00" not in texts  # a line's preset is offered for a line
    assert not dialog.ok.isEnabled()
    cashier.click(cashier.button(dialog, "Happy hour  10%"))
    assert dialog.note.text() == "10% off." and dialog.ok.text() == "Give discount"
    cashier.click(dialog.ok)
    assert dialog.note.text() == "Choose or type the reason for this discount."
    assert dialog.isVisible()
    dialog.reason.setCurrentText("Happy hour")
    cashier.click(dialog.ok)
    cashier.wait(lambda: cashier.record.check.totals.check_discount == 124)
    cashier.wait(lambda: cashier.window.message.text() == "Happy hour given (Happy hour).")
    assert "Happy hour" in rows(cashier)
    [data] = given(cashier)
    assert (data["preset"], data["reason"], data["given_by"]) == (
        "Happy hour",
        "Happy hour",
        "Demo Cashier (1)",
    )
    assert data["approved_by"] is None


def test_beyond_the_limit_the_dialog_says_so_and_a_manager_approves(cashier):
    cashier.tap_item("Burger")
    cashier.tap_item("Fries")
    dialog = discount_dialog(cashier)
    cashier.click(cashier.button(dialog, "Staff meal  50%"))
    assert dialog.note.text().startswith("A manager approves this. The discounts on this check")
    assert "$6.22 (50.0% of its items): more than the 20% of its items" in dialog.note.text()
    assert dialog.ok.text() == "Ask a manager"
    dialog.reason.setCurrentText("Staff meal")
    cashier.click(dialog.ok)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "1", "1111")  # the cashier's own PIN does not do
    cashier.wait(lambda: "a manager must approve this" in manager.error.text())
    assert cashier.record.check.totals.check_discount == 0
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: cashier.record.check.totals.check_discount == 622)
    [data] = given(cashier)
    assert data["approved_by"] == "Demo Manager (9)" and data["reason"] == "Staff meal"


def test_a_line_takes_a_line_preset_and_a_custom_amount_is_checked_before_it_goes(cashier):
    cashier.tap_item("Burger")  # $8.95
    select_line(cashier)
    dialog = discount_dialog(cashier, line=True)
    assert dialog.custom.text() == "Custom… (a manager approves)"
    custom_discount(cashier, dialog, "10")
    assert dialog.note.text() == "A discount of $10.00 is more than the $8.95 left on Burger."
    assert not dialog.ok.isEnabled()
    cashier.click(cashier.button(dialog, "$1 off item  $1.00"))
    dialog.reason.setCurrentText("Dented cup")
    cashier.click(dialog.ok)
    cashier.wait(lambda: cashier.record.check.items[0].charged_price == 795)
    [data] = given(cashier)
    assert data["on"].endswith("(Burger)") and data["reason"] == "Dented cup"


def test_a_custom_discount_by_a_cashier_goes_to_a_manager_and_an_edit_cannot_add_one(cashier):
    cashier.tap_item("Salad")  # $6.25
    dialog = discount_dialog(cashier)
    custom_discount(cashier, dialog, "100", percent=True)
    assert dialog.custom.text() == "Custom: Discount 100%"
    assert "not on the list (100%) needs a manager" in dialog.note.text()
    dialog.reason.setCurrentText("Quality complaint")
    cashier.click(dialog.ok)
    cashier.enter_pin(cashier.dialog(ManagerDialog), "9", "9999")
    cashier.wait(lambda: cashier.record.check.totals.grand_total == 0)
    assert cashier.window.tenders.comp.isVisible()  # a $0 check closes as a comp
    cashier.till.edit(lambda check: check.add_discount(check.discounts[0]))
    cashier.wait(lambda: "never as an edit of the check" in cashier.window.message.text())
    assert len(cashier.record.check.discounts) == 1


def test_hold_a_named_check_ring_the_next_and_recall_it(cashier):
    cashier.tap_item("Burger")
    held = cashier.record
    tabs = cashier.window.tenders.tabs
    cashier.click(tabs.hold)
    hold = cashier.dialog(HoldDialog)
    hold.name.setText("ana@example.com")
    cashier.click(hold.ok)
    assert "never an email address" in hold.error.text()
    cashier.click(cashier.button(hold, "Table 4"))
    cashier.click(hold.ok)
    cashier.wait(
        lambda: "(Table 4) is held: Recall (F7) brings it back" in cashier.window.message.text()
    )
    assert cashier.till.record is None
    cashier.wait(lambda: tabs.recall.text() == "Recall (1)")
    cashier.tap_item("Coffee")  # the next customer
    assert cashier.record.check_id != held.check_id
    cashier.click(tabs.recall)
    recall = cashier.dialog(RecallDialog)
    cashier.wait(lambda: recall.table.rowCount() == 1)  # the check on screen is not listed
    assert [recall.table.item(0, c).text() for c in range(4)] == [
        "Table 4",
        held.check.identifier,
        "$9.74",
        "$9.74",
    ]
    cashier.click(recall.recall)
    cashier.wait(lambda: cashier.record.check_id == held.check_id)
    assert cashier.window.check_view.heading.text() == (
        f"Check {held.check.identifier} · Table 4 — open"
    )
    cashier.wait(lambda: tabs.recall.text() == "Recall (1)")  # the coffee waits now
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: history.table.rowCount() == 2)
    history.search.setText("table 4")
    assert history.table.rowCount() == 1
    assert history.table.item(0, 1).text() == f"{held.check.identifier} · Table 4"


def test_a_name_only_stays_on_screen_and_a_finished_check_cannot_be_held(cashier):
    cashier.tap_item("Fries")
    tabs = cashier.window.tenders.tabs
    cashier.click(tabs.hold)
    hold = cashier.dialog(HoldDialog)
    hold.name.setText("Ben")
    cashier.click(hold.name_only)
    cashier.wait(lambda: cashier.record.name == "Ben")
    assert "is now Ben" in cashier.window.message.text()
    cashier.till.pay_cash(500)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    assert not tabs.hold.isEnabled()


def test_open_checks_are_listed_at_start_and_the_unnamed_newest_is_back(qtbot, tmp_path):
    with register_window(qtbot, tmp_path) as cashier:
        for item, name in (("Burger", "Table 4"), ("Salad", "Ana")):
            cashier.tap_item(item)
            cashier.till.name_check(cashier.record.check_id, name, "", hold=True)
            cashier.settle()
        cashier.tap_item("Coffee")  # being rung up when the register stops
        coffee = cashier.record
    with register_window(qtbot, tmp_path) as cashier:
        cashier.wait(lambda: cashier.till.record is not None)
        assert cashier.record.check_id == coffee.check_id
        cashier.wait(lambda: "back on screen" in cashier.window.message.text())
        assert cashier.window.message.text().endswith(
            "2 more open checks (Ana, Table 4): Recall (F7)."
        )
        cashier.wait(lambda: cashier.window.tenders.tabs.recall.text() == "Recall (2)")
        cashier.till.name_check(coffee.check_id, "Cy", "", hold=True)
        cashier.settle()
    with register_window(qtbot, tmp_path) as cashier:  # every open check was held
        cashier.wait(lambda: "open checks" in cashier.window.message.text())
        assert cashier.window.message.text() == "3 open checks (Cy, Ana, Table 4): Recall (F7)."
        assert cashier.till.record is None  # the screen is ready for the next customer
        cashier.wait(lambda: cashier.window.tenders.tabs.recall.text() == "Recall (3)")


def test_cancelling_a_custom_discount_keeps_the_preset_chosen(cashier):
    cashier.tap_item("Burger")
    dialog = discount_dialog(cashier)
    happy = cashier.button(dialog, "Happy hour  10%")
    cashier.click(happy)
    cashier.click(dialog.custom)
    cashier.wait(lambda: dialog.findChild(AdjustDialog) is not None)
    cashier.click(cashier.button(dialog.findChild(AdjustDialog), "Cancel"))
    assert happy.isChecked() and not dialog.custom.isChecked()
    assert dialog.request is not None and dialog.request.preset == "Happy hour"
    assert dialog.ok.isEnabled()
