"""The menu a register sells from: items by category, the modifiers offered with them, what is
asked when an item is added (its modifier groups, its price when it is open), and lookup by
product barcode or by name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from pos_app.domain.errors import DomainError
from pos_app.domain.items import LineItem, Modifier
from pos_app.domain.money import Cents, require_cents


@dataclass(frozen=True)
class ModifierGroup:
    """Modifiers offered together with an item (a size, a doneness, toppings): a required
    group must be answered; a single-choice group takes one choice at most."""

    name: str
    choices: tuple[Modifier, ...]
    required: bool = False
    multiple: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise DomainError("A modifier group needs a name.")
        if not self.choices:
            raise DomainError(f"The modifier group {self.name} has no choices.")
        names = [choice.name for choice in self.choices]
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:
            raise DomainError(f"The modifier group {self.name} lists {twice} twice.")

    def require(self, picked: Sequence[Modifier], item: str) -> None:
        """Refuse ``picked`` unless it answers this group for ``item``."""
        if self.required and not picked:
            raise DomainError(f"Choose the {self.name.casefold()} of {item}.")
        if len(picked) > 1 and not self.multiple:
            raise DomainError(f"{self.name} takes one choice, not {len(picked)}.")
        stranger = next((m for m in picked if m not in self.choices), None)
        if stranger is not None:
            raise DomainError(f"{stranger.name} is not a choice of {self.name}.")


@dataclass(frozen=True)
class ItemOptions:
    """What is asked when an item is added: its modifier groups, in order, and its price
    when the item has an open price (a gift card of any amount)."""

    groups: tuple[ModifierGroup, ...] = ()
    open_price: bool = False

    @property
    def asks(self) -> bool:
        return bool(self.groups) or self.open_price

    def line(
        self,
        item: LineItem,
        picked: Sequence[Sequence[Modifier]],
        *,
        price: Cents | None = None,
        quantity: int = 1,
    ) -> LineItem:
        """``quantity`` of ``item`` with the choices ``picked`` in each group (in the groups'
        order) and, for an open price, at ``price``; refused, saying what is missing, when a
        group is not answered or an open price is not given."""
        if len(picked) != len(self.groups):
            raise DomainError(f"{item.name} has {len(self.groups)} modifier groups.")
        for group, choices in zip(self.groups, picked, strict=True):
            group.require(choices, item.name)
        if self.open_price and not price:
            raise DomainError(f"Enter the price of {item.name}.")
        if price is not None and not self.open_price:
            raise DomainError(f"{item.name} has its price in the catalog.")
        chosen = tuple(choice for choices in picked for choice in choices)
        return replace(
            item,
            unit_price=item.unit_price if price is None else require_cents(price, item.name),
            quantity=quantity,
            modifiers=(*item.modifiers, *chosen),
        )


NOTHING_ASKED = ItemOptions()


@dataclass(frozen=True)
class Catalog:
    """Items in the order the file lists them, the modifiers a cashier may add to any line,
    and, by item name, what is asked when an item is added."""

    items: tuple[LineItem, ...]
    modifiers: tuple[Modifier, ...] = ()
    options: Mapping[str, ItemOptions] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        names = {item.name for item in self.items}
        unknown = next((name for name in self.options if name not in names), None)
        if unknown is not None:
            raise DomainError(f"The catalog has options for {unknown}, which it does not sell.")

    def options_of(self, item: LineItem) -> ItemOptions:
        return self.options.get(item.name, NOTHING_ASKED)

    @property
    def categories(self) -> list[str]:
        """Category names in the order the catalog first lists them."""
        return list(dict.fromkeys(item.category or "Other" for item in self.items))

    def in_category(self, category: str) -> list[LineItem]:
        return [item for item in self.items if (item.category or "Other") == category]

    def search(self, text: str) -> list[LineItem]:
        """Items whose name, SKU or barcode contains ``text`` (any case)."""
        wanted = text.strip().casefold()
        return [
            item
            for item in self.items
            if wanted
            and any(wanted in (value or "").casefold() for value in (item.name, item.sku, item.upc))
        ]

    def by_barcode(self, label: str) -> LineItem | None:
        return next((item for item in self.items if item.upc == label), None)
