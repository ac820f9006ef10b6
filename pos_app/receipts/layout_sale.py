"""A sale's receipt: the check's items and totals, each payment that stands with what it
brought (LevelUp's discount, gift card, card and tip, who paid; cash tendered and change), the
balance still due, and the check's number as a barcode for returns.

A receipt never carries a payment code, a token, a PIN or an email address: LevelUp orders are
named by the last characters of their order id only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pos_app.domain import Check, Tender, TenderKind, TenderStatus, format_cents
from pos_app.engine import CheckRecord, CheckState
from pos_app.receipts.document import (
    Block,
    Copy,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    chars_for,
)
from pos_app.receipts.layout_parts import (
    KIND_WORDS,
    StoreHeader,
    check_blocks,
    footer_blocks,
    header_blocks,
    item_blocks,
    printable,
)

STANDING = frozenset(
    {
        TenderStatus.APPROVED,
        TenderStatus.PARTIALLY_APPROVED,
        TenderStatus.QUEUED,
        TenderStatus.FORWARDING,
    }
)
"""The payments a sale's receipt shows: taken, or accepted offline to be sent."""
_TO_BE_SENT = frozenset({TenderStatus.QUEUED, TenderStatus.FORWARDING})
ORDER_REFERENCE_LENGTH = 8
"""How much of a LevelUp order's id a receipt shows: enough to find it, never a code."""


def sale_receipt(
    record: CheckRecord,
    header: StoreHeader,
    *,
    register: str,
    cashier: str,
    width_mm: int,
    copy: Copy = Copy.CUSTOMER,
    printed_at: datetime,
) -> Receipt:
    """The receipt of ``record``'s sale as it stands (``printed_at``: when it is made)."""
    check = record.check
    blocks: list[Block] = [
        *header_blocks(header),
        *check_blocks(record, register=register, cashier=cashier, printed_at=printed_at, copy=copy),
        *item_blocks(check),
        Rule(),
        *total_blocks(check),
    ]
    standing = [t for t in check.tenders if t.status in STANDING]
    if standing:
        blocks.append(Rule())
        for tender in standing:
            blocks.extend(tender_blocks(record, tender))
    blocks.extend(_closing_blocks(record))
    blocks.extend(footer_blocks(header, check.identifier))
    return Receipt(
        kind=ReceiptKind.SALE,
        check_id=record.check_id,
        identifier=check.identifier,
        width=chars_for(width_mm),
        blocks=tuple(blocks),
        created_at=printed_at,
        copy=copy,
    )


def total_blocks(check: Check) -> Iterator[Block]:
    """Subtotal, check discounts, LevelUp's discount, fees, tax and the total."""
    totals = check.totals
    yield Text("Subtotal", format_cents(totals.subtotal))
    for discount, taken in zip(check.discounts, totals.check_discount_amounts, strict=True):
        percent = f" {discount.percent}%" if discount.percent is not None else ""
        yield Text(f"{discount.label}{percent}", format_cents(-taken))
    if totals.levelup_discount:
        yield Text("LevelUp discount", format_cents(-totals.levelup_discount))
    for fee in check.fees:
        yield Text(fee.name, format_cents(fee.amount))
    yield Text("Tax", format_cents(totals.tax))
    yield Text("TOTAL", format_cents(totals.grand_total), bold=True, big=True)


def tender_blocks(record: CheckRecord, tender: Tender) -> Iterator[Block]:
    """One payment: its kind and amount, then what it brought, indented."""
    if tender.kind is TenderKind.LEVELUP:
        yield from _levelup_blocks(record, tender)
        return
    yield Text(KIND_WORDS[tender.kind], format_cents(tender.amount))
    if tender.tendered is not None:
        yield Text("  Tendered", format_cents(tender.tendered))
        yield Text("  Change", format_cents(tender.change), bold=True)
    if tender.tip:
        yield Text("  Tip", format_cents(tender.tip))


def _levelup_blocks(record: CheckRecord, tender: Tender) -> Iterator[Block]:
    to_be_sent = tender.status in _TO_BE_SENT
    yield Text("LevelUp (to be sent)" if to_be_sent else "LevelUp", format_cents(tender.amount))
    detail = tender.levelup
    if detail is not None:
        discount = record.check.applied_levelup_discount(tender.tender_id)
        if discount:
            yield Text("  Discount applied", format_cents(discount))
        gift_card = detail.gift_card_amount + detail.gift_card_tip_amount
        card = tender.amount + tender.tip - gift_card
        if gift_card:
            yield Text("  Gift card", format_cents(gift_card))
        if card > 0 and (gift_card or tender.tip):
            yield Text("  Card", format_cents(card))
    if tender.tip:
        yield Text("  Tip", format_cents(tender.tip))
    payer = printable(record.info(tender.tender_id).payer)
    if payer:
        yield Text(f"  Paid by {payer}")
    if detail is not None and detail.order_uuid:
        yield Text(f"  Order ...{detail.order_uuid[-ORDER_REFERENCE_LENGTH:]}")


def _closing_blocks(record: CheckRecord) -> Iterator[Block]:
    """What is still owed, what was comped, overpaid or returned since the sale."""
    totals = record.check.totals
    comped = (
        record.state is CheckState.CLOSED
        and bool(record.check.items)
        and not totals.grand_total
        and not totals.paid
    )
    if comped:
        yield Text("Comped: nothing to pay", bold=True)
    if totals.balance_due:
        yield Rule()
        yield Text("BALANCE DUE", format_cents(totals.balance_due), bold=True)
    if totals.overpaid:
        yield Text("Overpaid, to be refunded", format_cents(totals.overpaid))
    if totals.taken_back:
        yield Text("Items returned since", format_cents(-totals.taken_back))
