"""The PNG preview: a white strip of the paper's printable width, as tall as its lines, with
the text, bold and big rows and the barcode drawn where the printer prints them."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest
from PIL import Image

from pos_app.receipts import Barcode, Receipt, ReceiptKind, Rule, Text, sale_receipt
from pos_app.receipts.preview import to_png
from tests.receipts.checks import HEADER, PRINTED, record_of, rung_up


def image(receipt: Receipt, **options) -> Image.Image:
    png = to_png(receipt, **options)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("L")


def made(*blocks, width: int = 48) -> Receipt:
    return Receipt(ReceiptKind.TEST, "", "", width, tuple(blocks), PRINTED)


def ink(picture: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many dark pixels ``box`` holds."""
    return sum(1 for value in picture.crop(box).tobytes() if value < 128)


@pytest.mark.parametrize(("width_mm", "dots"), [(58, 384), (80, 576)])
def test_the_strip_is_the_papers_printable_width(width_mm, dots):
    receipt = sale_receipt(
        record_of(rung_up().pay_cash("cash", 4000)),
        HEADER,
        register="3",
        cashier="Cal",
        width_mm=width_mm,
        printed_at=PRINTED,
    )
    picture = image(receipt)
    assert picture.width == dots
    assert picture.height > 24 * len(receipt.lines())
    assert image(receipt, scale=2).size == (2 * dots, 2 * picture.height)
    corner = picture.getpixel((0, 0))
    assert corner == 255  # white paper


def test_its_height_grows_with_its_lines():
    one = image(made(Text("Burger", "$8.99")))
    three = image(made(Text("Burger", "$8.99"), Text("Fries", "$3.50"), Rule()))
    big = image(made(Text("Burger", "$8.99", big=True)))
    assert three.height == one.height + 2 * 24
    assert big.height == one.height + 24


def test_text_is_drawn_where_its_characters_are():
    picture = image(made(Text("", "$8.99"), width=32))
    line = (0, 24, 384, 48)
    left, right = (0, 24, 192, 48), (192, 24, 384, 48)
    assert ink(picture, line) > 0
    assert ink(picture, left) == 0 and ink(picture, right) > 0  # right-aligned


def test_bold_rows_are_darker_and_big_rows_larger():
    plain = image(made(Text("TOTAL 8.99")))
    bold = image(made(Text("TOTAL 8.99", bold=True)))
    big = image(made(Text("TOTAL 8.99", big=True)))
    row = (0, 24, 576, 48)
    assert ink(bold, row) > ink(plain, row) * 1.2
    assert ink(big, (0, 24, 576, 72)) > ink(plain, row) * 3


def test_the_barcode_is_drawn_above_its_text():
    picture = image(made(Barcode("2612010003")))
    bars = (0, 24, 576, 24 + 64)
    assert ink(picture, bars) > 64 * 40  # at least 40 bar dots across, all the way down
    column = picture.crop((0, 24 + 32, 576, 24 + 33)).tobytes()
    changes = sum(1 for a, b in pairwise(column) if (a < 128) != (b < 128))
    assert changes > 30  # bars and spaces, not a block
    below = (0, 24 + 64 + 12, 576, 24 + 64 + 12 + 24)
    assert ink(picture, below) > 0  # the human-readable number


@pytest.mark.parametrize("scale", [0, 5, 1.5, True])
def test_the_scale_is_a_small_whole_number(scale):
    with pytest.raises(ValueError, match="1 to 4"):
        to_png(made(Text("x")), scale=scale)
