"""The report as plain text: every part of it, laid out to its width."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pos_app.reports import Reconciliation, Report, ReportKind, Reversal, ReversalKind
from pos_app.reports.text import report_sections, report_text
from tests.reports.sample import DAY, at, sample_report

SECRETS = ("ann@example.com", "LU02000ABCDEFGHIJKLMN", "pin=2468")


def empty_report() -> Report:
    return Report(ReportKind.X, date(2026, 12, 3), "reg", datetime(2026, 12, 3, 9, tzinfo=UTC))


def leaky_report() -> Report:
    """A report whose typed-in words carry an email address, a payment code and a PIN."""
    reversal = Reversal(
        ReversalKind.VOID, at(9), "2612020001", 500, "Morgan Manager (m1)", f"Mail {SECRETS[0]}"
    )
    return replace(sample_report(), reversals=(reversal,), notes=(f"{SECRETS[1]} {SECRETS[2]}",))


def row(left: str, right: str, width: int = 48) -> str:
    return left.ljust(width - len(right)) + right


def words(text: str) -> str:
    return " ".join(text.split())


def local(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def test_the_header_names_the_report_the_register_the_day_and_who_took_it():
    lines = report_text(sample_report()).splitlines()
    assert lines[0] == "Z report #12".center(48).rstrip()
    assert lines[2:6] == [
        row("Register", "Front counter"),
        row("Business date", "2026-12-02"),
        row("Taken at", local(at(22, 5))),
        row("Taken by", "Morgan Manager (m1)"),
    ]
    assert report_text(sample_report(ReportKind.X)).splitlines()[0].strip() == "X report"


def test_the_sales_figures():
    lines = report_text(sample_report()).splitlines()
    for name, value in [
        ("Checks", "143"),
        ("Gross sales", "$2,143.50"),
        ("Discounts", "$61.20"),
        ("LevelUp discounts", "$23.00"),
        ("Returns", "$8.99"),
        ("Net sales", "$2,050.31"),
        ("Tax", "$164.02"),
        ("  food", "$149.10"),
        ("  alcohol", "$14.92"),
        ("Fees", "$15.00"),
        ("Tips", "$38.45"),
    ]:
        assert row(name, value) in lines
    assert row("  Comps", "    2       $12.50") in lines


def test_tenders_come_levelup_first_with_its_parts():
    text = report_text(sample_report())
    tenders = text.split("TENDERS")[1].split("VOIDS")[0].splitlines()
    names = [line.split("  ")[0] for line in tenders if line and not line.startswith((" ", "-"))]
    assert names == ["LevelUp", "Cash", "Credit card", "Debit card", "Other"]
    assert tenders[2:8] == [
        row("LevelUp", "   81    $1,214.10"),
        row("  LevelUp discount", "$23.00"),
        row("  Gift card", "$100.00"),
        row("  Card", "$1,144.00"),
        row("  Tips", "$29.90"),
        row("  Refunds", "    1       $12.99"),
    ]
    assert row("Credit card", "   17      $319.02") in tenders
    assert row("  Tips", "$8.55") in tenders


def test_reversals_say_who_approved_and_why():
    text = report_text(sample_report())
    assert row("Refund, check 2612020041", "$12.99") in text.splitlines()
    said = words(text)
    refunded = at(13, 12).astimezone().strftime("%H:%M")
    assert f"at {refunded}, LevelUp, approved by Morgan Manager (m1): Wrong order" in said
    assert "Cash, approved by Morgan Manager (m1): Cold fries" in said
    assert row("Comp, check 2612020101", "$12.50") in text.splitlines()


def test_offline_unknown_people_hours_and_open_checks():
    lines = report_text(sample_report()).splitlines()
    assert row("Forwarded", "    3       $43.50") in lines
    assert row("Declined", "    1       $11.20") in lines
    assert row("Waiting", "    0        $0.00") in lines
    assert row("Check 2612020130", "$15.75") in lines
    assert f"    unknown since {at(20, 31).astimezone():%H:%M}" in lines
    assert row("Casey Cashier (c1)", "   98    $1,402.20") in lines
    assert row("12:00", "   30      $489.00") in lines
    assert lines[lines.index("OPEN CHECKS") + 2] == "None"
    with_open = replace(sample_report(), open_checks=("2612020140",))
    assert "Check 2612020140" in report_text(with_open).splitlines()


def test_the_drawer_expected_counted_and_short():
    lines = report_text(sample_report()).splitlines()
    assert lines[lines.index("CASH") + 2 :][:9] == [
        row("Opening float", "$150.00"),
        row("Cash taken", "   38      $521.18"),
        row("Given back", "    1        $8.99"),
        row("Paid in", "    1       $20.00"),
        row("Paid out", "    1       $15.00"),
        row("No sales", "2"),
        row("Expected in the drawer", "$667.19"),
        row("Counted", "$665.19"),
        row("Short", "-$2.00"),
    ]
    over = replace(sample_report(), cash=replace(sample_report().cash, over_short=281))
    assert row("Over", "$2.81") in report_text(over).splitlines()


def test_the_reconciliation_counts_and_its_mismatches_in_words():
    text = report_text(sample_report())
    lines = text.splitlines()
    assert row("LevelUp orders", "81") in lines
    assert row("Matched", "80") in lines
    assert row("Charged at LevelUp, not here", "1") in lines
    assert row("Amounts differ", "0") in lines
    for mismatch in sample_report().reconciliation.details:
        assert mismatch.text in words(text)
    assert "see Unknown payments." in words(text.split("NOTES")[1])


def test_a_reconciliation_not_checked_says_why():
    report = replace(sample_report(), reconciliation=Reconciliation(problem="LevelUp is offline"))
    text = report_text(report)
    assert "    not checked: LevelUp is offline" in text.splitlines()
    assert "Matched" not in text


def test_an_x_report_with_no_sales():
    text = report_text(empty_report())
    lines = text.splitlines()
    assert lines[0].strip() == "X report"
    assert "Taken by" not in text and "NOTES" not in text
    assert row("Net sales", "$0.00") in lines
    assert row("LevelUp", "    0        $0.00") in lines
    assert lines.count("No sales") == 2  # by cashier, by hour
    assert row("Counted", "not counted") in lines
    assert "    not checked" in lines


@pytest.mark.parametrize("width", [32, 48, 64])
def test_every_line_fits_its_width(width):
    for report in (sample_report(), empty_report()):
        assert max(len(line) for line in report_text(report, width).splitlines()) <= width


def test_a_width_under_32_is_refused():
    with pytest.raises(ValueError, match="at least 32"):
        report_text(sample_report(), 20)


def test_sections_cover_every_part_in_order():
    titles = [section.title for section in report_sections(sample_report())]
    assert titles == [
        "Z report #12",
        "Sales",
        "Tenders",
        "Voids, refunds, returns and comps",
        "Offline LevelUp payments",
        "Unknown payments",
        "By cashier (checks, net sales)",
        "By hour (checks, net sales)",
        "Open checks",
        "Cash",
        "LevelUp reconciliation",
        "Notes",
    ]
    assert report_sections(sample_report())[0].figures[1].value == DAY.isoformat()


def test_no_email_address_payment_code_or_pin_is_shown():
    text = report_text(leaky_report())
    assert "Mail ***" in text
    assert not any(secret in text for secret in (*SECRETS, "2468", "example.com"))
