"""The slip of a shift's close: the float, the drawer's cash since it opened, what it should
hold, the count by denomination, over or short, who counted and who approved (first names),
and a line to sign."""

from __future__ import annotations

from pos_app.domain import format_cents
from pos_app.engine.shifts import LOOSE, ShiftClose
from pos_app.receipts.document import (
    Block,
    Feed,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    Title,
    chars_for,
)
from pos_app.receipts.layout_parts import StoreHeader, first_name, header_blocks, local_time


def shift_slip(
    close: ShiftClose, *, width_mm: int = 80, header: StoreHeader | None = None
) -> Receipt:
    """The slip printed when ``close`` was recorded."""
    shift = close.shift
    blocks: list[Block] = [*header_blocks(header)] if header else []
    blocks += [
        Title("SHIFT CLOSE"),
        Text(f"Register {shift.register}", local_time(close.closed_at)),
        Text(f"Opened by {first_name(shift.cashier)}", local_time(shift.opened_at)),
        Text(f"Counted by {first_name(close.cashier)}"),
        Rule(),
        Text("Float", format_cents(shift.float_cents)),
        Text("Cash taken", format_cents(close.taken)),
        Text("Cash given back", format_cents(-close.given_back)),
        Text("Paid in", format_cents(close.paid_in)),
        Text("Paid out", format_cents(-close.paid_out)),
        Text("Expected", format_cents(close.expected), bold=True),
        Rule(),
    ]
    for denomination, quantity in close.counts.items():
        if denomination == LOOSE:
            blocks.append(Text("  Loose", format_cents(quantity)))
        else:
            name = f"  {quantity} x {format_cents(denomination)}"
            blocks.append(Text(name, format_cents(quantity * denomination)))
    difference = close.over_short
    result = "Over" if difference > 0 else "Short" if difference < 0 else "Even"
    blocks += [
        Text("Counted", format_cents(close.counted), bold=True),
        Text(result, format_cents(abs(difference)) if difference else "", bold=True, big=True),
    ]
    if close.manager:
        blocks.append(Text(f"Approved by {first_name(close.manager)}"))
    width = chars_for(width_mm)
    blocks += [Feed(2), Text("Signed " + "_" * (width - 8))]
    return Receipt(ReceiptKind.SHIFT, "", "", width, tuple(blocks), close.closed_at)
