"""The menu: item search (Escape clears it), the price check toggle, category pills, item
tiles and the quantity keypad. A tapped tile, or Enter in the search when one item matches, is
:attr:`MenuPanel.chosen`."""

from __future__ import annotations

import textwrap

from pos_app.domain import LineItem, format_cents
from pos_app.domain.catalog import Catalog
from pos_app.ui.price_check import PriceCheck
from pos_app.ui.qt import (
    QButtonGroup,
    QHBoxLayout,
    QKeyEvent,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from pos_app.ui.quantity_pad import QuantityPad
from pos_app.ui.widgets import TileArea, button, label


def wrapped(name: str, width: int = 14) -> str:
    """An item name broken onto lines of about ``width`` characters (buttons do not wrap)."""
    return textwrap.fill(name, width, break_long_words=False)


class SearchField(QLineEdit):
    """The item search: Escape clears it; on an empty search it leaves the field, so the
    keyboard's digits and * go to the quantity keypad again."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() != Qt.Key.Key_Escape:
            super().keyPressEvent(event)
        elif self.text():
            self.clear()
        else:
            self.clearFocus()


class MenuPanel(QWidget):
    chosen = Signal(object)  # LineItem
    refused = Signal(str)  # what the cashier should do instead

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = SearchField()
        self.search.setPlaceholderText("Search (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_items)
        self.search.returnPressed.connect(self._add_the_match)
        self.price_check = PriceCheck()
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.price_check.toggle)
        layout.addLayout(search_row)
        layout.addWidget(self.price_check)
        self.categories = QButtonGroup(self)
        self.categories.setExclusive(True)
        pills = []
        for category in catalog.categories:
            pill = button(category, "category")
            pill.setCheckable(True)
            pill.clicked.connect(lambda _=False, c=category: self._show_category(c))
            self.categories.addButton(pill)
            pills.append(pill)
        pill_area = TileArea(tile_width=95, fit_height=True)
        pill_area.set_tiles(pills)
        layout.addWidget(pill_area)
        self.items_area = TileArea(tile_width=150)
        layout.addWidget(self.items_area, 1)
        self.quantity = QuantityPad()
        layout.addWidget(self.quantity)
        self.price_check.toggle.toggled.connect(self.quantity.setHidden)  # no quantity to type
        self._show_category(catalog.categories[0])
        self.categories.buttons()[0].setChecked(True)

    def _show_category(self, category: str) -> None:
        self._show_items(self.catalog.in_category(category))

    def _filter_items(self, text: str) -> None:
        if text.strip():
            self._show_items(self.catalog.search(text))
        else:
            checked = self.categories.checkedButton()
            self._show_category(checked.text() if checked else self.catalog.categories[0])

    def _add_the_match(self) -> None:
        """Enter in the search adds the item when exactly one matches (keyboard selling)."""
        matches = self.catalog.search(self.search.text())
        if len(matches) == 1:
            self.chosen.emit(matches[0])
            self.search.clear()
        elif matches:
            self.refused.emit(f"{len(matches)} items match: type more, or tap one.")

    def _show_items(self, items: list[LineItem]) -> None:
        tiles: list[QWidget] = []
        for item in items:
            open_price = self.catalog.options_of(item).open_price
            price = "Any amount" if open_price else format_cents(item.unit_price)
            tile = button(f"{wrapped(item.name)}\n{price}", "item")
            tile.setObjectName(f"item:{item.name}")
            tile.setToolTip(item.description or item.name)
            tile.clicked.connect(lambda _=False, i=item: self.chosen.emit(i))
            tiles.append(tile)
        self.items_area.set_tiles(tiles or [label("No item matches.", "subtle")])
