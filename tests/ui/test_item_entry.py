"""Items onto the check, fast (issue 15): a second tap raises the line, "3 ×" then the item,
the new line in view, modifier groups and open prices asked when an item is added, price check
mode, and Escape in the item search."""

from __future__ import annotations

from functools import reduce

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QRadioButton

from pos_app.domain import Exemption, LineItem, Modifier
from pos_app.ui.modifier_dialog import ItemDialog
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.price_check import LEVELUP_NOT_USED
from pos_app.ui.quantity_pad import IDLE

BURGER_UPC = "012345678905"
LATTE_UPC = "036000291452"
PLAIN = [
    "Burger",
    "Veggie wrap",
    "Chicken sandwich",
    "Fries",
    "Salad",
    "Onion rings",
    "Coffee",
    "Lemonade",
    "Iced tea",
    "Cookie",
    "Brownie",
    "Gift card $20",
]


def lines(cashier) -> list[tuple[str, int]]:
    return [(item.name, item.quantity) for item in cashier.record.check.items]


def selected_name(cashier) -> str:
    line = cashier.window.check_view.selected()
    assert line is not None and line.kind == "item"
    return cashier.record.check.item(line.key).name


def in_view(cashier, name: str) -> bool:
    """The line's row is selected and wholly inside the check's visible area."""
    tree = cashier.window.check_view.tree
    [row] = [
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == name
    ]
    return row.isSelected() and tree.viewport().rect().contains(tree.visualItemRect(row))


def choice(dialog: ItemDialog, text: str) -> QRadioButton | QCheckBox:
    [match] = [b for buttons in dialog.choices for b in buttons if b.text() == text]
    return match


def pick(cashier, dialog: ItemDialog, text: str) -> None:
    """Tap a choice on its round or square mark."""
    button = choice(dialog, text)
    cashier.qtbot.mouseClick(
        button, Qt.MouseButton.LeftButton, pos=QPoint(12, button.height() // 2)
    )


def press_keys(cashier, *keys: str) -> None:
    """A person presses keys with nothing that takes text in focus."""
    cashier.window.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is cashier.window)
    cashier.type_slowly("".join(keys))


def test_a_second_tap_raises_the_line_and_selects_it(cashier):
    cashier.tap_item("Fries")
    cashier.tap_item("Salad")
    assert selected_name(cashier) == "Salad"
    cashier.tap_item("Fries")
    cashier.wait(lambda: lines(cashier) == [("Fries", 2), ("Salad", 1)])
    assert selected_name(cashier) == "Fries"
    assert cashier.record.check.totals.subtotal == 2 * 350 + 625
    cashier.type_fast(BURGER_UPC)  # a scan raises the same way
    cashier.type_fast(BURGER_UPC)
    cashier.settle()
    cashier.wait(lambda: lines(cashier) == [("Fries", 2), ("Salad", 1), ("Burger", 2)])
    assert selected_name(cashier) == "Burger"


def test_three_times_then_the_item_on_the_keypad_or_the_keyboard(cashier):
    pad = cashier.window.menu.quantity
    cashier.click(cashier.button(pad, "3"))
    assert pad.display.text() == "3"
    cashier.click(pad.times_key)
    assert pad.display.text() == "3 × — tap or scan the item"
    cashier.tap_item("Fries")
    cashier.wait(lambda: lines(cashier) == [("Fries", 3)])
    assert pad.display.text() == IDLE  # the next item is one again
    cashier.tap_item("Fries")
    cashier.wait(lambda: lines(cashier) == [("Fries", 4)])

    press_keys(cashier, "1", "2", "*")  # on the keyboard: 12 ×, then a scan
    assert pad.armed == 12
    cashier.type_fast(BURGER_UPC)
    cashier.settle()
    cashier.wait(lambda: lines(cashier) == [("Fries", 4), ("Burger", 12)])
    assert selected_name(cashier) == "Burger"

    cashier.click(pad.times_key)  # × with nothing typed says what to do
    assert pad.display.text() == "Type the quantity first, then Qty ×"
    press_keys(cashier, "5")
    cashier.click(pad.clear_key)
    assert (pad.typed, pad.armed) == ("", None)


