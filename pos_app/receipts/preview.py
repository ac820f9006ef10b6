"""A receipt as a PNG: the same lines the printer prints, drawn on a white strip of the paper's
printable width at 203 dpi (58 mm: 384 dots, 80 mm: 576), for the screen and for email.

Text is the bundled DejaVu Sans Mono (``resources/fonts``), a fixed width so every line lines
up as on paper; bold lines are bold, big lines twice as wide and tall. The barcode is drawn
bar by bar from python-barcode's CODE128 encoding, its modules as wide as the printer's.
"""

from __future__ import annotations

import io
from functools import lru_cache

from barcode.codex import Code128
from PIL import Image, ImageDraw, ImageFont

from pos_app.host.resources import resources_dir
from pos_app.receipts.document import WIDTHS, PrintLine, Receipt

DOTS = {chars: {58: 384, 80: 576}[mm] for mm, chars in WIDTHS.items()}
"""The printable width in dots (203 dpi) of paper that holds each line width."""
LINE_DOTS = 24
"""A line of Font A is 24 dots high, as on the printer."""
BARCODE_DOTS = 64
BARCODE_MODULE = 2
"""The barcode's height and the width of its narrowest bar, in dots (as ESC/POS prints it)."""
MARGIN = 24
_FONTS = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}
_ADVANCE = 1233 / 2048
"""DejaVu Sans Mono's advance width per point of size."""


def to_png(receipt: Receipt, *, scale: int = 1) -> bytes:
    """``receipt`` drawn as a PNG, ``scale`` times the printer's dots (2 for a sharp screen)."""
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 4:
        raise ValueError(f"A receipt preview is drawn 1 to 4 times its size, not {scale!r}.")
    width = DOTS[receipt.width] * scale
    lines = receipt.lines()
    cell = (DOTS[receipt.width] - 2 * MARGIN) / receipt.width * scale
    height = 2 * MARGIN * scale + sum(_height(line) for line in lines) * scale
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    left = (width - cell * receipt.width) / 2
    y = MARGIN * scale
    for line in lines:
        if line.barcode is not None:
            y += _draw_barcode(draw, line.barcode, width, y, scale)
        size = 2 if line.big else 1
        draw.text((left, y), line.text, fill=0, font=_font(line.bold, cell * size))
        y += LINE_DOTS * size * scale
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _height(line: PrintLine) -> int:
    """The dots ``line`` takes down the paper (its barcode included)."""
    barcode = BARCODE_DOTS + LINE_DOTS // 2 if line.barcode is not None else 0
    return LINE_DOTS * (2 if line.big else 1) + barcode


def _draw_barcode(draw: ImageDraw.ImageDraw, value: str, width: int, top: int, scale: int) -> int:
    """Draw ``value``'s CODE128 bars centred at ``top``; the dots they take, gap included."""
    [modules] = Code128(value).build()
    module = BARCODE_MODULE * scale
    x = (width - len(modules) * module) // 2
    bottom = top + BARCODE_DOTS * scale - 1
    for index, bar in enumerate(modules):
        if bar == "1":
            start = x + index * module
            draw.rectangle((start, top, start + module - 1, bottom), fill=0)
    return (BARCODE_DOTS + LINE_DOTS // 2) * scale


@lru_cache(maxsize=16)
def _font(bold: bool, cell: float) -> ImageFont.FreeTypeFont:
    """The monospace font whose characters are ``cell`` dots wide."""
    path = resources_dir() / "fonts" / _FONTS[bold]
    return ImageFont.truetype(str(path), size=max(1, int(cell / _ADVANCE)))
