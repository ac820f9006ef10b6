"""A report as a PDF file (``levelup-pos report --format pdf``), drawn with reportlab: US
Letter portrait, two charts (net sales by hour, the tender mix) above the figures' tables (the
same sections as the text: :func:`~pos_app.reports.text.report_sections`), the reconciliation's
mismatches in plain words, and "Page n of m" under each page.

The output is reproducible (reportlab's ``invariant`` mode: no creation time or random id in
the file): the same report gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pos_app.domain import TenderKind, format_cents
from pos_app.reports.model import Report
from pos_app.reports.text import Figure, Section, report_sections

MARGIN = 15 * mm
FRAME_WIDTH = LETTER[0] - 2 * MARGIN
CHART_SIZE = (FRAME_WIDTH / 2 - 6, 62 * mm)
INK = colors.HexColor("#212529")
GREY = colors.HexColor("#6c757d")
STRIPE = colors.HexColor("#f1f3f5")
BAR = colors.HexColor("#1971c2")
TENDER_COLOURS = {
    TenderKind.LEVELUP: colors.HexColor("#e8590c"),
    TenderKind.CASH: colors.HexColor("#2f9e44"),
    TenderKind.CREDIT: colors.HexColor("#1971c2"),
    TenderKind.DEBIT: colors.HexColor("#7048e8"),
    TenderKind.OTHER: colors.HexColor("#868e96"),
}

_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("ReportTitle", _STYLES["Title"], fontSize=20, spaceAfter=4)
HEADING = ParagraphStyle("ReportHeading", _STYLES["Heading2"], fontSize=12, spaceAfter=0)
BODY = ParagraphStyle("ReportBody", _STYLES["BodyText"], fontSize=9, leading=11.5)
PART = ParagraphStyle("ReportPart", BODY, leftIndent=12)
DETAIL = ParagraphStyle("ReportDetail", BODY, fontSize=8, leading=10, textColor=GREY)
NUMBER = ParagraphStyle("ReportNumber", BODY, alignment=2)  # right-aligned
COLUMN = ParagraphStyle("ReportColumn", DETAIL, alignment=2)


def report_pdf(report: Report, more: Sequence[Section] = ()) -> bytes:
    """The report as the bytes of a PDF file; ``more``: sections after its own."""
    header, *parts = report_sections(report)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{report.title}, {report.register}, {report.business_date.isoformat()}",
        author="LevelUp POS",
        subject="The register's report of a business day",
        invariant=True,
    )
    story: list[Any] = [
        Paragraph(escape(f"{header.title}: {report.register}"), TITLE),
        _header_table(header),
        Spacer(1, 4 * mm),
        _charts(report),
    ]
    for section in (*parts, *more):
        story.append(_table(section))
    footer = f"LevelUp POS  |  {report.title}  |  {report.register}  |  {report.business_date}"
    document.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return out.getvalue()


# ----- tables -----------------------------------------------------------------------------------


def _header_table(header: Section) -> Table:
    rows = [
        [Paragraph(escape(f.name), DETAIL), Paragraph(escape(f.value), BODY)]
        for f in header.figures
    ]
    table = Table(rows, colWidths=[32 * mm, FRAME_WIDTH - 32 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _table(section: Section) -> Table:
    """The section's figures under its title, which a page break repeats."""
    both = any(f.amount is not None and f.count is not None for f in section.figures)
    columns = [Paragraph("count", COLUMN), Paragraph("amount", COLUMN)] if both else ["", ""]
    rows: list[list[Any]] = [[Paragraph(escape(section.title), HEADING), *columns]]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (1, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 12),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("LEFTPADDING", (0, 0), (-1, 0), 0),
    ]
    for row, figure in enumerate(section.figures, start=1):
        rows.append(_cells(figure, columns=both))
        if not (figure.amount is not None or figure.count is not None or figure.value):
            style.append(("SPAN", (0, row), (-1, row)))
        if row % 2 == 0:
            style.append(("BACKGROUND", (0, row), (-1, row), STRIPE))
    widths = [FRAME_WIDTH - 60 * mm, 22 * mm, 38 * mm]
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _cells(figure: Figure, *, columns: bool) -> list[Any]:
    """The figure's name (and detail), count and amount; without column headings
    (``columns``), a count alone stands in the right-hand column."""
    text = escape(figure.name)
    if figure.detail:
        text += f'<br/><font size="8" color="#6c757d">{escape(figure.detail)}</font>'
    name = Paragraph(text, PART if figure.of else BODY)
    count = "" if figure.count is None else str(figure.count)
    value = format_cents(figure.amount) if figure.amount is not None else figure.value
    if not columns and figure.amount is None and not figure.value:
        count, value = "", count
    return [name, Paragraph(count, NUMBER), Paragraph(escape(value), NUMBER)]