def test_the_new_or_raised_line_is_scrolled_into_view(cashier):
    cashier.tap_item("Burger")
    cashier.till.edit(  # a long check: far more lines than the check view shows
        lambda check: reduce(
            lambda c, n: c.add_item(LineItem(f"Catering tray {n}", 100)), range(60), check
        )
    )
    cashier.settle()
    tree = cashier.window.check_view.tree
    cashier.wait(lambda: tree.verticalScrollBar().maximum() > 0)
    for name in PLAIN[1:]:
        cashier.tap_item(name)
        cashier.wait(lambda n=name: in_view(cashier, n))  # each new line at the bottom
    assert not in_view(cashier, "Burger")
    cashier.tap_item("Burger")  # the first line, raised: back in view at the top
    cashier.wait(lambda: cashier.record.check.items[0].quantity == 2)
    cashier.wait(lambda: in_view(cashier, "Burger"))
    assert not in_view(cashier, "Gift card $20")


def test_a_cheeseburger_asks_its_doneness_and_toppings(cashier):
    cashier.tap_item("Cheeseburger")
    dialog = cashier.dialog(ItemDialog)
    assert [b.text() for b in dialog.choices[1]][:2] == ["Bacon +$1.50", "Avocado +$1.25"]
    assert all(isinstance(b, QRadioButton) for b in dialog.choices[0])
    assert all(isinstance(b, QCheckBox) for b in dialog.choices[1])
    cashier.click(dialog.ok)  # the doneness is required
    assert dialog.error.text() == "Choose the doneness of Cheeseburger."
    assert dialog.isVisible() and cashier.till.record is None
    pick(cashier, dialog, "Medium rare")
    pick(cashier, dialog, "Medium")  # one doneness only
    assert not choice(dialog, "Medium rare").isChecked()
    for topping in ("Bacon +$1.50", "Avocado +$1.25"):
        pick(cashier, dialog, topping)
    assert dialog.summary.text() == "Cheeseburger: Medium, Bacon, Avocado — $13.20"
    cashier.click(dialog.ok)
    cashier.settle()
    cashier.wait(lambda: cashier.till.record is not None)
    [line] = cashier.record.check.items
    assert line.modifiers == (Modifier("Medium"), Modifier("Bacon", 150), Modifier("Avocado", 125))
    assert line.total == 1320
    assert "    + Avocado" in [
        cashier.window.check_view.tree.topLevelItem(i).text(0) for i in range(4)
    ]

    cashier.tap_item("Cheeseburger")  # the same choices: the same line, two of them
    again = cashier.dialog(ItemDialog)
    for text in ("Medium", "Avocado +$1.25", "Bacon +$1.50"):
        pick(cashier, again, text)
    cashier.click(again.ok)
    cashier.wait(lambda: lines(cashier) == [("Cheeseburger", 2)])
    cashier.tap_item("Cheeseburger")  # another doneness: a line of its own
    other = cashier.dialog(ItemDialog)
    pick(cashier, other, "Well done")
    QTest.keyClick(other, Qt.Key.Key_Return)  # Enter adds
    cashier.wait(lambda: lines(cashier) == [("Cheeseburger", 2), ("Cheeseburger", 1)])
    assert selected_name(cashier) == "Cheeseburger"
    assert cashier.record.check.totals.subtotal == 2 * 1320 + 1045


def test_a_latte_scanned_asks_its_size_with_the_quantity_typed_before(cashier):
    pad = cashier.window.menu.quantity
    for key in ("2", "Qty ×"):
        cashier.click(cashier.button(pad, key))
    cashier.type_fast(LATTE_UPC)
    dialog = cashier.dialog(ItemDialog)
    assert dialog.quantity == 2 and cashier.button(dialog, "Add")
    assert [b.text() for b in dialog.choices[0]] == ["Small", "Medium +$0.50", "Large +$0.90"]
    pick(cashier, dialog, "Oat milk +$0.60")  # an optional single choice...
    pick(cashier, dialog, "Almond milk +$0.60")
    assert not choice(dialog, "Oat milk +$0.60").isChecked()
    pick(cashier, dialog, "Almond milk +$0.60")  # ...can be taken back
    assert not any(b.isChecked() for b in dialog.choices[1])
    pick(cashier, dialog, "Large +$0.90")
    assert dialog.summary.text() == "2 × Latte: Large — $9.30"
    cashier.click(dialog.ok)
    cashier.wait(lambda: lines(cashier) == [("Latte", 2)])
    assert cashier.record.check.items[0].modifiers == (Modifier("Large", 90),)

    cashier.tap_item("Latte")  # Cancel adds nothing
    cashier.click(cashier.button(cashier.dialog(ItemDialog), "Cancel"))
    cashier.wait(lambda: not cashier.window.dialogs)
    assert lines(cashier) == [("Latte", 2)]


