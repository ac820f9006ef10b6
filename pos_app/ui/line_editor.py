"""The buttons under the check that change its lines: quantity, modifiers, discounts, fees,
removal. Each acts on the check on screen only; the engine refuses (and says why) a check that
is paid, voided or sold. Discounts go through their own dialog and the engine's rules on who
may give what (:mod:`pos_app.ui.discount_dialog`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Protocol

from pos_app.domain import Check, Fee, FeeType, Modifier, format_cents
from pos_app.domain.catalog import Catalog
from pos_app.ui.dialogs import AdjustDialog
from pos_app.ui.discount_dialog import Discounting
from pos_app.ui.operations import Screen
from pos_app.ui.qt import QGridLayout, QMenu, QPushButton, QWidget
from pos_app.ui.widgets import button


class Lines(Screen, Protocol):
    """What the line buttons need of the register window: what the manager's actions need
    (:class:`Screen`), and its catalog, for the modifiers offered."""

    @property
    def catalog(self) -> Catalog: ...


class LineEditor(QWidget):
    def __init__(self, window: Lines) -> None:
        super().__init__()
        self._window = window
        self._discounts = Discounting(window, self)
        self.less = button("− 1", tip="One less", shortcut="Ctrl+-")
        self.more = button("+ 1", tip="One more", shortcut="Ctrl+=")
        self.modifier = button("Modifier", tip="Add a modifier to the line", shortcut="Ctrl+M")
        self.line_discount = button("Line −%", tip="Discount this line", shortcut="Ctrl+I")
        self.check_discount = button("Check −%", tip="Discount the check", shortcut="Ctrl+K")
        self.fee = button("Fee", shortcut="Ctrl+E")
        self.remove = button("Remove", "danger", shortcut="Del")
        self.less.clicked.connect(lambda: self._change_quantity(-1))
        self.more.clicked.connect(lambda: self._change_quantity(1))
        self.modifier.clicked.connect(self._modifier_menu)
        self.line_discount.clicked.connect(self._line_discount)
        self.check_discount.clicked.connect(self._check_discount)
        self.fee.clicked.connect(self._fee)
        self.remove.clicked.connect(self._remove)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, widget in enumerate(self.buttons):
            grid.addWidget(widget, index // 4, index % 4)

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.less,
            self.more,
            self.modifier,
            self.remove,
            self.line_discount,
            self.check_discount,
            self.fee,
        )

    def _edit(self, change: Callable[[Check], Check], said: str = "") -> None:
        self._window.till.edit(change, said)

    def _selected_item(self) -> int | None:
        line = self._window.check_view.selected()
        if line is None or line.kind != "item" or not isinstance(line.key, int):
            self._window.say("Select an item line first.", bad=True)
            return None
        return line.key

    def _change_quantity(self, step: int) -> None:
        line_id = self._selected_item()
        record = self._window.till.record
        if line_id is None or record is None:
            return
        quantity = record.check.item(line_id).quantity + step
        if quantity < 1:
            self._edit(lambda check: check.remove_item(line_id))
        else:
            self._edit(
                lambda check: check.update_item(line_id, lambda i: replace(i, quantity=quantity))
            )

    def _modifier_menu(self) -> None:
        line_id = self._selected_item()
        if line_id is None:
            return
        menu = QMenu(self)
        for modifier in self._window.catalog.modifiers:
            price = f" +{format_cents(modifier.unit_price)}" if modifier.unit_price else ""
            menu.addAction(modifier.name + price, partial(self.add_modifier, line_id, modifier))
        menu.popup(self.modifier.mapToGlobal(self.modifier.rect().bottomLeft()))

    def add_modifier(self, line_id: int, modifier: Modifier) -> None:
        self._edit(
            lambda check: check.update_item(
                line_id, lambda i: replace(i, modifiers=(*i.modifiers, modifier))
            ),
            f"Added {modifier.name}.",
        )

    def _line_discount(self) -> None:
        line_id = self._selected_item()
        if line_id is not None:
            self._discounts.offer(line_id)

    def _check_discount(self) -> None:
        self._discounts.offer(None)

    def _fee(self) -> None:
        dialog = AdjustDialog("Fee", "Service fee", allow_percent=False, parent=self)
        dialog.chosen.connect(
            lambda name, cents, _: self._edit(
                lambda check: check.add_fee(Fee(name, FeeType.CUSTOM, cents, "food")),
                f"Fee {name} added.",
            )
        )
        self._window.open_dialog(dialog)

    def _remove(self) -> None:
        line = self._window.check_view.selected()
        if line is None:
            self._window.say("Select a line to remove.", bad=True)
        elif line.kind == "item" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_item(key))
        elif line.kind == "discount" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_discount(key))
        elif line.kind == "fee" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_fee(key))
        else:
            self._window.say("A payment is removed by voiding it (Void payment, F9).", bad=True)
