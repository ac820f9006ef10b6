"""What a sale's receipt says, for checks built with the real domain: the store, the check,
its items and totals, and every kind of payment."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pos_app.domain import (
    Check,
    Discount,
    LineItem,
    Tender,
    TenderKind,
    TenderStatus,
    format_cents,
)
from pos_app.domain.returns import plan_return, returned
from pos_app.engine import CheckState
from pos_app.receipts import Copy, sale_receipt
from tests.receipts.checks import (
    CLOSED,
    HEADER,
    OPENED,
    ORDER_UUID,
    PRINTED,
    levelup,
    local,
    paid,
    record_of,
    row,
    rung_up,
    sale,
)

S = TenderStatus


def test_a_sale_lists_the_store_the_check_its_items_and_totals():
    check = rung_up()
    lines = sale(record_of(paid(check, Tender("cash", TenderKind.CASH, 3155, tendered=4000))))
    assert lines[:4] == [
        "Demo Café".center(24).rstrip(),
        "Main Street".center(48).rstrip(),
        "1 Main Street".center(48).rstrip(),
        "Springfield".center(48).rstrip(),
    ]
    assert lines[5:7] == [
        row("Check 2612010003", "Register 3"),
        row(local(CLOSED), "Cashier Cal"),  # the first name only
    ]
    start = lines.index(row("2 x Burger", "$17.98"))
    assert lines[start : start + 13] == [
        row("2 x Burger", "$17.98"),
        "  @ $8.99",
        row("  + Cheese", "$2.00"),
        row("  + 2 x Bacon", "$6.00"),
        row("  Happy hour 10%", "-$1.80"),
        row("Fries", "$3.50"),
        "-" * 48,
        row("Subtotal", "$27.68"),
        row("Staff", "-$2.00"),
        row("Delivery", "$3.00"),
        row("Tax", "$2.87"),
        row("TOTAL", "$31.55", 24),  # big: 24 characters fill the line
        "-" * 48,
    ]
    assert lines[-4:] == [
        "",
        "Thank you!".center(48).rstrip(),
        "",
        "2612010003".center(48).rstrip(),  # under the barcode
    ]
    assert not any("Jones" in line for line in lines)


def test_levelup_shows_its_discount_gift_card_card_tip_payer_and_order_then_cash_change():
    check = rung_up()
    partial = levelup(
        1000,
        S.PARTIALLY_APPROVED,
        tip=150,
        discount_amount=300,
        gift_card_amount=400,
        gift_card_tip_amount=100,
        order_uuid=ORDER_UUID,
    )
    check = check.add_tender(partial)
    due = check.totals.balance_due
    check = check.pay_cash("cash", 5000)
    lines = sale(record_of(check, payers={"lu": "Ada C."}))
    assert row("LevelUp discount", "-$3.00") in lines
    start = lines.index(row("LevelUp", "$10.00"))
    assert lines[start:][:10] == [
        row("LevelUp", "$10.00"),
        row("  Discount applied", "$3.00"),
        row("  Gift card", "$5.00"),  # its tip's part included
        row("  Card", "$6.50"),  # $10.00 + $1.50 tip - $5.00
        row("  Tip", "$1.50"),
        "  Paid by Ada C.",
        "  Order ...c3d4e5f6",
        row("Cash", format_cents(due)),
        row("  Tendered", "$50.00"),
        row("  Change", format_cents(5000 - due)),
    ]
    assert not any(ORDER_UUID[:8] in line or "BALANCE" in line for line in lines)


def test_every_kind_of_payment_that_stands_and_none_that_does_not():
    check = rung_up()
    check = paid(
        check,
        levelup(0, S.DECLINED),
        Tender("void", TenderKind.CREDIT, 500, S.VOID),
        Tender("credit", TenderKind.CREDIT, 1000, tip=200),
        Tender("debit", TenderKind.DEBIT, 1000),
        Tender("other", TenderKind.OTHER, 655),
        Tender("cash", TenderKind.CASH, 500),
    )
    lines = sale(record_of(check))
    start = lines.index(row("Credit card", "$10.00"))
    assert lines[start : start + 6] == [
        row("Credit card", "$10.00"),
        row("  Tip", "$2.00"),
        row("Debit card", "$10.00"),
        row("Other", "$6.55"),
        row("Cash", "$5.00"),
        "",
    ]
    assert not any(line.startswith("LevelUp") or "$5.00" in line for line in lines[:start])
    assert sum(line.startswith("Credit card") for line in lines) == 1


@pytest.mark.parametrize("status", [S.QUEUED, S.FORWARDING])
def test_an_offline_levelup_payment_is_to_be_sent(status):
    check = rung_up().add_tender(levelup(3155, status))
    lines = sale(record_of(check))
    assert row("LevelUp (to be sent)", "$31.55") in lines
    assert not any("Order" in line for line in lines)


def test_a_check_not_paid_in_full_shows_its_balance_due_and_the_time_it_opened():
    check = rung_up().add_tender(Tender("credit", TenderKind.CREDIT, 2000))
    lines = sale(record_of(check, CheckState.TENDERING))
    at = lines.index(row("BALANCE DUE", "$11.55"))
    assert lines[at - 2 : at] == [row("Credit card", "$20.00"), "-" * 48]
    assert row(local(OPENED), "Cashier Cal") in lines


def test_a_comped_check_says_so():
    check = Check("2612010004").add_item(LineItem("Coffee", 300))
    check = check.add_discount(Discount("Comp", percent=Decimal(100)))
    lines = sale(record_of(check))
    at = lines.index(row("Comp 100%", "-$3.00"))
    assert lines[at + 1] == row("Tax", "$0.00")
    assert "Comped: nothing to pay" in lines


def test_a_reprint_says_so_and_when_it_was_printed_again():
    check = rung_up().pay_cash("cash", 4000)
    lines = sale(record_of(check), copy=Copy.REPRINT)
    assert lines[0] == "REPRINT".center(48).rstrip()
    assert row("Printed again", local(PRINTED)) in lines


def test_items_returned_since_the_sale_are_noted_on_its_receipt():
    check = rung_up().pay_cash("cash", 4000)
    after = returned(check, plan_return(check, {2: 1}))
    lines = sale(record_of(after))
    assert lines[lines.index(row("Fries", "$3.50")) + 1] == "  1 returned"
    assert row("Items returned since", format_cents(-after.totals.taken_back)) in lines


@pytest.mark.parametrize("width_mm", [58, 80])
def test_no_line_is_wider_than_the_paper(width_mm):
    check = rung_up().add_item(LineItem("Extra large seasonal pumpkin spice latte", 650))
    receipt = sale_receipt(
        record_of(check.pay_cash("cash", 10000), name="Table 4"),
        HEADER,
        register="front-counter-7",
        cashier="Cal",
        width_mm=width_mm,
        printed_at=PRINTED,
    )
    width = {58: 32, 80: 48}[width_mm]
    assert receipt.width == width
    for line in receipt.lines():
        assert len(line.text) <= (width // 2 if line.big else width), line
    assert ("Extra large seasonal pumpkin spice latte" in receipt.text()) is (width_mm == 80)


def test_names_that_look_like_an_email_or_a_payment_code_are_never_printed():
    check = rung_up().add_tender(levelup(3155, order_uuid=ORDER_UUID))
    record = record_of(check, payers={"lu": "ada@example.com"}, name="LU02000TESTCODE")
    text = "\n".join(sale(record))
    assert "example.com" not in text and "LU02" not in text and "Paid by" not in text
    assert "For " not in text
    assert "For Table 4" in "\n".join(sale(replace(record, name="Table 4")))
