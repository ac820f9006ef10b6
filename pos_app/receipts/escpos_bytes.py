"""A receipt as the ESC/POS bytes a receipt printer prints, and the cash drawer's kick.

The bytes carry exactly :meth:`Receipt.lines`: each line's characters (already padded for
centring and right alignment), its style (bold, double width and height), and a barcode line's
CODE128 printed by the printer itself above the line of its text. Text goes out in the
printer's code page; a character the page lacks prints as "?". Each job starts from the
printer's defaults (``ESC @``) so one job's style never leaks into the next.
"""

from __future__ import annotations

from drivers.escpos_lib import Dummy
from pos_app.receipts.document import Receipt

DRAWER_PINS = (2, 5)
BARCODE_DOTS = 64
BARCODE_MODULE = 2
"""The barcode's height and the width of its narrowest bar, in dots."""


def to_escpos(
    receipt: Receipt,
    *,
    codepage: str = "CP437",
    cut: bool = True,
    kick_drawer_pin: int | None = None,
) -> bytes:
    """The print job of ``receipt``: the drawer kicked first when ``kick_drawer_pin`` is
    given, the paper fed and cut at the end when ``cut``."""
    printer = Dummy()
    printer.hw("INIT")
    if kick_drawer_pin is not None:
        printer.cashdraw(_pin(kick_drawer_pin))
    _set_codepage(printer, codepage)
    style = (False, False)
    for line in receipt.lines():
        if line.barcode is not None:
            # The printer centres the bars; its own text under them is off, as the next line
            # (padded like every other) is that text.
            printer.barcode(
                "{B" + line.barcode,
                "CODE128",
                height=BARCODE_DOTS,
                width=BARCODE_MODULE,
                pos="OFF",
                align_ct=True,
                function_type="B",
            )
            printer.set(align="left")
        if (line.bold, line.big) != style:
            style = (line.bold, line.big)
            printer.set(
                bold=line.bold,
                normal_textsize=not line.big,
                double_width=line.big,
                double_height=line.big,
            )
        printer.textln(line.text)
    if style != (False, False):
        printer.set(bold=False, normal_textsize=True)
    if cut:
        printer.cut()
    return bytes(printer.output)


def drawer_kick(pin: int) -> bytes:
    """The pulse that opens a cash drawer wired to connector ``pin`` (2 or 5)."""
    printer = Dummy()
    printer.cashdraw(_pin(pin))
    return bytes(printer.output)


def _pin(pin: int) -> int:
    if pin not in DRAWER_PINS:
        raise ValueError(f"A cash drawer is wired to pin 2 or 5, not {pin!r}.")
    return pin


def _set_codepage(printer: Dummy, codepage: str) -> None:
    try:
        known = printer.magic.encoder.get_encoding_name(codepage)
    except (ValueError, AttributeError):
        known = None
    if known is None:
        raise ValueError(
            f"The printer code page {codepage!r} is not one python-escpos knows; "
            "most printers take CP437, or CP858 for the euro sign."
        )
    printer.charcode(known)
