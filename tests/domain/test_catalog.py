"""The catalog's modifier groups and open prices: what is asked when an item is added."""

from __future__ import annotations

import pytest

from pos_app.domain import DomainError, InvalidAmount, LineItem, Modifier
from pos_app.domain.catalog import NOTHING_ASKED, Catalog, ItemOptions, ModifierGroup

MEDIUM, WELL = Modifier("Medium"), Modifier("Well done")
BACON, EGG = Modifier("Bacon", 150), Modifier("Fried egg", 100)
DONENESS = ModifierGroup("Doneness", (MEDIUM, WELL), required=True)
TOPPINGS = ModifierGroup("Toppings", (BACON, EGG), multiple=True)
MILK = ModifierGroup("Milk", (Modifier("Oat milk", 60), Modifier("Skim milk")))
BURGER = LineItem("Cheeseburger", 1045, tax_class="food", modifiers=(Modifier("Pickles"),))
GIFT = LineItem("Gift card", 0)
BURGER_OPTIONS = ItemOptions((DONENESS, TOPPINGS))


def test_a_line_takes_the_choices_in_the_groups_order_after_its_own_modifiers() -> None:
    line = BURGER_OPTIONS.line(BURGER, [(WELL,), (EGG, BACON)], quantity=2)
    assert line.modifiers == (Modifier("Pickles"), WELL, EGG, BACON)
    assert (line.quantity, line.unit_price, line.total) == (2, 1045, 2 * (1045 + 250))
    assert BURGER_OPTIONS.line(BURGER, [(MEDIUM,), ()]).modifiers[1:] == (MEDIUM,)


@pytest.mark.parametrize(
    ("picked", "says"),
    [
        ([(), (BACON,)], "Choose the doneness of Cheeseburger."),
        ([(MEDIUM, WELL), ()], "Doneness takes one choice, not 2."),
        ([(BACON,), ()], "Bacon is not a choice of Doneness."),
        ([(MEDIUM,)], "Cheeseburger has 2 modifier groups."),
    ],
)
def test_a_group_not_answered_as_it_asks_is_refused(picked, says) -> None:
    with pytest.raises(DomainError) as refused:
        BURGER_OPTIONS.line(BURGER, picked)
    assert str(refused.value) == says


def test_an_optional_single_group_takes_nothing_or_one() -> None:
    options = ItemOptions((MILK,))
    assert options.line(BURGER, [()]).modifiers == BURGER.modifiers
    with pytest.raises(DomainError, match="Milk takes one choice"):
        options.line(BURGER, [MILK.choices])


def test_an_open_price_is_asked_and_only_for_an_open_price_item() -> None:
    options = ItemOptions(open_price=True)
    assert options.asks and BURGER_OPTIONS.asks and not NOTHING_ASKED.asks
    line = options.line(GIFT, [], price=2500, quantity=3)
    assert (line.unit_price, line.quantity, line.total) == (2500, 3, 7500)
    for price in (None, 0):
        with pytest.raises(DomainError, match="Enter the price of Gift card"):
            options.line(GIFT, [], price=price)
    with pytest.raises(InvalidAmount):
        options.line(GIFT, [], price=-5)
    with pytest.raises(DomainError, match="has its price in the catalog"):
        BURGER_OPTIONS.line(BURGER, [(MEDIUM,), ()], price=100)


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: ModifierGroup(" ", (MEDIUM,)), "A modifier group needs a name."),
        (lambda: ModifierGroup("Size", ()), "The modifier group Size has no choices."),
        (lambda: ModifierGroup("Size", (MEDIUM, MEDIUM)), "Size lists Medium twice."),
        (
            lambda: Catalog((BURGER,), options={"Latte": NOTHING_ASKED}),
            "The catalog has options for Latte, which it does not sell.",
        ),
    ],
)
def test_a_group_or_catalog_that_cannot_be_is_refused(build, says) -> None:
    with pytest.raises(DomainError) as refused:
        build()
    assert says in str(refused.value)


def test_the_catalog_says_what_each_item_asks() -> None:
    catalog = Catalog((BURGER, GIFT), options={"Cheeseburger": BURGER_OPTIONS})
    assert catalog.options_of(BURGER) is BURGER_OPTIONS
    assert catalog.options_of(GIFT) is NOTHING_ASKED
