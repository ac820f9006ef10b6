"""The catalog file: the demo catalog loads, and a broken entry is named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.app.catalog import CatalogError, load_catalog
from pos_app.domain import Exemption, LineItem, Modifier
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
    assert len(catalog.items) == 12
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