# ----- charts -----------------------------------------------------------------------------------


def _charts(report: Report) -> Table:
    table = Table(
        [
            [Paragraph("Net sales by hour", HEADING), Paragraph("Tender mix", HEADING)],
            [_sales_by_hour(report), _tender_mix(report)],
        ],
        colWidths=[FRAME_WIDTH / 2] * 2,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _sales_by_hour(report: Report) -> Drawing:
    width, height = CHART_SIZE
    drawing = Drawing(width, height)
    hours = [group for group in report.by_hour if group.net_sales or group.checks]
    if not hours:
        return _nothing(drawing, "No sales yet")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 42, 26, int(width) - 50, int(height) - 34
    chart.data = [[group.net_sales for group in hours]]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = [group.label[:2] for group in hours]
    chart.categoryAxis.labels.fontSize = 7
    low, high = min(0, *chart.data[0]), max(0, *chart.data[0])
    step = _step(high - low)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = low // step * step, -(-high // step) * step
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_dollars
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = STRIPE
    drawing.add(chart)
    drawing.add(
        String(width / 2, 2, "hour (local time)", fontSize=7, fillColor=GREY, textAnchor="middle")
    )
    return drawing


def _tender_mix(report: Report) -> Drawing:
    width, height = CHART_SIZE
    drawing = Drawing(width, height)
    tenders = [tender for tender in report.tenders if tender.amount > 0]
    if not tenders:
        return _nothing(drawing, "No payments yet")
    total = sum(tender.amount for tender in tenders)
    pie = Pie()
    size = int(height) - 40
    pie.x, pie.y, pie.width, pie.height = (int(width) - size) // 2, 20, size, size
    pie.data = [tender.amount for tender in tenders]
    pie.labels = [
        f"{t.name} {format_cents(t.amount)} ({t.amount * 100 // total}%)" for t in tenders
    ]
    pie.startAngle, pie.direction = 90, "clockwise"
    pie.sideLabels = True
    pie.slices.fontSize = 7
    pie.slices.strokeColor = colors.white
    for index, tender in enumerate(tenders):
        pie.slices[index].fillColor = TENDER_COLOURS[tender.kind]
    drawing.add(pie)
    return drawing


def _nothing(drawing: Drawing, words: str) -> Drawing:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            words,
            fontSize=10,
            fillColor=GREY,
            textAnchor="middle",
        )
    )
    return drawing


def _step(top: int) -> int:
    """A round step in cents (1, 2 or 5 times a power of ten dollars) for at most 5 grid lines
    up to ``top``."""
    step = 100
    while True:
        for times in (1, 2, 5):
            if step * times * 5 >= top:
                return step * times
        step *= 10


def _axis_dollars(cents: float) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(int(cents)) // 100:,}"


# ----- pages ------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """A canvas that writes "Page n of m" and the report's name at the foot of each page once
    it knows how many pages there are."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        # Keep the page to write its footer at the end; start the next one as showPage would.
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own, not in its stubs

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont("Helvetica", 8)
            self.setFillColor(GREY)
            self.drawString(MARGIN, MARGIN - 2 * mm, self._footer)
            self.drawRightString(
                LETTER[0] - MARGIN, MARGIN - 2 * mm, f"Page {number} of {len(self._pages)}"
            )
            super().showPage()
        super().save()