def test_an_open_price_gift_card_asks_its_price_on_the_keypad(cashier):
    cashier.tap_item("Gift card, any amount")
    tile = cashier.window.findChild(QPushButton, "item:Gift card, any amount")
    assert tile.text().endswith("Any amount")
    dialog = cashier.dialog(ItemDialog)
    assert dialog.price is not None
    cashier.click(dialog.ok)
    assert dialog.error.text() == "Enter the price of Gift card, any amount."
    for key in ("2", "5"):
        cashier.click(cashier.button(dialog, key))
    assert dialog.price.text() == "25"
    assert dialog.summary.text() == "Gift card, any amount — $25.00"
    cashier.click(dialog.ok)
    cashier.wait(lambda: lines(cashier) == [("Gift card, any amount", 1)])
    [gift] = cashier.record.check.items
    assert (gift.unit_price, gift.exemption) == (2500, Exemption.GIFT_CARD)
    assert cashier.record.check.totals.tax == 0

    cashier.tap_item("Gift card, any amount")  # another amount is another line
    dialog = cashier.dialog(ItemDialog)
    dialog.price.setText("50")
    cashier.click(dialog.ok)
    cashier.wait(lambda: len(cashier.record.check.items) == 2)
    assert [i.unit_price for i in cashier.record.check.items] == [2500, 5000]


def test_price_check_shows_prices_adds_nothing_and_a_levelup_code_pays_nothing(cashier):
    cashier.tap_item("Fries")
    price_check = cashier.window.menu.price_check
    QTest.keyClick(cashier.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    cashier.wait(lambda: price_check.on and price_check.isVisible())
    assert price_check.toggle.text() == "Leave price check"
    assert price_check.banner.text().startswith("Price check: ")
    assert not cashier.window.menu.quantity.isVisible()  # nothing to count in price check

    cashier.tap_item("Latte")
    assert not cashier.window.dialogs
    assert price_check.result.text() == "Latte: $3.75"
    assert price_check.detail.text().splitlines()[0] == (
        "Latte size (required, choose one): Small, Medium +$0.50, Large +$0.90"
    )
    cashier.type_fast(BURGER_UPC)
    cashier.wait(lambda: price_check.result.text() == "Burger: $8.95")
    assert price_check.detail.text() == ""
    cashier.tap_item("Gift card, any amount")
    assert price_check.result.text() == "Gift card, any amount: price asked when sold"

    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: cashier.window.message.text() == LEVELUP_NOT_USED)
    assert cashier.window.message.property("role") == "message-bad"
    cashier.settle()
    assert not cashier.window.dialogs
    assert not any(isinstance(d, LevelUpDialog) for d in cashier.window.dialogs)
    assert lines(cashier) == [("Fries", 1)] and cashier.record.check.tenders == ()
    assert cashier.orders() == []

    cashier.click(price_check.toggle)  # leave: taps sell again
    assert not price_check.isVisible() and price_check.toggle.text() == "Price check"
    cashier.tap_item("Fries")
    cashier.wait(lambda: lines(cashier) == [("Fries", 2)])


def test_escape_clears_the_search_then_leaves_it(cashier):
    menu = cashier.window.menu
    menu.search.setFocus()
    cashier.wait(lambda: QApplication.focusWidget() is menu.search)
    cashier.type_slowly("3")  # digits typed into the search stay there
    assert menu.search.text() == "3" and menu.quantity.typed == ""
    menu.search.clear()
    cashier.type_slowly("cof")
    assert [t.objectName() for t in menu.items_area.tiles] == ["item:Coffee"]
    QTest.keyClick(menu.search, Qt.Key.Key_Escape)
    cashier.wait(lambda: menu.search.text() == "")
    assert menu.search.hasFocus()  # ready for the next search
    assert "item:Burger" in [t.objectName() for t in menu.items_area.tiles]
    QTest.keyClick(menu.search, Qt.Key.Key_Escape)
    cashier.wait(lambda: QApplication.focusWidget() is not menu.search)
    cashier.type_slowly("4")  # the keyboard's digits go to the quantity keypad again
    assert menu.quantity.typed == "4"
