"""The receipt of money given back: a check voided before it was paid in full (VOID), a sale
refunded whole, items returned from a sale, or one payment voided (REFUND).

Given the record ``before`` the change, the receipt shows only what that change gave back;
without it, everything given back since the sale.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pos_app.domain import Tender, TenderKind, TenderStatus, format_cents
from pos_app.engine import CheckRecord
from pos_app.receipts.document import (
    Block,
    Copy,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    Title,
    chars_for,
)
from pos_app.receipts.layout_parts import (
    KIND_WORDS,
    StoreHeader,
    check_blocks,
    footer_blocks,
    header_blocks,
    item_blocks,
    local_time,
    returned_units,
)


def refund_receipt(
    record: CheckRecord,
    header: StoreHeader,
    *,
    register: str,
    cashier: str,
    width_mm: int,
    copy: Copy = Copy.CUSTOMER,
    printed_at: datetime,
    before: CheckRecord | None = None,
) -> Receipt:
    """What ``record`` gave back (since ``before``, when given): the items returned or
    voided, and what each payment gave back, cash first to be handed over."""
    sold = record.state.was_sold
    kind = ReceiptKind.REFUND if sold else ReceiptKind.VOID
    blocks: list[Block] = [
        *header_blocks(header),
        Title(kind.value.upper()),
        Text("Refunded" if sold else "Voided", local_time(printed_at)),
        *check_blocks(record, register=register, cashier=cashier, printed_at=printed_at, copy=copy),
        *_what_went_back(record, before),
        *_given_back_blocks(record, before),
        *footer_blocks(header, record.check.identifier),
    ]
    return Receipt(
        kind=kind,
        check_id=record.check_id,
        identifier=record.check.identifier,
        width=chars_for(width_mm),
        blocks=tuple(blocks),
        created_at=printed_at,
        copy=copy,
    )


def _what_went_back(record: CheckRecord, before: CheckRecord | None) -> Iterator[Block]:
    """The items returned (and what they came to), or, for a check voided or refunded whole,
    its items and total."""
    check = record.check
    units = returned_units(record, before)
    if units:
        for line_id, count in units.items():
            yield Text(f"{count} x {check.item(line_id).name}")
        was = before.check.totals if before else None
        items = check.totals.returned_items - (was.returned_items if was else 0)
        tax = check.totals.returned_tax - (was.returned_tax if was else 0)
        yield Rule()
        yield Text("Items", format_cents(items))
        yield Text("Tax", format_cents(tax))
        yield Text("RETURNED", format_cents(items + tax), bold=True)
        yield Rule()
    elif record.state.is_final and (before is None or not before.state.is_final):
        yield from item_blocks(check, returned_note=False)
        yield Rule()
        yield Text("Check total", format_cents(check.totals.grand_total), bold=True)
        yield Rule()


def _given_back_blocks(record: CheckRecord, before: CheckRecord | None) -> Iterator[Block]:
    """What each payment gave back, in words the cashier acts on; refunds LevelUp has not
    confirmed yet; offline payments cancelled before they were sent; what is owed now."""
    total = 0
    said: list[Block] = []
    for tender in record.check.tenders:
        was = _earlier(before, tender)
        back = tender.returned - (was.returned if was else 0)
        moved = was is None or was.status is not tender.status
        if back > 0:
            total += back
            said.append(Text(_give_back_words(tender, format_cents(back)), bold=True))
        elif tender.status is TenderStatus.REFUNDING and moved:
            said.append(Text(f"LevelUp refund pending {format_cents(tender.amount + tender.tip)}"))
        elif _cancelled_offline(record, tender) and moved:
            said.append(Text("LevelUp offline payment cancelled: never charged"))
    yield from said or [Text("Nothing was given back.")]
    if total:
        yield Text("TOTAL GIVEN BACK", format_cents(total), bold=True)
    due = record.check.totals.balance_due
    if due and not record.state.is_final:
        yield Text("Check now owes", format_cents(due), bold=True)


def _give_back_words(tender: Tender, amount: str) -> str:
    if tender.kind is TenderKind.CASH:
        return f"Give back cash {amount}"
    if tender.kind is TenderKind.LEVELUP:
        return f"Refunded to LevelUp {amount}"
    if tender.kind is TenderKind.OTHER:
        return f"Given back (other) {amount}"
    return f"Refunded to {KIND_WORDS[tender.kind].lower()} {amount}"


def _earlier(before: CheckRecord | None, tender: Tender) -> Tender | None:
    if before is None:
        return None
    return next((t for t in before.check.tenders if t.tender_id == tender.tender_id), None)


def _cancelled_offline(record: CheckRecord, tender: Tender) -> bool:
    """An offline LevelUp payment cancelled before it was ever sent: nothing was charged."""
    return (
        tender.status is TenderStatus.DECLINED
        and record.info(tender.tender_id).queued_at is not None
    )
