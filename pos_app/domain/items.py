"""What goes on a check: line items with modifiers, non-LevelUp discounts, and fees."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from pos_app.domain.errors import DomainError, InvalidAmount, InvalidQuantity
from pos_app.domain.money import (
    MAX_CENTS,
    Cents,
    format_cents,
    percent_of,
    require_cents,
    to_rate,
)

MAX_QUANTITY = 9999
"""More of one item than any register rings up; larger quantities are keying mistakes."""


def _require_quantity(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQuantity(f"The quantity of {what} must be a whole number, not {value!r}.")
    if value <= 0:
        raise InvalidQuantity(f"The quantity of {what} must be at least 1, not {value}.")
    if value > MAX_QUANTITY:
        raise InvalidQuantity(f"The quantity of {what} cannot be more than {MAX_QUANTITY}.")
    return value


def _require_name(value: str, what: str) -> str:
    name = value.strip()
    if not name:
        raise DomainError(f"{what} needs a name.")
    return name


def _bounded(amount: int, what: str) -> Cents:
    if amount > MAX_CENTS:
        raise InvalidAmount(f"{what} comes to more than a register can take.")
    return amount


class Exemption(StrEnum):
    """Why an item is exempt from LevelUp loyalty credit (it feeds ``exemption_amount``)."""

    TOBACCO = "tobacco"
    ALCOHOL = "alcohol"
    GIFT_CARD = "gift_card"
    OTHER = "other"


@dataclass(frozen=True)
class Modifier:
    """A child of a line item (an add-on or an instruction) with its own price.

    ``quantity`` is per unit of the parent item: two cheeses on each of three burgers is
    ``quantity=2`` on a line of quantity 3, charged six times.
    """

    name: str
    unit_price: Cents = 0
    quantity: int = 1
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _require_name(self.name, "A modifier"))
        require_cents(self.unit_price, f"The price of {self.name}")
        _require_quantity(self.quantity, self.name)


@dataclass(frozen=True)
class Discount:
    """A non-LevelUp discount: a fixed amount or a percentage, on one item or on the check."""

    label: str
    amount: Cents = 0
    percent: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", _require_name(self.label, "A discount"))
        require_cents(self.amount, f"The discount {self.label}")
        if self.percent is not None:
            object.__setattr__(self, "percent", to_rate(self.percent, f"The discount {self.label}"))
            if self.amount:
                raise DomainError(f"The discount {self.label} is either an amount or a percent.")
        elif not self.amount:
            raise DomainError(f"The discount {self.label} needs an amount or a percent.")

    def off(self, base: Cents) -> Cents:
        """How much this discount takes off ``base``, never more than ``base``."""
        wanted = self.amount if self.percent is None else percent_of(base, self.percent)
        return min(base, wanted)


def require_within(discount: Discount, left: Cents, what: str) -> None:
    """A fixed discount may not be more than what is left of ``what`` to discount (a percent
    never is): the register never shows a discount bigger than the one it takes."""
    if discount.percent is None and discount.amount > left:
        raise InvalidAmount(
            f"A discount of {format_cents(discount.amount)} is more than the "
            f"{format_cents(max(0, left))} left on {what}."
        )


@dataclass(frozen=True)
class LineItem:
    """One line of a check: ``quantity`` of an item at ``unit_price``, with its modifiers.

    Item discounts come off the item's own price (its standard price), never below zero;
    modifiers keep their prices. ``line_id`` is given by the check when the line is added.
    """

    name: str
    unit_price: Cents
    quantity: int = 1
    description: str = ""
    sku: str | None = None
    upc: str | None = None
    category: str | None = None
    tax_class: str | None = None
    exemption: Exemption | None = None
    modifiers: tuple[Modifier, ...] = ()
    discounts: tuple[Discount, ...] = ()
    line_id: int = 0
    returned: int = 0
    """Units of this line the customer returned after the sale (they stay on the check)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _require_name(self.name, "An item"))
        require_cents(self.unit_price, f"The price of {self.name}")
        _require_quantity(self.quantity, self.name)
        returned = self.returned
        if isinstance(returned, bool) or not isinstance(returned, int):
            raise InvalidQuantity(f"Returned units must be a whole number, not {returned!r}.")
        if not 0 <= returned <= self.quantity:
            raise InvalidQuantity(
                f"{self.returned!r} of {self.quantity} {self.name} cannot be returned."
            )
        if self.upc is not None and not self.upc.isdigit():
            raise DomainError(f"The UPC of {self.name} must be digits only, not {self.upc!r}.")
        _bounded(self.standard_price + self.modifiers_price, f"{self.name}")

    @property
    def standard_price(self) -> Cents:
        """Unit price × quantity, before discounts and without modifiers."""
        return self.unit_price * self.quantity

    @property
    def discount_amount(self) -> Cents:
        """What this line's own discounts take off its standard price, applied in order."""
        return sum(self.discount_amounts)

    @property
    def discount_amounts(self) -> tuple[Cents, ...]:
        """What each of this line's discounts takes, in order."""
        remaining = self.standard_price
        taken = []
        for discount in self.discounts:
            taken.append(discount.off(remaining))
            remaining -= taken[-1]
        return tuple(taken)

    def with_discount(self, discount: Discount) -> LineItem:
        """This line with one more discount; a fixed one may not be more than what is left."""
        require_within(discount, self.charged_price, self.name)
        return replace(self, discounts=(*self.discounts, discount))

    @property
    def charged_price(self) -> Cents:
        """Standard price less this line's non-LevelUp discounts (LevelUp's item price)."""
        return self.standard_price - self.discount_amount

    def modifier_charge(self, modifier: Modifier) -> Cents:
        """What one modifier adds to this line: its price × its quantity × the line quantity."""
        return modifier.unit_price * modifier.quantity * self.quantity

    @property
    def modifiers_price(self) -> Cents:
        return sum(self.modifier_charge(m) for m in self.modifiers)

    @property
    def total(self) -> Cents:
        """What the line adds to the subtotal: charged price plus modifiers."""
        return self.charged_price + self.modifiers_price

    def sells_as(self, other: LineItem) -> bool:
        """``other`` is more of this line: the same item at the same price with the same
        modifiers (in any order), and neither is discounted."""
        return (
            not self.discounts
            and not other.discounts
            and self._sold_as == other._sold_as
            and Counter(self.modifiers) == Counter(other.modifiers)
        )

    @property
    def _sold_as(self) -> tuple[object, ...]:
        return (
            self.name,
            self.unit_price,
            self.description,
            self.sku,
            self.upc,
            self.category,
            self.tax_class,
            self.exemption,
        )


class FeeType(StrEnum):
    """The fee types LevelUp accepts."""

    DELIVERY = "delivery"
    CUSTOM = "custom"
    CATERING = "catering"


@dataclass(frozen=True)
class Fee:
    """A fee on the check, taxed on its own by ``tax_class`` (collected by the merchant)."""

    name: str
    type: FeeType
    amount: Cents
    tax_class: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _require_name(self.name, "A fee"))
        try:
            object.__setattr__(self, "type", FeeType(self.type))
        except ValueError:
            kinds = ", ".join(t.value for t in FeeType)
            raise DomainError(f"Fee type {self.type!r} is not one of {kinds}.") from None
        require_cents(self.amount, f"The fee {self.name}")
