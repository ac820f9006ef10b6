"""What an item needs before it goes on the check, asked when it is added: its price when it is
open (a money field and the keypad), and its modifier groups (a single choice is a set of
radio buttons, a multiple choice of check boxes), each choice with its price."""

from __future__ import annotations

from pos_app.domain import DomainError, LineItem, Modifier, format_cents
from pos_app.domain.catalog import ItemOptions, ModifierGroup
from pos_app.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QRadioButton,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.widgets import Keypad, MoneyEdit, cancel_and_ok, dialog_layout, label

COLUMNS = 3
"""Choices a row."""


def choice_text(choice: Modifier) -> str:
    """``Large +$0.90``, or the name alone for a choice that costs nothing."""
    return f"{choice.name} +{format_cents(choice.unit_price)}" if choice.unit_price else choice.name


def group_rule(group: ModifierGroup) -> str:
    """``Doneness (required, choose one)``, ``Toppings (optional, any)``."""
    if group.multiple:
        how = "choose one or more" if group.required else "optional, any"
    else:
        how = "required, choose one" if group.required else "optional, one at most"
    return f"{group.name} ({how})"


def item_title(item: LineItem, quantity: int) -> str:
    return f"{quantity} × {item.name}" if quantity > 1 else item.name


class ItemDialog(QDialog):
    """The item's open price and modifier groups; :attr:`chosen` is the line to add."""

    chosen = Signal(object)  # LineItem

    def __init__(
        self, item: LineItem, options: ItemOptions, quantity: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.item, self.options, self.quantity = item, options, quantity
        self.setWindowTitle(item.name)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self, width=520)
        layout.addWidget(label(item_title(item, quantity), "heading"))
        self.price: MoneyEdit | None = None
        if options.open_price:
            self.price = MoneyEdit()
            self.price.textChanged.connect(self._update)
            layout.addWidget(label("Price", "subtle"))
            layout.addWidget(self.price)
            layout.addWidget(Keypad(self.price))
        self.choices: list[list[QRadioButton | QCheckBox]] = []
        for group in options.groups:
            layout.addWidget(label(group_rule(group), "subtle"))
            grid = QGridLayout()
            buttons = self._choices(group)
            for index, choice in enumerate(buttons):
                grid.addWidget(choice, index // COLUMNS, index % COLUMNS)
            layout.addLayout(grid)
            self.choices.append(buttons)
        self.summary = label("", "heading")
        layout.addWidget(self.summary)
        self.error = label("", "error")
        layout.addWidget(self.error)
        _, self.ok = cancel_and_ok(self, layout, "Add", "primary", self._add)
        self._update()
        if self.price is not None:
            self.price.setFocus()

    def _choices(self, group: ModifierGroup) -> list[QRadioButton | QCheckBox]:
        """The group's buttons: radio buttons (exclusive once required, else a second tap
        takes the choice back) or check boxes."""
        buttons: list[QRadioButton | QCheckBox] = [
            QCheckBox(choice_text(c)) if group.multiple else QRadioButton(choice_text(c))
            for c in group.choices
        ]
        together = QButtonGroup(self)
        together.setExclusive(group.required and not group.multiple)
        for choice in buttons:
            choice.setMinimumHeight(44)
            choice.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            choice.setAutoExclusive(False)
            together.addButton(choice)
            choice.toggled.connect(self._update)
        if not group.multiple and not group.required:

            def one_at_most(chosen: object, on: bool) -> None:
                for other in buttons:
                    if on and other is not chosen:
                        other.setChecked(False)

            together.buttonToggled.connect(one_at_most)
        return buttons

    def picked(self) -> list[tuple[Modifier, ...]]:
        """The choices made, group by group."""
        return [
            tuple(c for c, b in zip(group.choices, buttons, strict=True) if b.isChecked())
            for group, buttons in zip(self.options.groups, self.choices, strict=True)
        ]

    def _line(self) -> LineItem:
        typed = "" if self.price is None else self.price.text().strip()
        price = MoneyEdit.cents_of(typed) if typed else None
        if typed and price is None:
            raise DomainError("Type a price like 25.00.")
        return self.options.line(self.item, self.picked(), price=price, quantity=self.quantity)

    def _update(self) -> None:
        """The line as it stands: what it comes to with the choices made so far."""
        chosen = [m for choices in self.picked() for m in choices]
        unit = self.item.unit_price if self.price is None else (self.price.cents() or 0)
        each = unit + sum(m.unit_price for m in chosen)
        names = ", ".join(m.name for m in chosen)
        self.summary.setText(
            f"{item_title(self.item, self.quantity)}{': ' + names if names else ''} — "
            f"{format_cents(each * self.quantity)}"
        )

    def _add(self) -> None:
        try:
            line = self._line()
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.chosen.emit(line)
        self.accept()
