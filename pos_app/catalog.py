"""The menu a register sells from: items by category, the modifiers offered with them, and
lookup by product barcode or by name. Read from a TOML file (``resources/demo-catalog.toml``
for the demo register)."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pos_app.domain import DomainError, Exemption, LineItem, Modifier

RESOURCES_ENV = "LEVELUP_POS_RESOURCES"


class CatalogError(ValueError):
    """The catalog file cannot be used; the message names the file and the entry."""


def resources_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the style sheet, icons and demo catalog are: ``$LEVELUP_POS_RESOURCES``, the
    bundle's own folder (an installed build), else the source tree's ``resources/``."""
    if environ.get(RESOURCES_ENV):
        return Path(environ[RESOURCES_ENV])
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


@dataclass(frozen=True)
class Catalog:
    items: tuple[LineItem, ...]
    modifiers: tuple[Modifier, ...] = ()

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
            and any(wanted in (field or "").casefold() for field in (item.name, item.sku, item.upc))
        ]

    def by_barcode(self, label: str) -> LineItem | None:
        return next((item for item in self.items if item.upc == label), None)


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
