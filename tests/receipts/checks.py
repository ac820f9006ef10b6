"""Checks for receipt tests, built with the real domain: items with modifiers and discounts,
check discounts, a fee, tax, and whatever payments a test puts on them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

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
from pos_app.engine import CheckRecord, CheckState, TenderInfo
from pos_app.receipts import Receipt, StoreHeader, refund_receipt, sale_receipt

TAXES = TaxTable.of(TaxClass("food", Decimal("10")))
OPENED = datetime(2026, 12, 1, 13, 55, tzinfo=UTC)
CLOSED = datetime(2026, 12, 1, 14, 3, tzinfo=UTC)
PRINTED = datetime(2026, 12, 1, 14, 4, tzinfo=UTC)
HEADER = StoreHeader("Demo Café", "Main Street", ("1 Main Street", "Springfield"), "Thank you!")
ORDER_UUID = "0f1e2d3c-4b5a-6978-8a9b-a1b2c3d4e5f6"


def rung_up() -> Check:
    """2 burgers with cheese and 2 × bacon, 10 % off them; fries; $2 off the check; a $3
    delivery fee; tax at 10 %. Comes to $31.55."""
    check = Check("2612010003", TAXES)
    burger = LineItem(
        "Burger",
        899,
        quantity=2,
        tax_class="food",
        modifiers=(Modifier("Cheese", 100), Modifier("Bacon", 150, quantity=2)),
        discounts=(Discount("Happy hour", percent=Decimal(10)),),
    )
    check = check.add_item(burger).add_item(LineItem("Fries", 350, tax_class="food"))
    check = check.add_discount(Discount("Staff", 200))
    return check.add_fee(Fee("Delivery", FeeType.DELIVERY, 300, tax_class="food"))


def record_of(
    check: Check,
    state: CheckState = CheckState.CLOSED,
    payers: dict[str, str] | None = None,
    **changes: Any,
) -> CheckRecord:
    notes = {tender_id: TenderInfo(payer=payer) for tender_id, payer in (payers or {}).items()}
    closed = CLOSED if state is not CheckState.TENDERING else None
    record = CheckRecord("c-1", check, state, OPENED, closed, tender_info=notes)
    return replace(record, **changes) if changes else record


def paid(check: Check, *tenders: Tender) -> Check:
    for tender in tenders:
        check = check.add_tender(tender)
    return check


def row(left: str, right: str = "", width: int = 48) -> str:
    return left.ljust(width - len(right)) + right if right else left


def sale(record: CheckRecord, width_mm: int = 80, **options: Any) -> list[str]:
    return sale_receipt(
        record,
        HEADER,
        register="3",
        cashier="Cal Jones",
        width_mm=width_mm,
        printed_at=PRINTED,
        **options,
    ).text_lines()


def refund(record: CheckRecord, width_mm: int = 80, **options: Any) -> Receipt:
    return refund_receipt(
        record,
        HEADER,
        register="3",
        cashier="Mia",
        width_mm=width_mm,
        printed_at=PRINTED,
        **options,
    )


def local(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def levelup(amount: int, status: TenderStatus = TenderStatus.APPROVED, **detail: Any) -> Tender:
    tip = detail.pop("tip", 0)
    return Tender(
        "lu", TenderKind.LEVELUP, amount, status, tip=tip, levelup=LevelUpDetail(**detail)
    )
