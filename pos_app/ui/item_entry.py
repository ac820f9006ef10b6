"""Items onto the check, fast: every tapped or scanned item comes to :meth:`ItemEntry.enter`.

In price check it only shows its price. Otherwise it goes on the check with the quantity typed
on the keypad before it ("3 ×"), once what its catalog entry asks (its open price, its modifier
groups) is answered in :class:`~pos_app.ui.modifier_dialog.ItemDialog`. The check raises the
quantity of a line that sells as it (:meth:`~pos_app.domain.Check.add_or_raise`), and the check
view selects the new or changed line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from pos_app.domain import LineItem
from pos_app.domain.catalog import Catalog
from pos_app.ui.menu_panel import MenuPanel
from pos_app.ui.modifier_dialog import ItemDialog
from pos_app.ui.operations import Screen
from pos_app.ui.price_check import LEVELUP_NOT_USED


class Seller(Screen, Protocol):
    """What item entry needs of the register window: its catalog, and the way it puts a line
    on the check (refused, with the reason said, when the check takes no items)."""

    @property
    def catalog(self) -> Catalog: ...
    def add_item(self, item: LineItem) -> None: ...


class ItemEntry:
    def __init__(self, window: Seller, menu: MenuPanel) -> None:
        self._window = window
        self._menu = menu
        menu.chosen.connect(self.enter)

    def enter(self, item: LineItem) -> None:
        """A tapped or scanned item (see the module's docstring)."""
        options = self._window.catalog.options_of(item)
        if self._menu.price_check.on:
            self._menu.price_check.show_price(item, options)
            return
        quantity = self._menu.quantity.take()
        if not options.asks or not self._window.till.editable:
            self._window.add_item(replace(item, quantity=quantity))  # or says why not
            return
        dialog = ItemDialog(item, options, quantity, self._menu)
        dialog.chosen.connect(self._window.add_item)
        self._window.open_dialog(dialog)

    def refuses_payment(self) -> bool:
        """In price check a LevelUp code pays nothing: say so."""
        if self._menu.price_check.on:
            self._window.say(LEVELUP_NOT_USED, bad=True)
        return self._menu.price_check.on
