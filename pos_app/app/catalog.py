"""Reading the catalog file a register sells from (``resources/demo-catalog.toml`` for the demo
register) into a :class:`~pos_app.domain.catalog.Catalog`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pos_app.domain import DomainError, Exemption, LineItem, Modifier
from pos_app.domain.catalog import Catalog
from pos_app.host.resources import resources_dir


class CatalogError(ValueError):
    """The catalog file cannot be used; the message names the file and the entry."""


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
        items = tuple(_item(entry) for entry in data.get("items", []))
        modifiers = tuple(
            Modifier(entry["name"], entry.get("price", 0)) for entry in data.get("modifiers", [])
        )
    except (KeyError, TypeError, ValueError, DomainError) as exc:
        raise CatalogError(f"The catalog {path} has an unusable entry: {exc}") from None
    if not items:
        raise CatalogError(f"The catalog {path} lists no items.")
    return Catalog(items, modifiers)


def _item(entry: dict[str, Any]) -> LineItem:
    exempt = entry.get("exempt")
    return LineItem(
        entry["name"],
        entry["price"],
        sku=entry.get("sku"),
        upc=entry.get("upc"),
        category=entry.get("category"),
        description=entry.get("description", ""),
        tax_class=None if exempt else entry.get("tax_class", "food"),
        exemption=Exemption(exempt) if exempt else None,
    )
