"""The Reports screen's figures: the tiles on top (net sales, checks, average check, tips) and
every part of the report as labelled rows (:func:`pos_app.reports.text.report_sections`, as the
text, CSV and PDF show them)."""

from __future__ import annotations

from pos_app.domain import format_cents
from pos_app.reports import Report
from pos_app.reports.text import Figure, report_sections
from pos_app.ui.qt import QGridLayout, QHBoxLayout, QLabel, QScrollArea, Qt, QVBoxLayout, QWidget
from pos_app.ui.widgets import label

TILES = (
    ("net", "Net sales", "due"),
    ("checks", "Checks", "heading"),
    ("average", "Average check", "heading"),
    ("tips", "Tips", "heading"),
)


def _panel(widget: QWidget) -> QWidget:
    """``widget`` drawn as a white panel (the style sheet's ``#panel``)."""
    widget.setObjectName("panel")
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    return widget


class FigureTiles(QWidget):
    """The day's headline figures, one tile each; :attr:`values` by name (``net``, ...)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.values: dict[str, QLabel] = {}
        for name, caption, role in TILES:
            tile = _panel(QWidget())
            column = QVBoxLayout(tile)
            column.setContentsMargins(14, 8, 14, 8)
            column.setSpacing(0)
            heading = label(caption, "subtle")
            heading.setWordWrap(False)
            column.addWidget(heading)
            self.values[name] = label("—", role)
            column.addWidget(self.values[name])
            row.addWidget(tile, 2 if name == "net" else 1)

    def show_report(self, report: Report) -> None:
        checks = report.checks
        average = (report.net_sales * 2 + checks) // (2 * checks) if checks else 0
        for name, text in (
            ("net", format_cents(report.net_sales)),
            ("checks", str(checks)),
            ("average", format_cents(average)),
            ("tips", format_cents(report.tips)),
        ):
            self.values[name].setText(text)


class FigureList(QScrollArea):
    """Every part of the report but its header, as rows: name, count, amount (or words),
    and what is said under a figure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)

    def show_report(self, report: Report) -> None:
        inner = _panel(QWidget())
        grid = QGridLayout(inner)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        row = 0
        for section in report_sections(report)[1:]:
            heading = label(section.title, "heading")
            heading.setContentsMargins(0, 10 if row else 0, 0, 2)
            grid.addWidget(heading, row, 0, 1, 3)
            row += 1
            for figure in section.figures:
                row = _figure_row(grid, row, figure)
        grid.setRowStretch(row, 1)
        self.setWidget(inner)


def _figure_row(grid: QGridLayout, row: int, figure: Figure) -> int:
    """Lay ``figure`` out from ``row``; the next free row."""
    grid.addWidget(label(("    " if figure.of else "") + figure.name), row, 0)
    if figure.count is not None:
        count = QLabel(f"{figure.count}")
        count.setProperty("role", "subtle")
        count.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(count, row, 1)
    if figure.amount is not None or figure.value:
        value = QLabel(format_cents(figure.amount) if figure.amount is not None else figure.value)
        value.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(value, row, 2)
    row += 1
    if figure.detail:
        grid.addWidget(label("        " + figure.detail, "subtle"), row, 0, 1, 3)
        row += 1
    return row
