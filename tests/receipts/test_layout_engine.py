"""Receipts of checks paid through the real engine, LevelUp sandbox and journal: LevelUp's
discount, gift card, tip and payer as the engine records them, a cash remainder with change,
a refund and a return; and no payment code, token or email address on any of them."""

from __future__ import annotations

import re
from typing import Any

from pos_app.domain import LineItem, TenderKind, format_cents
from pos_app.engine import ApprovalAction, CheckState
from pos_app.receipts import Receipt, refund_receipt, sale_receipt
from pos_app.receipts.escpos_bytes import to_escpos
from tests.fake_printer import decode
from tests.receipts.checks import HEADER, PRINTED


def receipt_of(record, *, refund: bool = False, before=None) -> Receipt:
    options: dict[str, Any] = {
        "register": "3",
        "cashier": "Cal",
        "width_mm": 80,
        "printed_at": PRINTED,
    }
    if refund:
        return refund_receipt(record, HEADER, before=before, **options)
    return sale_receipt(record, HEADER, **options)


def row(left: str, right: str) -> str:
    return left.ljust(48 - len(right)) + right


def named(register, record):
    """The payers' names asked of LevelUp and journaled, as the window does after a payment."""
    register.engine.record_payers(register.engine.ask_payers())
    return register.engine.check(record.check_id)


def test_a_levelup_discount_and_who_paid(register):
    record = register.check(2000, taxed=True)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ben"))
    record = named(register, record)
    uuid = record.tender(tender_id).levelup.order_uuid
    lines = receipt_of(record).text_lines()
    assert row("LevelUp discount", "-$5.00") in lines
    assert row("Tax", "$1.50") in lines  # on $15.00, after the discount
    at = lines.index(row("LevelUp", "$16.50"))
    assert lines[at : at + 4] == [
        row("LevelUp", "$16.50"),
        row("  Discount applied", "$5.00"),
        "  Paid by Ben D.",
        f"  Order ...{uuid[-8:]}",
    ]


def test_a_gift_card_paying_part_and_cash_the_rest_with_change(register):
    record = register.check(1000)
    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Cora"))
    record = register.engine.pay_cash(record.check_id, 2000)
    assert record.state is CheckState.CLOSED
    lines = receipt_of(named(register, record)).text_lines()
    at = lines.index(row("LevelUp", "$5.00"))
    assert lines[at : at + 7] == [
        row("LevelUp", "$5.00"),
        row("  Gift card", "$5.00"),
        "  Paid by Cora G.",
        f"  Order ...{record.tender(tender_id).levelup.order_uuid[-8:]}",
        row("Cash", "$5.00"),
        row("  Tendered", "$20.00"),
        row("  Change", "$15.00"),
    ]


def test_two_customers_one_with_a_tip(register):
    record = register.check(2000, taxed=True)
    record, _ = register.engine.pay_levelup(record.check_id, register.code("Ada"), 1000)
    record, _ = register.engine.pay_levelup(record.check_id, register.code("Hal"))
    lines = receipt_of(named(register, record)).text_lines()
    assert [
        line for line in lines if line.startswith(("LevelUp", "  Card", "  Tip", "  Paid"))
    ] == [
        row("LevelUp", "$10.00"),
        "  Paid by Ada C.",
        row("LevelUp", "$12.00"),
        row("  Card", "$13.00"),
        row("  Tip", "$1.00"),
        "  Paid by Hal T.",
    ]


def test_a_refunded_sale_and_a_return(register):
    record = register.check(1500, 500, taxed=True)
    record = register.engine.pay_cash(record.check_id, 3000)
    before = record
    record = register.engine.return_items(
        record.check_id,
        {2: 1},
        register.approval(ApprovalAction.RETURN_ITEMS, record.check_id, check_id=record.check_id),
    )
    back = record.check.totals.taken_back
    lines = receipt_of(record, refund=True, before=before).text_lines()
    assert "1 x Lunch" in lines and f"Give back cash {format_cents(back)}" in lines

    paid = register.check(1200)
    paid, _ = register.engine.pay_levelup(paid.check_id, register.code("Ada"))
    before = paid
    paid = register.engine.void_check(
        paid.check_id, register.approval(ApprovalAction.VOID_CHECK, paid.check_id)
    )
    assert paid.state is CheckState.REFUNDED
    lines = receipt_of(paid, refund=True, before=before).text_lines()
    assert "Refunded to LevelUp $12.00" in lines
    assert row("TOTAL GIVEN BACK", "$12.00") in lines


def test_no_receipt_carries_a_payment_code_token_or_email(register):
    customers = register.admin.get("/sandbox/customers").json()
    secrets = {register.token}
    for customer in customers:
        secrets.add(customer["payment_token_data"])
    receipts = []
    for name in ("Ada", "Ben", "Cora", "Dev", "Gia", "Hal"):
        record = register.engine.open_check()
        record = register.engine.edit_check(
            record.check_id, lambda check: check.add_item(LineItem("Lunch", 2500))
        )
        record, _ = register.engine.pay_levelup(record.check_id, register.code(name))
        if record.check.totals.balance_due:
            record = register.engine.pay_other(
                record.check_id, TenderKind.CREDIT, record.check.totals.balance_due
            )
        record = named(register, record)
        receipts.append(receipt_of(record))
        voided = register.engine.void_check(
            record.check_id, register.approval(ApprovalAction.VOID_CHECK, record.check_id)
        )
        receipts.append(receipt_of(voided, refund=True, before=record))
    assert sum("Paid by" in receipt.text() for receipt in receipts) >= 6
    for receipt in receipts:
        rendered = [
            receipt.text(),
            str(receipt.as_data()),
            decode(to_escpos(receipt)).text,
        ]
        for text in rendered:
            for secret in secrets:
                assert secret not in text
            assert not re.search(r"LU\d\d[0-9A-Z]{4,}", text)
            assert not re.search(r"\S@\S", text.replace(" @ ", ""))
