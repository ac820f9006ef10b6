"""The receipt document: fixed-width lines (wrapping, alignment, big and centred text, copy
headings) and its JSON form, which refuses what is not a receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pos_app.receipts import (
    Barcode,
    Copy,
    Feed,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    Title,
    chars_for,
)

AT = datetime(2026, 12, 1, 14, 4, tzinfo=UTC)


def receipt(*blocks, width: int = 48, copy: Copy = Copy.CUSTOMER) -> Receipt:
    return Receipt(ReceiptKind.SALE, "c-1", "2612010003", width, tuple(blocks), AT, copy)


def test_paper_widths_give_the_characters_a_line():
    assert (chars_for(58), chars_for(80)) == (32, 48)
    with pytest.raises(ValueError, match="58 or 80 mm"):
        chars_for(76)


def test_amounts_are_aligned_to_the_right_edge():
    lines = receipt(Text("Subtotal", "$27.68"), Text("  Tip", "$1.50"), width=32).text_lines()
    assert lines == ["Subtotal" + " " * 18 + "$27.68", "  Tip" + " " * 22 + "$1.50"]
    assert all(len(line) == 32 for line in lines)
    assert receipt(Text("", "$1.00"), width=32).text_lines() == [" " * 27 + "$1.00"]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (
            32,
            [
                "A very long item name that will",
                "  need wrapping on paper   $3.50",
            ],
        ),
        (48, ["A very long item name that will need wrapping on", "  paper" + " " * 36 + "$3.50"]),
    ],
)
def test_long_names_wrap_and_keep_their_amount_on_the_last_line(width, expected):
    text = "A very long item name that will need wrapping on paper"
    assert receipt(Text(text, "$3.50"), width=width).text_lines() == expected


def test_an_amount_that_does_not_fit_goes_on_a_line_of_its_own():
    name = "x" * 30
    assert receipt(Text(name, "$1,234.56"), width=32).text_lines() == [
        name,
        " " * 23 + "$1,234.56",
    ]


def test_indented_rows_keep_their_indent_when_wrapped():
    lines = receipt(Text("  + " + "extra " * 8, "$1.00"), width=32).text_lines()
    assert lines[0].startswith("  + extra") and lines[1].startswith("    extra")
    assert all(len(line) <= 32 for line in lines)


def test_big_text_counts_double_width_and_centred_text_is_padded():
    lines = receipt(
        Title("Demo Café"),
        Text("TOTAL", "$31.55", big=True),
        Text("Thank you!", centred=True),
        width=32,
    ).lines()
    assert [line.text for line in lines] == [
        "   Demo Café",  # 16 big characters fill the 32 a line
        "TOTAL     $31.55",
        "           Thank you!",
    ]
    assert [(line.bold, line.big) for line in lines] == [
        (True, True),
        (False, True),
        (False, False),
    ]


def test_a_big_word_longer_than_half_a_line_is_broken():
    lines = receipt(Title("A" * 20), width=32).text_lines()
    assert lines == ["A" * 16, "      AAAA"]


def test_rules_feeds_and_the_barcode_with_its_text_under_it():
    lines = receipt(Rule(), Feed(2), Barcode("2612010003"), width=32).lines()
    assert [line.text for line in lines] == ["-" * 32, "", "", "           2612010003"]
    assert lines[-1].barcode == "2612010003"
    assert all(line.barcode is None for line in lines[:-1])


@pytest.mark.parametrize(
    ("copy", "heading"),
    [(Copy.MERCHANT, "MERCHANT COPY"), (Copy.REPRINT, "REPRINT")],
)
def test_every_copy_but_the_customers_says_whose_it_is(copy, heading):
    customer = receipt(Text("Item", "$1.00"))
    marked = customer.as_copy(copy)
    assert marked.text_lines() == [heading.center(48).rstrip(), *customer.text_lines()]
    assert marked.lines()[0].bold
    assert marked.copy is copy and customer.copy is Copy.CUSTOMER


def test_control_characters_never_reach_the_printer():
    lines = receipt(Text("Fries\x1b@\x1dV\x00", "\t$1.00")).text_lines()
    assert lines == ["Fries @ V" + " " * 34 + "$1.00"]
    assert all(char.isprintable() for line in lines for char in line)


def test_the_text_is_the_lines():
    made = receipt(Text("a", "$1.00"), Rule(), width=32)
    assert made.text() == "a" + " " * 26 + "$1.00\n" + "-" * 32 + "\n"


def test_the_time_is_kept_in_utc_and_must_say_its_zone():
    eastern = timezone(timedelta(hours=-5))
    made = Receipt(ReceiptKind.TEST, "", "", 32, (), datetime(2026, 12, 1, 9, 4, tzinfo=eastern))
    assert made.created_at == AT and made.created_at.tzinfo is UTC
    with pytest.raises(ValueError, match="time zone"):
        Receipt(ReceiptKind.TEST, "", "", 32, (), datetime(2026, 12, 1, 9, 4))


@pytest.mark.parametrize("width", [0, 40, 49])
def test_a_receipt_is_32_or_48_characters_wide(width):
    with pytest.raises(ValueError, match="32 or 48"):
        receipt(width=width)


@pytest.mark.parametrize("value", ["", "a b", "x" * 21, "LU02@", "é"])
def test_a_barcode_holds_a_check_number_only(value):
    with pytest.raises(ValueError, match="barcode"):
        Barcode(value)


# ----- JSON -----------------------------------------------------------------------------------

EVERY_BLOCK = (
    Title("Demo Café"),
    Text("Burger", "$8.99", bold=True),
    Text("TOTAL", "$8.99", big=True),
    Text("Thank you!", centred=True),
    Rule(),
    Feed(3),
    Barcode("2612010003"),
)


def test_the_json_form_gives_back_the_same_receipt():
    made = receipt(*EVERY_BLOCK, copy=Copy.REPRINT)
    again = Receipt.from_data(json.loads(json.dumps(made.as_data())))
    assert again == made
    assert again.text_lines() == made.text_lines()
    assert again.as_data() == made.as_data()


def good() -> dict:
    return receipt(*EVERY_BLOCK).as_data()


def changed(path: tuple, value: object) -> dict:
    data = good()
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ([], "must be a mapping"),
        ("receipt", "must be a mapping"),
        (changed(("version",), 2), "version 2"),
        (changed(("kind",), "invoice"), "invoice"),
        (changed(("kind",), KeyError), "'kind' is missing"),
        (changed(("copy",), "mine"), "mine"),
        (changed(("width",), "48"), "'width' must be int"),
        (changed(("width",), True), "'width' must be int"),
        (changed(("width",), 40), "32 or 48"),
        (changed(("created_at",), "yesterday"), "yesterday"),
        (changed(("created_at",), "2026-12-01T14:04:00"), "time zone"),
        (changed(("blocks",), {}), "'blocks' must be list"),
        (changed(("blocks", 0), "title"), "block must be a mapping"),
        (changed(("blocks", 0, "type"), "image"), "'image' is not a kind of receipt block"),
        (changed(("blocks", 1, "bold"), 1), "'bold' must be bool"),
        (changed(("blocks", 1, "right"), None), "'right' must be str"),
        (changed(("blocks", 2, "left"), KeyError), "'left' is missing"),
        (changed(("blocks", 5, "lines"), 0), "1 to 10"),
        (changed(("blocks", 6, "value"), "LU02 code"), "barcode"),
        (changed(("check_id",), 7), "'check_id' must be str"),
    ],
)
def test_malformed_data_is_refused_in_plain_words(data, said):
    with pytest.raises(ValueError, match=r"[Rr]eceipt") as caught:
        Receipt.from_data(data)
    assert said in str(caught.value)
