"""The receipts of no check: the printer's test page and the cash drawer's slips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain import format_cents
from pos_app.receipts import ReceiptKind, drawer_slip
from pos_app.receipts import test_page as make_test_page
from tests.receipts.checks import HEADER, PRINTED, local, row


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_test_page_shows_the_printer_its_width_and_a_barcode(width_mm):
    receipt = make_test_page("socket://10.0.0.5:9100", width_mm, printed_at=PRINTED)
    width = {58: 32, 80: 48}[width_mm]
    lines = receipt.text_lines()
    assert receipt.kind is ReceiptKind.TEST and receipt.check_id == ""
    assert "Printer socket://10.0.0.5:9100" in lines
    assert f"Paper {width_mm} mm: {width} characters" in lines
    assert ("1234567890" * 5)[:width] in lines
    assert [line.barcode for line in receipt.lines() if line.barcode] == ["LEVELUP-POS"]


@pytest.mark.parametrize(
    ("kind", "amount", "title"),
    [
        (ReceiptKind.NO_SALE, None, "NO SALE"),
        (ReceiptKind.PAID_IN, 2000, "PAID IN"),
        (ReceiptKind.PAID_OUT, 1250, "PAID OUT"),
    ],
)
def test_drawer_slips_say_what_who_why_and_when(kind, amount, title):
    slip = drawer_slip(kind, amount, "Milk delivery", "Mia Manager", PRINTED, "3", width_mm=58)
    lines = slip.text_lines()
    assert slip.kind is kind and slip.check_id == "" and slip.width == 32
    assert lines[0] == title.center(16).rstrip()
    assert lines[1:3] == [row("Register 3", local(PRINTED), 32), "By Mia"]
    assert "Reason: Milk delivery" in lines
    assert lines[-1].startswith("Signed ____")
    amounts = [line for line in lines if line.startswith("Amount")]
    assert amounts == ([row("Amount", format_cents(amount), 16)] if amount else [])


def test_a_slip_with_the_store_header():
    slip = drawer_slip(
        ReceiptKind.NO_SALE, None, "Change for a $20", "Cal", PRINTED, "3", header=HEADER
    )
    assert slip.text_lines()[0] == "Demo Café".center(24).rstrip()


@pytest.mark.parametrize(
    ("kind", "amount", "said"),
    [
        (ReceiptKind.SALE, 100, "no-sale, a pay-in or a pay-out"),
        (ReceiptKind.NO_SALE, 100, "no amount"),
        (ReceiptKind.PAID_OUT, None, "whole number of cents"),
        (ReceiptKind.PAID_IN, 0, r"more than \$0.00"),
        (ReceiptKind.PAID_IN, 12.5, "whole number of cents"),
    ],
)
def test_a_slip_is_of_the_drawer_and_has_an_amount_when_money_moved(kind, amount, said):
    with pytest.raises(ValueError, match=said):
        drawer_slip(kind, amount, "why", "Cal", PRINTED, "3")


def test_a_no_sale_of_no_amount_says_none():
    slip = drawer_slip(ReceiptKind.NO_SALE, 0, "Change for a $20", "Cal", PRINTED, "3")
    assert not any(line.startswith("Amount") for line in slip.text_lines())


def test_the_test_page_is_printed_now_unless_told():
    page = make_test_page("socket://10.0.0.5:9100", 80)
    assert page.created_at.tzinfo is not None
    assert abs((page.created_at - datetime.now(UTC)).total_seconds()) < 60
