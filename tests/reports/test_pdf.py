"""The report as a PDF: it opens, its text has the figures, its charts and its page numbers."""

from __future__ import annotations

from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from pos_app.domain import format_cents
from pos_app.reports import TENDER_ORDER, GroupFigures
from pos_app.reports.pdf import report_pdf
from tests.reports.sample import sample_report
from tests.reports.test_text import SECRETS, empty_report, leaky_report


def read(data: bytes) -> tuple[list[str], dict[str, str]]:
    """Each page's text, and the document's metadata."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return pages, document.get_metadata_dict()
    finally:
        document.close()


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], dict[str, str]]:
    return read(report_pdf(sample_report()))


def test_it_is_a_pdf_with_numbered_pages_and_a_title(sample):
    pages, metadata = sample
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Z report #12 | Front counter | 2026-12-02" in words(text)
    assert metadata["Title"] == "Z report #12, Front counter, 2026-12-02"
    assert words(pages[0]).startswith("Z report #12: Front counter")


def test_the_same_report_gives_the_same_bytes():
    assert report_pdf(sample_report()) == report_pdf(sample_report())


def test_the_figures_are_in_its_text(sample):
    text = words(" ".join(sample[0]))
    for figure in [
        "Checks 143",
        "Gross sales $2,143.50",
        "Net sales $2,050.31",
        "Tax $164.02",
        "food $149.10",
        "Tips $38.45",
        "LevelUp 81 $1,214.10",
        "LevelUp discount $23.00",
        "Gift card $100.00",
        "Card $1,144.00",
        "Cash 38 $521.18",
        "Credit card 17 $319.02",
        "Refund, check 2612020041 at",
        "approved by Morgan Manager (m1): Wrong order $12.99",
        "Forwarded 3 $43.50",
        "Check 2612020130 unknown since",
        "Casey Cashier (c1) 98 $1,402.20",
        "Expected in the drawer $667.19",
        "Short -$2.00",
        "Matched 80",
        "Charged at LevelUp, not here 1",
    ]:
        assert figure in text
    for mismatch in sample_report().reconciliation.details:
        assert mismatch.text in text


def test_the_charts_show_sales_by_hour_and_the_tender_mix(sample):
    first = words(sample[0][0])
    assert "Net sales by hour" in first and "Tender mix" in first
    assert "07 08 09 10 11 12 13 14 15 16 17 18 19" in first
    assert "$500" in first  # the value axis's top, a round step above $489.00
    shares = dict(zip(TENDER_ORDER, (55, 23, 14, 5), strict=False))
    for kind, share in shares.items():
        tender = sample_report().tender(kind)
        assert f"{tender.name} {format_cents(tender.amount)} ({share}%)" in first
    assert "Other $0.00 (" not in first  # a tender with no money is no slice


def test_an_x_report_with_no_sales():
    pages, metadata = read(report_pdf(empty_report()))
    text = words(" ".join(pages))
    assert text.startswith("X report: reg")
    assert "No sales yet" in text and "No payments yet" in text
    assert "Net sales $0.00" in text and "Counted not counted" in text
    assert "not checked" in text
    assert metadata["Title"] == "X report, reg, 2026-12-03"


def test_an_hour_that_lost_money_is_drawn_below_zero():
    hours = (GroupFigures("09:00", 1, 2_000), GroupFigures("10:00", 1, -1_500))
    text = words(read(report_pdf(replace(sample_report(), by_hour=hours)))[0][0])
    assert "$-" not in text
    assert "-$20 -$10 $0 $10 $20" in text


def test_no_email_address_payment_code_or_pin_is_in_it():
    text = " ".join(read(report_pdf(leaky_report()))[0])
    assert not any(secret in words(text) for secret in (*SECRETS, "2468"))
