"""Price check mode: while it is on, a scanned or tapped item shows its price and its
modifiers' prices, and nothing goes on the check; a LevelUp code scanned meanwhile pays
nothing. The toggle says how to leave, and a banner says the mode is on."""

from __future__ import annotations

from pos_app.domain import LineItem, format_cents
from pos_app.domain.catalog import ItemOptions
from pos_app.ui.modifier_dialog import choice_text, group_rule
from pos_app.ui.qt import QVBoxLayout, QWidget
from pos_app.ui.widgets import button, label

SHORTCUT = "Ctrl+P"
ON = "Price check: scan or tap an item to see its price. Nothing goes on the check."
LEVELUP_NOT_USED = (
    "Price check is on: the LevelUp code was not used and nothing was paid. Leave price check "
    f"({SHORTCUT}), then scan the code again."
)


def price_lines(item: LineItem, options: ItemOptions) -> list[str]:
    """``Latte: $3.75``, then each modifier group with its choices' prices."""
    price = "price asked when sold" if options.open_price else format_cents(item.unit_price)
    return [
        f"{item.name}: {price}",
        *(
            f"{group_rule(group)}: {', '.join(choice_text(c) for c in group.choices)}"
            for group in options.groups
        ),
    ]


class PriceCheck(QWidget):
    """The toggle (:attr:`toggle`, for the search row) and the banner with the last price
    looked up (this widget, shown while the mode is on)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = button("Price check", shortcut=SHORTCUT, tip="Show prices, add nothing")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._switched)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = label(ON, "banner")
        self.result = label("", "heading")
        self.detail = label("")
        for widget in (self.banner, self.result, self.detail):
            layout.addWidget(widget)
        self.setVisible(False)

    @property
    def on(self) -> bool:
        return self.toggle.isChecked()

    def show_price(self, item: LineItem, options: ItemOptions) -> None:
        price, *groups = price_lines(item, options)
        self.result.setText(price)
        self.detail.setText("\n".join(groups))

    def _switched(self, on: bool) -> None:
        self.toggle.setText("Leave price check" if on else "Price check")
        self.result.setText("")
        self.detail.setText("")
        self.setVisible(on)
