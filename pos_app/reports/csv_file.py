"""A report as a CSV file a spreadsheet opens (``levelup-pos report --format csv``).

One row per figure, every part of the report (:func:`~pos_app.reports.text.report_sections`),
under the header row ``section,name,amount,amount_cents,count,detail``:

- ``section``: the part of the report ("Sales", "Tenders", "Cash", ...); the header's rows
  (register, business date, when and by whom it was taken) are under the report's title;
- ``name``: the figure, with the figure it is part of before a colon ("LevelUp: Tips");
- ``amount``: dollars with two decimals and no currency sign or thousands separator
  (``2143.50``), which spreadsheets read as a number; ``amount_cents``: the same in whole cents
  (``214350``), exact for sums; both empty for a figure that is no amount;
- ``count``: how many payments, checks or moves (empty when the figure counts nothing);
- ``detail``: words (the register's name, who approved a refund and why, a mismatch).

Amounts are as the report keeps them: discounts, refunds and cash given back are positive;
over/short is negative when the drawer is short. A text cell that a spreadsheet would take for
a formula (it starts with ``=``, ``+``, ``-`` or ``@``) gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io

from pos_app.reports.model import Report
from pos_app.reports.text import Figure, report_sections

COLUMNS = ("section", "name", "amount", "amount_cents", "count", "detail")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: Report) -> str:
    """The report as CSV text (comma-separated, CRLF line ends, a header row first)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for section in report_sections(report):
        for figure in section.figures:
            writer.writerow(_row(section.title, figure))
    return out.getvalue()


def dollars(cents: int) -> str:
    """Cents as a plain decimal number of dollars: ``-1250`` → ``-12.50``."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def _row(section: str, figure: Figure) -> tuple[str, ...]:
    amount = figure.amount
    detail = " ".join(part for part in (figure.value, figure.detail) if part)
    return (
        _safe(section),
        _safe(figure.full_name),
        "" if amount is None else dollars(amount),
        "" if amount is None else str(amount),
        "" if figure.count is None else str(figure.count),
        _safe(detail),
    )


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
