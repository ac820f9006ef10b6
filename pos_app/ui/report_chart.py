"""The Reports screen's two charts, drawn with QPainter: net sales by hour (bars, each with its
amount) and the tender mix (one bar per tender, LevelUp first, with amount and share).

What they show is worked out apart from the drawing (:func:`hour_slots`, :func:`tender_shares`),
so it can be checked without looking at pixels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.domain import TenderKind, format_cents
from pos_app.reports import GroupFigures, Report, TenderFigures
from pos_app.ui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QRectF,
    Qt,
    QWidget,
)

TENDER_COLOURS = {
    TenderKind.LEVELUP: "#0f7bd8",
    TenderKind.CASH: "#1b7f3b",
    TenderKind.CREDIT: "#33404d",
    TenderKind.DEBIT: "#7a8794",
    TenderKind.OTHER: "#a15c00",
}
"""The tenders' colours, as their buttons have them at the register."""
_BAR = QColor("#2f6fde")
_PEAK = QColor("#174a9c")
_INK = QColor("#1d232b")
_SUBTLE = QColor("#5c6773")
_RULE = QColor("#d8dee6")
_TRACK = QColor("#eef1f5")
_PAD = 14
_TITLE_H = 30


def dollars(cents: int) -> str:
    """An amount in whole dollars, rounded half up (``$1,235``), for a chart's labels."""
    whole = (abs(cents) + 50) // 100
    return f"{'-' if cents < 0 and whole else ''}${whole:,}"


def hour_slots(groups: Sequence[GroupFigures], least: int = 8) -> list[GroupFigures]:
    """Every hour from the first with a sale to the last, an hour without one at $0, so the
    bars stand on an even time line; at least ``least`` hours (earlier ones first), so a
    day just begun does not show one bar as wide as the chart."""
    if not groups:
        return []
    by_hour = {int(g.label[:2]): g for g in groups}
    first, last = min(by_hour), max(by_hour)
    first = max(0, min(first, last - least + 1))
    last = min(23, max(last, first + least - 1))
    return [by_hour.get(h, GroupFigures(f"{h:02d}:00")) for h in range(first, last + 1)]


@dataclass(frozen=True)
class Share:
    """One tender's part of the day's payments (without tips)."""

    tender: TenderFigures
    percent: int
    """Of all tenders' amounts, rounded to a whole percent."""


