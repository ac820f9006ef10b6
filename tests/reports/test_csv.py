"""The report as a CSV file: one row per figure, amounts in dollars and in cents."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from pos_app.reports import Reversal, ReversalKind
from pos_app.reports.csv_file import COLUMNS, dollars, report_csv
from pos_app.reports.text import report_sections
from tests.reports.sample import at, sample_report
from tests.reports.test_text import SECRETS, empty_report, leaky_report


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def find(table: list[dict[str, str]], section: str, name: str) -> dict[str, str]:
    (found,) = [r for r in table if r["section"] == section and r["name"] == name]
    return found


def test_the_header_row_and_a_row_for_every_figure():
    text = report_csv(sample_report())
    assert text.splitlines()[0] == ",".join(COLUMNS)
    figures = sum(len(section.figures) for section in report_sections(sample_report()))
    assert len(rows(text)) == figures
    assert {r["section"] for r in rows(text)} == {s.title for s in report_sections(sample_report())}


def test_amounts_in_dollars_and_in_cents_with_counts():
    table = rows(report_csv(sample_report()))
    assert find(table, "Sales", "Gross sales") == {
        "section": "Sales",
        "name": "Gross sales",
        "amount": "2143.50",
        "amount_cents": "214350",
        "count": "",
        "detail": "",
    }
    assert find(table, "Sales", "Checks")["count"] == "143"
    assert find(table, "Sales", "Checks")["amount"] == ""
    assert find(table, "Sales", "Tax: food")["amount_cents"] == "14910"
    levelup = find(table, "Tenders", "LevelUp")
    assert (levelup["amount"], levelup["count"]) == ("1214.10", "81")
    assert find(table, "Tenders", "LevelUp: Gift card")["amount_cents"] == "10000"
    assert find(table, "Tenders", "LevelUp: Card")["amount_cents"] == "114400"
    assert find(table, "Tenders", "Credit card: Tips")["amount"] == "8.55"
    assert find(table, "Cash", "Short")["amount"] == "-2.00"
    assert find(table, "Cash", "Short")["amount_cents"] == "-200"
    assert find(table, "Cash", "Expected in the drawer")["amount_cents"] == "66719"


def test_words_go_in_the_detail_column():
    table = rows(report_csv(sample_report()))
    assert find(table, "Z report #12", "Register")["detail"] == "Front counter"
    refund = find(table, "Voids, refunds, returns and comps", "Refund, check 2612020041")
    assert refund["amount"] == "12.99"
    assert refund["detail"].endswith("LevelUp, approved by Morgan Manager (m1): Wrong order")
    reconciliation = [r for r in table if r["section"] == "LevelUp reconciliation"]
    assert find(reconciliation, "LevelUp reconciliation", "Matched")["count"] == "80"
    texts = {r["name"] for r in reconciliation}
    assert all(m.text in texts for m in sample_report().reconciliation.details)


def test_an_x_report_with_no_sales():
    table = rows(report_csv(empty_report()))
    assert find(table, "X report", "Register")["detail"] == "reg"
    assert find(table, "Sales", "Net sales")["amount_cents"] == "0"
    assert find(table, "By hour (checks, net sales)", "No sales")["amount"] == ""
    assert find(table, "Cash", "Counted")["detail"] == "not counted"
    assert find(table, "LevelUp reconciliation", "LevelUp orders")["detail"] == "not checked"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted():
    reversal = Reversal(ReversalKind.VOID, at(9), "2612020001", 500, "=HYPERLINK(1)", "+cmd")
    table = rows(report_csv(replace(sample_report(), reversals=(reversal,))))
    (void,) = [r for r in table if r["name"] == "Void, check 2612020001"]
    assert "'" not in void["name"]
    assert void["detail"].startswith("at ")  # words after the time stay as typed, inside
    assert "approved by =HYPERLINK(1): +cmd" in void["detail"]
    note = replace(sample_report(), notes=("=1+1", "@SUM(A1)"))
    notes = [r["name"] for r in rows(report_csv(note)) if r["section"] == "Notes"]
    assert notes == ["'=1+1", "'@SUM(A1)"]


def test_dollars():
    assert [dollars(c) for c in (0, 5, 1250, -1250, 214_350)] == [
        "0.00",
        "0.05",
        "12.50",
        "-12.50",
        "2143.50",
    ]


def test_no_email_address_payment_code_or_pin_is_written():
    text = report_csv(leaky_report())
    assert not any(secret in text for secret in (*SECRETS, "2468"))
