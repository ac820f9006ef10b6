"""Reading the catalog file a register sells from (``resources/demo-catalog.toml`` for the demo
register) into a :class:`~pos_app.domain.catalog.Catalog`.

The file is validated as a whole by pydantic models: every problem is named by its key, as
``items.0.price: Field required``, the way settings errors are. Modifier groups are listed once
(``[[modifier_groups]]``) and named by the items that offer them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from pos_app.domain import DomainError, Exemption, LineItem, Modifier
from pos_app.domain.catalog import Catalog, ItemOptions, ModifierGroup
from pos_app.domain.money import MAX_CENTS
from pos_app.engine import DiscountPreset
from pos_app.host.resources import resources_dir

T = TypeVar("T")

Price = Annotated[int, Field(ge=0, le=MAX_CENTS)]
"""Whole cents (strict: ``8.95`` or ``"895"`` is no price)."""


class CatalogError(ValueError):
    """The catalog file cannot be used; the message names the file and the entry."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _checked(build: Callable[[], T]) -> T:
    """``build()``; what the domain says against it (a blank name, a UPC that is not digits)
    becomes an error of the entry."""
    try:
        return build()
    except DomainError as exc:
        raise PydanticCustomError("catalog_entry", "{problem}", {"problem": str(exc)}) from None


class _ModifierEntry(_Entry):
    name: str
    price: Price = 0

    _modifier: Modifier | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _domain(self) -> _ModifierEntry:
        self._modifier = _checked(lambda: Modifier(self.name, self.price))
        return self

    def modifier(self) -> Modifier:
        assert self._modifier is not None
        return self._modifier


class _GroupEntry(_Entry):
    name: str
    required: bool = False
    """The cashier must choose before the item goes on the check."""
    multiple: bool = False
    """Any number of choices (toppings); else one at most (a size)."""
    choices: list[_ModifierEntry]

    _group: ModifierGroup | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _domain(self) -> _GroupEntry:
        self._group = _checked(
            lambda: ModifierGroup(
                self.name,
                tuple(choice.modifier() for choice in self.choices),
                self.required,
                self.multiple,
            )
        )
        return self

    def group(self) -> ModifierGroup:
        assert self._group is not None
        return self._group


class _ItemEntry(_Entry):
    name: str
    price: Price
    category: str | None = None
    sku: str | None = None
    upc: str | None = None
    """UPC-A, EAN-13, EAN-8 or UPC-E: a scan of it adds the item."""
    description: str = ""
    tax_class: str = "food"
    exempt: Annotated[Exemption, Field(strict=False)] | None = None
    """Why the item earns no loyalty credit (``gift_card``, ``tobacco``...); it is untaxed."""
    open_price: bool = False
    """The price is asked when the item is sold (the entry then has no ``price``)."""
    modifier_groups: list[str] = []
    """The names of the groups asked when the item is added, in order."""

    _item: LineItem | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _no_price_when_open(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("open_price") is True:
            if "price" in data:
                raise PydanticCustomError(
                    "catalog_entry", "an open-price item has no price: it is asked when sold"
                )
            return {**data, "price": 0}
        return data

    @model_validator(mode="after")
    def _domain(self) -> _ItemEntry:
        self._item = _checked(
            lambda: LineItem(
                self.name,
                self.price,
                sku=self.sku,
                upc=self.upc,
                category=self.category,
                description=self.description,
                tax_class=None if self.exempt else self.tax_class,
                exemption=self.exempt,
            )
        )
        return self

    def line_item(self) -> LineItem:
        assert self._item is not None
        return self._item


class _DiscountEntry(_Entry):
    """A discount preset: ``amount`` (cents) or ``percent`` off one line or the check."""

    name: str
    amount: Price = 0
    percent: Annotated[Decimal, Field(strict=False, gt=0)] | None = None
    on: Literal["line", "check"] = "check"

    _preset: DiscountPreset | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _domain(self) -> _DiscountEntry:
        preset = DiscountPreset(self.name, self.amount, self.percent, on_line=self.on == "line")
        self._preset = _checked(lambda: replace(preset, name=preset.discount.label))
        return self

    def preset(self) -> DiscountPreset:
        assert self._preset is not None
        return self._preset


class _CatalogFile(_Entry):
    items: list[_ItemEntry] = []
    modifiers: list[_ModifierEntry] = []
    discounts: list[_DiscountEntry] = []
    modifier_groups: list[_GroupEntry] = []

    def options(self) -> dict[str, ItemOptions]:
        """What each item that asks something asks, by its name (the names are checked)."""
        groups = {entry.name: entry.group() for entry in self.modifier_groups}
        return {
            entry.name: ItemOptions(
                tuple(groups[name] for name in entry.modifier_groups), entry.open_price
            )
            for entry in self.items
            if entry.modifier_groups or entry.open_price
        }

    def name_problems(self) -> list[str]:
        """Names used twice, and groups an item names that are not listed."""
        problems = _twice("items", [entry.name for entry in self.items], "item")
        groups = [entry.name for entry in self.modifier_groups]
        problems += _twice("modifier_groups", groups, "group")
        problems += [
            f"items.{index}.modifier_groups.{at}: no modifier group is named {name!r}"
            for index, entry in enumerate(self.items)
            for at, name in enumerate(entry.modifier_groups)
            if name not in groups
        ]
        return problems


def _twice(key: str, names: list[str], what: str) -> list[str]:
    return [
        f"{key}.{index}.name: another {what} is named {name!r}"
        for index, name in enumerate(names)
        if name in names[:index]
    ]


STORE_CATALOG = "store-catalog.toml"
"""The store server's catalog as this register last copied it, in its data directory."""


def catalog_file(data_dir: Path) -> Path:
    """The catalog a register sells from: the store's copy when there is one, else the demo
    catalog."""
    copied = data_dir / STORE_CATALOG
    return copied if copied.exists() else resources_dir() / "demo-catalog.toml"


def load_catalog(path: Path | None = None) -> Catalog:
    """Read a catalog file (default: the demo catalog)."""
    path = path or resources_dir() / "demo-catalog.toml"
    return _catalog(_read(path), path)


def check_catalog(text: str, source: Path) -> Catalog:
    """The catalog ``text`` (from ``source``) holds, checked as :func:`load_catalog` checks a
    file."""
    return _catalog(_parse(text, source), source)


def _catalog(catalog: _CatalogFile, path: Path) -> Catalog:
    if not catalog.items:
        raise CatalogError(f"The catalog {path} lists no items.")
    if problems := catalog.name_problems():
        raise CatalogError(f"The catalog {path} cannot be used: {'; '.join(problems)}")
    return Catalog(
        tuple(entry.line_item() for entry in catalog.items),
        tuple(entry.modifier() for entry in catalog.modifiers),
        options=catalog.options(),
    )


def load_discounts(path: Path | None = None) -> tuple[DiscountPreset, ...]:
    """The discount presets of a catalog file (default: the demo catalog)."""
    catalog = _read(path or resources_dir() / "demo-catalog.toml")
    return tuple(entry.preset() for entry in catalog.discounts)


def _read(path: Path) -> _CatalogFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"The catalog {path} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise CatalogError(f"The catalog {path} is not UTF-8 text.") from None
    return _parse(text, path)


def _parse(text: str, path: Path) -> _CatalogFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"The catalog {path} is not valid TOML: {exc}.") from None
    try:
        return _CatalogFile.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"The catalog {path} cannot be used: {_problems(exc)}") from None


def _problems(error: ValidationError) -> str:
    """``items.0.price: Field required; ...``"""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors(include_input=False, include_url=False)
    )
