"""Receipts that belong to no check: the printer's test page and the cash drawer's slips
(no sale, paid in, paid out)."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_app.domain import format_cents, require_cents
from pos_app.receipts.document import (
    Barcode,
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

DRAWER_KINDS = {
    ReceiptKind.NO_SALE: "NO SALE",
    ReceiptKind.PAID_IN: "PAID IN",
    ReceiptKind.PAID_OUT: "PAID OUT",
}
TEST_BARCODE = "LEVELUP-POS"


def test_page(
    url_text: str,
    width_mm: int,
    *,
    printed_at: datetime | None = None,  # noqa: PT028 (the printer's test page: not a test)
) -> Receipt:
    """A page that shows the printer works as set: its width (a ruler that must fit one
    line), bold and big text, accented letters in its code page, a barcode and the cut."""
    width = chars_for(width_mm)
    printed_at = printed_at or datetime.now(UTC)
    ruler = "".join(str(n % 10) for n in range(1, width + 1))
    blocks: tuple[Block, ...] = (
        Title("TEST PAGE"),
        Text("LevelUp POS", centred=True),
        Rule(),
        Text(f"Printer {url_text}"),
        Text(f"Paper {width_mm} mm: {width} characters"),
        Text("Printed", local_time(printed_at)),
        Rule(),
        Text(ruler),
        Text("Bold text", bold=True),
        Text("Big text", big=True),
        Text("Left", "Right"),
        Text("Centred", centred=True),
        Text("Accents: café crème, £5, año, Müller"),
        Feed(),
        Barcode(TEST_BARCODE),
    )
    return Receipt(ReceiptKind.TEST, "", "", width, blocks, printed_at)


def drawer_slip(
    kind: ReceiptKind,
    amount: int | None,
    reason: str,
    who: str,
    at: datetime,
    register: str,
    *,
    width_mm: int = 80,
    header: StoreHeader | None = None,
) -> Receipt:
    """The slip of a drawer opened without a sale, or of cash paid in or out (``amount`` in
    cents; none, or 0, for a no-sale), with who did it (first name), why, and a line to sign."""
    if kind not in DRAWER_KINDS:
        raise ValueError(f"A drawer slip is a no-sale, a pay-in or a pay-out, not {kind!r}.")
    if kind is ReceiptKind.NO_SALE and amount:
        raise ValueError("A no-sale moves no money: its slip has no amount.")
    if kind is not ReceiptKind.NO_SALE:
        require_cents(amount, f"The amount {DRAWER_KINDS[kind].lower()}", allow_zero=False)
    blocks: list[Block] = [*header_blocks(header)] if header else []
    blocks += [
        Title(DRAWER_KINDS[kind]),
        Text(f"Register {register}", local_time(at)),
        Text(f"By {first_name(who)}"),
        Rule(),
    ]
    if amount:
        blocks.append(Text("Amount", format_cents(amount), bold=True, big=True))
    width = chars_for(width_mm)
    blocks += [Text(f"Reason: {reason}"), Feed(2), Text("Signed " + "_" * (width - 8))]
    return Receipt(kind, "", "", width, tuple(blocks), at)


test_page.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test, whatever its name
