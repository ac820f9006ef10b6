"""Receipts: laying out a sale of 20 lines, its ESC/POS bytes (alone, with the layout, and
from the JSON the print queue stores, as the queue prints it), and its PNG preview.

Run from the repository root: ``.venv/bin/python -m benchmarks.receipts [ROUNDS]``.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal

from benchmarks.common import measure, p50, p99
from pos_app.domain import (
    Check,
    Discount,
    LevelUpDetail,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
    Tender,
    TenderKind,
)
from pos_app.engine import CheckRecord, CheckState, TenderInfo
from pos_app.receipts import Receipt, StoreHeader, sale_receipt
from pos_app.receipts.escpos_bytes import to_escpos
from pos_app.receipts.preview import to_png

AT = datetime(2026, 12, 1, 14, 3, tzinfo=UTC)
HEADER = StoreHeader("Demo Café", "Main Street", ("1 Main Street", "Springfield"), "Thank you!")
TARGET_MS = 20.0


def record(lines: int = 20) -> CheckRecord:
    """A sale of ``lines`` items (every other with modifiers), a discount, LevelUp with a gift
    card and a tip, and cash with change."""
    check = Check("2612010003", TaxTable.of(TaxClass("food", Decimal("8.875"))))
    for n in range(lines):
        modifiers = (Modifier("Cheese", 75), Modifier("No onions")) if n % 2 else ()
        check = check.add_item(
            LineItem(
                f"Item number {n}", 395 + 37 * n, 1 + n % 3, tax_class="food", modifiers=modifiers
            )
        )
    check = check.add_discount(Discount("Loyalty coupon", 300))
    detail = LevelUpDetail(gift_card_amount=500, order_uuid="0f1e2d3c-4b5a-6978-8a9b-a1b2c3d4e5f6")
    check = check.add_tender(Tender("lu", TenderKind.LEVELUP, 2000, tip=200, levelup=detail))
    check = check.pay_cash("cash", check.totals.balance_due + 1000)
    info = {"lu": TenderInfo(payer="Ada C.")}
    return CheckRecord("c-1", check, CheckState.CLOSED, AT, AT, tender_info=info)


def main(rounds: int) -> None:
    sale = record()

    def layout() -> Receipt:
        receipt = sale_receipt(
            sale, HEADER, register="3", cashier="Cal", width_mm=80, printed_at=AT
        )
        receipt.lines()
        return receipt

    receipt = layout()
    stored = json.dumps(receipt.as_data())
    steps = {
        "layout": layout,
        "ESC/POS bytes": lambda: to_escpos(receipt, kick_drawer_pin=2),
        "layout + ESC/POS bytes": lambda: to_escpos(layout()),
        "from stored JSON + ESC/POS": lambda: to_escpos(Receipt.from_data(json.loads(stored))),
        "PNG preview": lambda: to_png(receipt),
    }
    print(f"a sale of 20 items: {len(receipt.lines())} printed lines, {rounds} rounds each")
    for name, step in steps.items():
        samples = measure(step, rounds if name != "PNG preview" else max(1, rounds // 10), 20)
        print(f"  {name:28} p50 {p50(samples):7.3f} ms   p99 {p99(samples):7.3f} ms")
    print(f"  the target: ESC/POS of a 20-line receipt, p50 under {TARGET_MS:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
