"""Time the pure work the register does between a scan and sending an order.

Each step is a pyperf benchmark (worker processes, calibrated loops, warmups), for a
lunch-sized check (12 lines, modifiers, a discount, a fee) and a large catering check (150
lines); pyperf prints mean ± std dev per step, then a table gives the median and p99 of its
values (each the mean time of a calibrated loop of calls), in microseconds. Run from the
repository root: ``.venv/bin/python -m benchmarks.core`` (``--fast`` for a quick look;
``-o FILE`` keeps the figures for ``python -m pyperf compare_to``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from benchmarks.common import pyperf_runner
from pos_app.domain import (
    Check,
    Discount,
    Fee,
    FeeType,
    LevelUpDetail,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
    Tender,
    TenderKind,
    TenderStatus,
)
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.orders import OrderContext, completed_order_request

CODE_TEXT = "LU0200018SECH4O89A4NBOT70300A0LU"
CONTEXT = OrderContext(location_id=19, register="3", cashier="Bob")
TAXES = TaxTable.of(TaxClass("food", Decimal("8.875")), TaxClass("drink", Decimal("6.25")))


def make_check(lines: int) -> Check:
    check = Check("2611230042", TAXES)
    for n in range(lines):
        check = check.add_item(
            LineItem(
                f"Item {n}",
                395 + 37 * n,
                1 + n % 3,
                sku=f"SKU{n:05d}",
                category="Lunch",
                tax_class="food" if n % 4 else "drink",
                modifiers=(Modifier("Cheese", 75), Modifier("No onions")) if n % 2 else (),
            )
        )
    check = check.add_discount(Discount("Loyalty coupon", 300))
    return check.add_fee(Fee("Delivery", FeeType.DELIVERY, 299, "food"))


def steps(check: Check) -> dict[str, Callable[[], object]]:
    code = qr.parse(CODE_TEXT)
    proposed = check.add_tender(
        Tender(
            "lu",
            TenderKind.LEVELUP,
            0,
            TenderStatus.PROPOSED,
            levelup=LevelUpDetail(discount_amount=250),
        )
    )

    def totals() -> object:
        return replace(check).totals  # a fresh check: nothing cached

    def propose() -> object:
        due = check.levelup_due()
        return proposed_order_values(due.outstanding, due.tax, due.exempt, due.outstanding)

    def complete_body() -> object:
        due = replace(proposed).levelup_due()
        values = completed_order_values(due.outstanding, due.tax, due.exempt, 10**9, 250)
        request = completed_order_request(
            proposed,
            code,
            values,
            CONTEXT,
            proposed_order_uuid="u" * 32,
            applied_discount_amount=250,
        )
        return json.dumps(request.to_body())

    return {
        "parse QR code": lambda: qr.parse(CODE_TEXT),
        "check totals": totals,
        "calculator on the check": propose,
        "completed order body (JSON)": complete_body,
    }


def main() -> None:
    runner = pyperf_runner("benchmarks.core")
    results = []
    for lines in (12, 150):
        for name, step in steps(make_check(lines)).items():
            results.append((name, lines, runner.bench_func(f"{name}, {lines} lines", step)))
    if runner.args.worker:
        return
    print(f"\n{'step':<34}{'lines':>6}{'median µs':>12}{'p99 µs':>10}")
    for name, lines, bench in results:
        median, p99 = bench.median() * 1e6, bench.percentile(99) * 1e6
        print(f"{name:<34}{lines:>6}{median:>12.1f}{p99:>10.1f}")


if __name__ == "__main__":
    main()
