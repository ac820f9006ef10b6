"""The menu a register sells from: items by category, the modifiers offered with them, and
lookup by product barcode or by name."""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.items import LineItem, Modifier


@dataclass(frozen=True)
class Catalog:
    """Items in the order the file lists them, and the modifiers a cashier may add."""

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
