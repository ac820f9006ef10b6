"""The catalog file: the demo catalog loads, and a broken entry is named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.app.catalog import CatalogError, load_catalog
from pos_app.domain import Exemption, LineItem, Modifier
from pos_app.domain.catalog import NOTHING_ASKED, ItemOptions, ModifierGroup
from pos_app.host.resources import resources_dir

BURGER = '[[items]]\nname = "Burger"\nprice = 895\n'


def catalog_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    path = catalog_file(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_the_demo_catalog_loads() -> None:
    catalog = load_catalog()
    assert catalog == load_catalog(resources_dir() / "demo-catalog.toml")
    assert len(catalog.items) == 16
    assert catalog.categories == ["Mains", "Sides", "Drinks", "Bakery", "Gift cards"]
    burger = catalog.items[0]
    assert burger == LineItem(
        "Burger",
        895,
        sku="B100",
        upc="012345678905",
        category="Mains",
        description="Quarter pound, brioche bun",
        tax_class="food",
    )
    assert catalog.by_barcode("4006381333931") == catalog.search("fries")[0]
    gift_card = catalog.search("G900")[0]
    assert (gift_card.exemption, gift_card.tax_class) == (Exemption.GIFT_CARD, None)
    assert catalog.modifiers[0] == Modifier("Cheese", 75)
    assert Modifier("No onions", 0) in catalog.modifiers


def test_the_demo_catalog_asks_for_doneness_sizes_and_open_prices() -> None:
    catalog = load_catalog()
    [cheeseburger] = catalog.search("Cheeseburger")
    doneness, toppings = catalog.options_of(cheeseburger).groups
    assert (doneness.name, doneness.required, doneness.multiple) == ("Doneness", True, False)
    assert (toppings.required, toppings.multiple) == (False, True)
    assert Modifier("Bacon", 150) in toppings.choices
    latte = catalog.by_barcode("036000291452")
    assert latte is not None and latte.name == "Latte"
    size = catalog.options_of(latte).groups[0]
    assert size.required and [c.unit_price for c in size.choices] == [0, 50, 90]
    [gift] = catalog.search("any amount")
    assert catalog.options_of(gift) == ItemOptions(open_price=True)
    assert (gift.unit_price, gift.exemption) == (0, Exemption.GIFT_CARD)
    assert catalog.options_of(catalog.items[0]) is NOTHING_ASKED  # the plain Burger


SIZE = """
[[modifier_groups]]
name = "Size"
required = true
choices = [{ name = "Small" }, { name = "Large", price = 90 }]
"""
ASKS_SIZE = BURGER + 'modifier_groups = ["Size"]\n'


def test_modifier_groups_are_named_by_the_items_that_ask_them(tmp_path: Path) -> None:
    fries = '[[items]]\nname = "Fries"\nprice = 350\n'
    catalog = load_catalog(catalog_file(tmp_path, ASKS_SIZE + fries + SIZE))
    size = ModifierGroup("Size", (Modifier("Small"), Modifier("Large", 90)), required=True)
    assert catalog.options == {"Burger": ItemOptions((size,))}


def test_an_open_price_item_needs_no_price(tmp_path: Path) -> None:
    text = '[[items]]\nname = "Gift"\nopen_price = true\n'
    catalog = load_catalog(catalog_file(tmp_path, text))
    assert catalog.items[0].unit_price == 0
    assert catalog.options_of(catalog.items[0]) == ItemOptions(open_price=True)


GROUP = '[[modifier_groups]]\nname = "Size"\n'
GIFT = '[[items]]\nname = "Gift"\n'


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            ASKS_SIZE.replace('"Size"', '"Sizes"') + SIZE,
            "items.0.modifier_groups.0: no modifier group is named 'Sizes'",
        ),
        (BURGER + BURGER, "items.1.name: another item is named 'Burger'"),
        (BURGER + SIZE + SIZE, "modifier_groups.1.name: another group is named 'Size'"),
        (BURGER + GROUP + "choices = []\n", "modifier_groups.0: The modifier group Size has"),
        (
            BURGER + GROUP + 'required = "yes"\nchoices = [{ name = "S" }]\n',
            "modifier_groups.0.required: Input should be a valid boolean",
        ),
        (BURGER + GROUP, "modifier_groups.0.choices: Field required"),
        (GIFT + "open_price = true\nprice = 500\n", "items.0: an open-price item has no price"),
        (GIFT + 'open_price = "yes"\n', "items.0.open_price: Input should be a valid boolean"),
    ],
)
def test_a_group_or_an_open_price_that_cannot_be_is_named_by_its_key(
    tmp_path: Path, text: str, says: str
) -> None:
    assert says in problem(tmp_path, text)


def test_a_missing_price_is_named_by_its_key(tmp_path: Path) -> None:
    message = problem(tmp_path, BURGER + '[[items]]\nname = "Fries"\n')
    assert message.endswith(": items.1.price: Field required")


@pytest.mark.parametrize(
    ("entry", "key", "says"),
    [
        ('price = "cheap"', "items.0.price", "Input should be a valid integer"),
        ("price = 8.95", "items.0.price", "Input should be a valid integer"),  # no floats
        ("price = -1", "items.0.price", "greater than or equal to 0"),
        ("price = 1\nsku = 100", "items.0.sku", "Input should be a valid string"),
        ('price = 1\nexempt = "beer"', "items.0.exempt", "'tobacco', 'alcohol', 'gift_card'"),
        ('price = 1\nupc = "12a"', "items.0", "The UPC of Fries must be digits only"),
    ],
)
def test_a_value_of_the_wrong_type_is_named_by_its_key(
    tmp_path: Path, entry: str, key: str, says: str
) -> None:
    message = problem(tmp_path, f'[[items]]\nname = "Fries"\n{entry}\n')
    assert f": {key}: " in message
    assert says in message


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    message = problem(tmp_path, BURGER + 'colour = "red"\n')
    assert message.endswith(": items.0.colour: Extra inputs are not permitted")
    message = problem(tmp_path, 'shop = "Main St"\n' + BURGER)
    assert message.endswith(": shop: Extra inputs are not permitted")


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    message = problem(
        tmp_path, 'modifiers = [{ name = "Cheese", price = "75" }]\n[[items]]\nname = "Fries"\n'
    )
    assert "items.0.price: Field required" in message
    assert "modifiers.0.price: Input should be a valid integer" in message


def test_a_catalog_without_items_or_unreadable(tmp_path: Path) -> None:
    assert "lists no items" in problem(tmp_path, 'modifiers = [{ name = "Cheese" }]\n')
    assert "is not valid TOML" in problem(tmp_path, "[[items]\n")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / "nowhere.toml")