def tender_shares(report: Report) -> list[Share]:
    """The tenders used on the day in the report's order (LevelUp first, and always shown)."""
    total = sum(max(t.amount, 0) for t in report.tenders)
    shown = [t for t in report.tenders if t.kind is TenderKind.LEVELUP or t.amount or t.count]
    return [
        Share(t, (max(t.amount, 0) * 200 + total) // (2 * total) if total else 0) for t in shown
    ]


class _Chart(QWidget):
    """A white panel with a title, for a chart to draw in."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.note = ""
        """Said at the title's right (a total)."""
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def _font(self, size: int, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(size)
        font.setBold(bold)
        return font

    def _begin(self) -> QPainter:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(_RULE))
        painter.setBrush(QColor("#ffffff"))
        painter.fillRect(self.rect(), QColor("#eef1f5"))
        painter.drawRoundedRect(box, 10, 10)
        painter.setFont(self._font(16, bold=True))
        painter.setPen(_INK)
        head = QRectF(_PAD, 8, self.width() - 2 * _PAD, _TITLE_H - 6)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(head, align | Qt.AlignmentFlag.AlignLeft, self.title)
        if self.note:
            painter.setFont(self._font(14))
            painter.setPen(_SUBTLE)
            painter.drawText(head, align | Qt.AlignmentFlag.AlignRight, self.note)
        return painter

    def _empty(self, painter: QPainter, text: str) -> None:
        painter.setFont(self._font(15))
        painter.setPen(_SUBTLE)
        painter.drawText(
            QRectF(self.rect()).adjusted(0, _TITLE_H, 0, 0), Qt.AlignmentFlag.AlignCenter, text
        )


class HourChart(_Chart):
    """Net sales by hour of the day (local time): a bar for each hour with its amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Net sales by hour", parent)
        self.slots: list[GroupFigures] = []
        self.setMinimumHeight(190)

    def show_hours(self, groups: Sequence[GroupFigures]) -> None:
        self.slots = hour_slots(groups)
        peak = max(self.slots, key=lambda g: g.net_sales, default=None)
        self.note = "" if peak is None or peak.net_sales <= 0 else f"busiest {peak.label}"
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = self._begin()
        if not self.slots:
            self._empty(painter, "No sales yet")
            painter.end()
            return
        small = self._font(12)
        metrics = QFontMetrics(small)
        text_h = metrics.height()
        left, right = _PAD, self.width() - _PAD
        top, base = _TITLE_H + 8 + text_h, self.height() - _PAD - text_h - 4
        slot = (right - left) / len(self.slots)
        highest = max(max(g.net_sales for g in self.slots), 1)
        peak = max(self.slots, key=lambda g: g.net_sales)
        painter.setFont(small)
        for index, group in enumerate(self.slots):
            x = left + index * slot
            height = max(group.net_sales, 0) * (base - top) / highest
            bar = QRectF(x + slot * 0.15, base - height, slot * 0.7, height)
            painter.fillRect(bar, _PEAK if group is peak else _BAR)
            amount = dollars(group.net_sales)
            if group.net_sales and (metrics.horizontalAdvance(amount) <= slot - 2 or group is peak):
                painter.setPen(_INK)
                above = QRectF(x - slot, bar.top() - text_h - 2, slot * 3, text_h)
                painter.drawText(above, Qt.AlignmentFlag.AlignCenter, amount)
            hour = (
                group.label if metrics.horizontalAdvance(group.label) <= slot else group.label[:2]
            )
            painter.setPen(_SUBTLE)
            painter.drawText(QRectF(x, base + 4, slot, text_h), Qt.AlignmentFlag.AlignCenter, hour)
        painter.setPen(QPen(_RULE, 1))
        painter.drawLine(int(left), int(base), int(right), int(base))
        painter.end()


class TenderChart(_Chart):
    """The day's payments by tender: a bar for each, as long as its share, with its amount,
    share and count."""

    ROW_H = 30

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tender mix", parent)
        self.shares: list[Share] = []
        self.setMinimumHeight(_TITLE_H + 2 * _PAD + self.ROW_H)

    def show_report(self, report: Report) -> None:
        self.shares = tender_shares(report)
        total = sum(s.tender.amount for s in self.shares)
        self.note = f"{format_cents(total)} taken, tips apart"
        self.setMinimumHeight(_TITLE_H + 2 * _PAD + self.ROW_H * max(len(self.shares), 1))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = self._begin()
        if not any(s.tender.amount for s in self.shares):
            self._empty(painter, "No payments yet")
            painter.end()
            return
        name_font, value_font = self._font(14, bold=True), self._font(13)
        name_w = max(QFontMetrics(name_font).horizontalAdvance(s.tender.name) for s in self.shares)
        values = [
            f"{format_cents(s.tender.amount)}  ·  {s.percent}%  ·  {s.tender.count} paid"
            for s in self.shares
        ]
        value_w = max(QFontMetrics(value_font).horizontalAdvance(v) for v in values)
        bar_left = _PAD + name_w + 12
        bar_w = max(self.width() - _PAD - value_w - 12 - bar_left, 20)
        middle = Qt.AlignmentFlag.AlignVCenter
        for index, (share, value) in enumerate(zip(self.shares, values, strict=True)):
            y = _TITLE_H + 10 + index * self.ROW_H
            row = QRectF(_PAD, y, self.width() - 2 * _PAD, self.ROW_H - 6)
            painter.setFont(name_font)
            painter.setPen(_INK)
            painter.drawText(row, middle | Qt.AlignmentFlag.AlignLeft, share.tender.name)
            track = QRectF(bar_left, y + 3, bar_w, self.ROW_H - 12)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_TRACK)
            painter.drawRoundedRect(track, 4, 4)
            filled = QRectF(
                track.left(), track.top(), track.width() * share.percent / 100, track.height()
            )
            painter.setBrush(QColor(TENDER_COLOURS[share.tender.kind]))
            painter.drawRoundedRect(filled, 4, 4)
            painter.setFont(value_font)
            painter.setPen(_INK)
            painter.drawText(row, middle | Qt.AlignmentFlag.AlignRight, value)
        painter.end()
