"""Reading the catalog file a register sells from (``resources/demo-catalog.toml`` for the demo
register) into a :class:`~pos_app.domain.catalog.Catalog`.

The file is validated as a whole by pydantic models: every problem is named by its key, as
``items.0.price: Field required``, the way settings errors are.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from pos_app.domain import DomainError, Exemption, LineItem, Modifier
from pos_app.domain.catalog import Catalog
from pos_app.domain.money import MAX_CENTS
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

    _item: LineItem | None = PrivateAttr(default=None)

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


class _CatalogFile(_Entry):
    items: list[_ItemEntry] = []
    modifiers: list[_ModifierEntry] = []


def load_catalog(path: Path | None = None) -> Catalog:
    """Read a catalog file (default: the demo catalog)."""
    path = path or resources_dir() / "demo-catalog.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"The catalog {path} cannot be read: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"The catalog {path} is not valid TOML: {exc}.") from None
    try:
        catalog = _CatalogFile.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"The catalog {path} cannot be used: {_problems(exc)}") from None
    if not catalog.items:
        raise CatalogError(f"The catalog {path} lists no items.")
    return Catalog(
        tuple(entry.line_item() for entry in catalog.items),
        tuple(entry.modifier() for entry in catalog.modifiers),
    )


def _problems(error: ValidationError) -> str:
    """``items.0.price: Field required; ...``"""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors(include_input=False, include_url=False)
    )
