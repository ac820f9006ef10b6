"""What every receipt of a check shares: the store's header and footer, the check's number,
time, register and cashier, its items, and the words for each kind of payment."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain import Check, LineItem, TenderKind, format_cents
from pos_app.engine import CheckRecord, EngineError
from pos_app.engine.names import check_name
from pos_app.receipts.document import Barcode, Block, Copy, Feed, Rule, Text, Title

KIND_WORDS = {
    TenderKind.LEVELUP: "LevelUp",
    TenderKind.CASH: "Cash",
    TenderKind.CREDIT: "Credit card",
    TenderKind.DEBIT: "Debit card",
    TenderKind.OTHER: "Other",
}
"""How a receipt names each kind of payment."""


@dataclass(frozen=True)
class StoreHeader:
    """What the top and the bottom of every receipt say about the store."""

    merchant: str = ""
    location: str = ""
    address_lines: tuple[str, ...] = ()
    footer: str = ""


def first_name(name: str) -> str:
    """A person's first name only: a receipt leaves the store."""
    words = name.split()
    return words[0] if words else ""


def printable(text: str) -> str:
    """``text`` if it may name a check or a payer on paper: "" for text that looks like an
    email address or a payment code (:func:`~pos_app.engine.names.check_name` judges)."""
    try:
        return check_name(text)
    except EngineError:
        return ""


def local_time(moment: datetime) -> str:
    """A stored UTC time as this register's local time."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def header_blocks(header: StoreHeader) -> Iterator[Block]:
    if header.merchant:
        yield Title(header.merchant)
    if header.location:
        yield Text(header.location, centred=True)
    for line in header.address_lines:
        if line:
            yield Text(line, centred=True)
    yield Rule()


def check_blocks(
    record: CheckRecord, *, register: str, cashier: str, printed_at: datetime, copy: Copy
) -> Iterator[Block]:
    """The check's number and time (when it closed, else when it opened), the register, the
    cashier's first name, the check's name; for a reprint, when it was printed again."""
    yield Text(f"Check {record.check.identifier}", f"Register {register}")
    who = first_name(cashier)
    yield Text(local_time(record.closed_at or record.opened_at), f"Cashier {who}" if who else "")
    name = printable(record.name)
    if name:
        yield Text(f"For {name}")
    if copy is Copy.REPRINT:
        yield Text("Printed again", local_time(printed_at))
    yield Rule()


def item_blocks(check: Check, *, returned_note: bool = True) -> Iterator[Block]:
    """Each line as sold: quantity and price, its modifiers indented, its own discounts;
    with ``returned_note``, the units returned after the sale."""
    for item in check.items:
        yield from line_blocks(item)
        if returned_note and item.returned:
            yield Text(f"  {item.returned} returned")


def line_blocks(item: LineItem) -> Iterator[Block]:
    name = f"{item.quantity} x {item.name}" if item.quantity > 1 else item.name
    yield Text(name, format_cents(item.standard_price))
    if item.quantity > 1:
        yield Text(f"  @ {format_cents(item.unit_price)}")
    for modifier in item.modifiers:
        charge = item.modifier_charge(modifier)
        count = f"{modifier.quantity} x " if modifier.quantity > 1 else ""
        yield Text(f"  + {count}{modifier.name}", format_cents(charge) if charge else "")
    for discount, taken in zip(item.discounts, item.discount_amounts, strict=True):
        percent = f" {discount.percent}%" if discount.percent is not None else ""
        yield Text(f"  {discount.label}{percent}", format_cents(-taken))


def returned_units(record: CheckRecord, before: CheckRecord | None) -> Mapping[int, int]:
    """Units of each line returned since ``before`` (since the sale without it)."""
    was = {line.line_id: line.returned for line in before.check.items} if before else {}
    return {
        line.line_id: line.returned - was.get(line.line_id, 0)
        for line in record.check.items
        if line.returned > was.get(line.line_id, 0)
    }


def footer_blocks(header: StoreHeader, identifier: str) -> Iterator[Block]:
    """The store's footer, then the check's number as a barcode (for returns)."""
    yield Feed()
    for line in header.footer.splitlines():
        yield Text(line, centred=True) if line.strip() else Feed()
    if identifier:
        yield Feed()
        yield Barcode(identifier)
