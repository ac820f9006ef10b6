"""The report on the receipt printer: what comes out of the printer, on 80 and 58 mm paper."""

from __future__ import annotations

import pytest

from pos_app.receipts import Receipt, ReceiptKind, StoreHeader
from pos_app.receipts.escpos_bytes import to_escpos
from pos_app.receipts.preview import to_png
from pos_app.reports.printout import report_receipt
from tests.fake_printer import decode
from tests.reports.sample import sample_report
from tests.reports.test_text import SECRETS, empty_report, leaky_report


def paper(receipt: Receipt) -> list[str]:
    printout = decode(to_escpos(receipt))
    assert printout.cuts == 1
    return printout.lines


def row(left: str, right: str, width: int) -> str:
    return left.ljust(width - len(right)) + right


def words(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize(("width_mm", "width"), [(80, 48), (58, 32)])
def test_the_figures_are_on_paper(width_mm, width):
    receipt = report_receipt(sample_report(), width_mm=width_mm)
    assert (receipt.kind, receipt.width, receipt.check_id) == (ReceiptKind.REPORT, width, "")
    assert receipt.created_at == sample_report().taken_at
    lines = paper(receipt)
    assert lines[0] == "Z report #12".center(width // 2).rstrip()
    assert max(len(line) for line in lines) <= width
    for name, value in [
        ("Register", "Front counter"),
        ("Gross sales", "$2,143.50"),
        ("Net sales", "$2,050.31"),
        ("Tax", "$164.02"),
        ("  Gift card", "$100.00"),
        ("  Card", "$1,144.00"),
        ("Expected in the drawer", "$667.19"),
        ("Short", "-$2.00"),
        ("Matched", "80"),
    ]:
        assert row(name, value, width) in lines
    for section in ("SALES", "TENDERS", "CASH", "LEVELUP RECONCILIATION", "NOTES"):
        assert section in lines
    levelup = lines[lines.index("TENDERS") + 1]
    assert levelup.split() == ["LevelUp", "81", "$1,214.10"]
    said = words(lines)
    assert "approved by Morgan Manager (m1): Wrong order" in said
    for mismatch in sample_report().reconciliation.details:
        assert mismatch.text in said
    assert lines[-2].strip() == "End of Z report #12"


def test_under_the_store_header():
    header = StoreHeader("Demo Cafe", "Harbour Street")
    lines = paper(report_receipt(sample_report(), header=header))
    assert lines[:2] == ["Demo Cafe".center(24).rstrip(), "Harbour Street".center(48).rstrip()]
    assert "Z report #12".center(24).rstrip() in lines


def test_an_x_report_with_no_sales():
    lines = paper(report_receipt(empty_report(), width_mm=58))
    assert lines[0].strip() == "X report"
    assert row("Net sales", "$0.00", 32) in lines
    assert row("Counted", "not counted", 32) in lines
    assert "No sales" in lines


def test_it_goes_to_the_journal_and_back_and_previews():
    receipt = report_receipt(sample_report(), width_mm=58)
    assert Receipt.from_data(receipt.as_data()).text_lines() == receipt.text_lines()
    assert to_png(receipt).startswith(b"\x89PNG")


def test_a_paper_width_other_than_58_or_80_is_refused():
    with pytest.raises(ValueError, match="58 or 80 mm"):
        report_receipt(sample_report(), width_mm=70)


def test_no_email_address_payment_code_or_pin_is_printed():
    said = " ".join(paper(report_receipt(leaky_report())))
    assert not any(secret in said for secret in (*SECRETS, "2468"))
