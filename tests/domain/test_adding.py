"""A second tap of the same item raises its line's quantity (Check.add_or_raise)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pos_app.domain import (
    Check,
    CheckLocked,
    Discount,
    InvalidQuantity,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
    Tender,
    TenderKind,
)

TAXES = TaxTable.of(TaxClass("food", Decimal("10")))
FRIES = LineItem("Fries", 350, sku="S300", category="Sides", tax_class="food")
LATTE = LineItem("Latte", 375, tax_class="food")
LARGE, OAT = Modifier("Large", 90), Modifier("Oat milk", 60)


def check(*items: LineItem) -> Check:
    result = Check("2611230001", TAXES)
    for item in items:
        result = result.add_or_raise(item)
    return result


def test_the_same_item_raises_its_line_and_keeps_its_id() -> None:
    ringing = check(FRIES, LATTE, FRIES)
    assert [(i.name, i.quantity, i.line_id) for i in ringing.items] == [
        ("Fries", 2, 1),
        ("Latte", 1, 2),
    ]
    assert ringing.totals.subtotal == 2 * 350 + 375
    assert ringing.line_like(FRIES) == ringing.item(1)


def test_a_quantity_raises_by_that_many() -> None:
    ringing = check(FRIES, replace(FRIES, quantity=3))
    assert [i.quantity for i in ringing.items] == [4]
    assert check(replace(FRIES, quantity=3)).items[0].quantity == 3


def test_modifiers_in_any_order_are_the_same_line_and_others_are_not() -> None:
    large_oat = replace(LATTE, modifiers=(LARGE, OAT))
    ringing = check(large_oat, replace(LATTE, modifiers=(OAT, LARGE)))
    assert [i.quantity for i in ringing.items] == [2]
    ringing = check(large_oat, replace(LATTE, modifiers=(LARGE,)), LATTE)
    assert [i.quantity for i in ringing.items] == [1, 1, 1]
    ringing = check(large_oat, replace(LATTE, modifiers=(LARGE, LARGE, OAT)))
    assert len(ringing.items) == 2


def test_another_price_or_a_discount_makes_a_new_line() -> None:
    gift_25 = LineItem("Gift card", 2500)
    assert len(check(gift_25, replace(gift_25, unit_price=5000)).items) == 2
    assert [i.quantity for i in check(gift_25, gift_25).items] == [2]
    discounted = check(FRIES).update_item(1, lambda i: i.with_discount(Discount("Staff", 50)))
    ringing = discounted.add_or_raise(FRIES)
    assert [(i.quantity, i.discount_amount) for i in ringing.items] == [(1, 50), (1, 0)]
    assert not replace(FRIES, discounts=(Discount("Staff", 50),)).sells_as(FRIES)
    assert not FRIES.sells_as(replace(FRIES, sku="S301"))


def test_a_locked_check_or_too_many_is_refused() -> None:
    ringing = check(FRIES)
    with pytest.raises(InvalidQuantity, match="cannot be more than 9999"):
        ringing.add_or_raise(replace(FRIES, quantity=9999))
    paying = ringing.add_tender(Tender("t1", TenderKind.CASH, amount=100, tendered=100))
    with pytest.raises(CheckLocked):
        paying.add_or_raise(FRIES)
