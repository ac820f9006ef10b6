"""A report as labelled figures in sections (:func:`report_sections`), which every rendering
lays out, and as plain text (:func:`report_text`: ``levelup-pos report --format text`` and the
Reports screen).

Amounts are the report's own (discounts, refunds and given-back cash are positive, as in the
JSON form); only over/short carries a sign. Times are this register's local time.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pos_app.domain import TenderKind, format_cents
from pos_app.levelup.redact import MASK, redact
from pos_app.receipts.layout_parts import local_time
from pos_app.reports.model import TENDER_NAMES, Report, TenderFigures
from pos_app.reports.parts import GroupFigures, MismatchKind, ReversalKind

MISMATCH_NAMES = {
    MismatchKind.MISSING_IN_JOURNAL: "Charged at LevelUp, not here",
    MismatchKind.MISSING_AT_LEVELUP: "Here, not at LevelUp",
    MismatchKind.AMOUNT_MISMATCH: "Amounts differ",
    MismatchKind.REFUND_MISMATCH: "Refunds differ",
}
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
REVERSAL_NAMES = {
    ReversalKind.VOID: "Void",
    ReversalKind.REFUND: "Refund",
    ReversalKind.RETURN: "Return",
    ReversalKind.CHECK_VOID: "Check voided",
    ReversalKind.COMP: "Comp",
}


@dataclass(frozen=True)
class Figure:
    """One line of a report: its name and an amount (cents), a count, or words (``value``);
    ``detail`` is said under it; ``of`` names the figure this one is a part of."""

    name: str
    amount: int | None = None
    count: int | None = None
    value: str = ""
    detail: str = ""
    of: str = ""

    @property
    def full_name(self) -> str:
        """The name alone in a list (a file's row): ``"LevelUp: Tips"``."""
        return f"{self.of}: {self.name}" if self.of else self.name


@dataclass(frozen=True)
class Section:
    """A part of a report (Sales, Tenders, Cash, ...) and its figures in order."""

    title: str
    figures: tuple[Figure, ...]


def report_sections(report: Report) -> tuple[Section, ...]:
    """The report's parts in the order every rendering shows them; the first is its header
    (titled with the report's title). Empty parts say "None"; notes are left out when none."""
    sections = [
        Section(report.title, tuple(_header(report))),
        Section("Sales", tuple(_sales(report))),
        Section("Tenders", tuple(f for t in report.tenders for f in _tender(t))),
        Section("Voids, refunds, returns and comps", tuple(_reversals(report))),
        Section("Offline LevelUp payments", tuple(_offline(report))),
        Section("Unknown payments", tuple(_unknown(report))),
        Section("By cashier (checks, net sales)", _groups(report.by_cashier)),
        Section("By hour (checks, net sales)", _groups(report.by_hour)),
        Section("Open checks", _or_none(Figure(f"Check {c}") for c in report.open_checks)),
        Section("Cash", tuple(_cash(report))),
        Section("LevelUp reconciliation", tuple(_reconciliation(report))),
    ]
    if report.notes:
        sections.append(Section("Notes", tuple(Figure(note) for note in report.notes)))
    return tuple(Section(s.title, tuple(map(_masked, s.figures))) for s in sections)


def report_text(report: Report, width: int = 48) -> str:
    """The report as plain text ``width`` characters wide (at least 32)."""
    if width < 32:
        raise ValueError(f"A report's text is at least 32 characters wide, not {width!r}.")
    header, *parts = report_sections(report)
    lines = [header.title.center(width).rstrip(), "=" * width]
    lines += [row for figure in header.figures for row in figure_lines(figure, width)]
    for section in parts:
        lines += ["", *wrap(section.title.upper(), width), "-" * width]
        lines += [row for figure in section.figures for row in figure_lines(figure, width)]
    return "\n".join(lines) + "\n"


def figure_value(figure: Figure, width: int) -> str:
    """What a line shows at its right: the count and the amount in columns, or either alone,
    or the figure's words."""
    amount = format_cents(figure.amount) if figure.amount is not None else ""
    count = str(figure.count) if figure.count is not None else ""
    if amount and count:
        return f"{count:>5}{amount:>13}" if width >= 40 else f"{count:>4}{amount:>10}"
    return amount or count or figure.value


def figure_lines(figure: Figure, width: int) -> list[str]:
    """A figure as lines of at most ``width`` characters: its name (wrapped) with its value at
    the right edge, then its detail, indented."""
    indent = "  " if figure.of else ""
    value = figure_value(figure, width)
    rows = wrap(figure.name, width, indent)
    if value:
        if len(rows[-1]) + 1 + len(value) <= width:
            rows[-1] = rows[-1].ljust(width - len(value)) + value
        else:
            rows.append(value.rjust(width))
    if figure.detail:
        rows += wrap(figure.detail, width, indent + "    ")
    return rows


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` in lines of at most ``width``, each starting with ``indent`` (its follow-on
    lines two more)."""
    lines = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")
    return lines or [indent]


def clock(moment: datetime) -> str:
    """A stored time as the register's local hour and minute."""
    return f"{moment.astimezone():%H:%M}"


def _masked(figure: Figure) -> Figure:
    """The figure with any payment code, credential or email address in its words (a
    reason typed at the register, a staff label) masked: a report is handed around."""
    return replace(
        figure,
        name=mask_text(figure.name),
        value=mask_text(figure.value),
        detail=mask_text(figure.detail),
    )


def mask_text(text: str) -> str:
    """``text`` with payment codes, credentials and email addresses masked."""
    return _EMAIL.sub(MASK, redact(text))


def masked_data(data: Any) -> Any:
    """A JSON-ready document with every string in it masked (:func:`mask_text`)."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, dict):
        return {key: masked_data(value) for key, value in data.items()}
    if isinstance(data, list):
        return [masked_data(value) for value in data]
    return data


# ----- the parts --------------------------------------------------------------------------------


def _header(report: Report) -> Iterator[Figure]:
    yield Figure("Register", value=report.register)
    yield Figure("Business date", value=report.business_date.isoformat())
    yield Figure("Taken at", value=local_time(report.taken_at))
    if report.taken_by:
        yield Figure("Taken by", value=report.taken_by)


def _sales(report: Report) -> Iterator[Figure]:
    yield Figure("Checks", count=report.checks)
    yield Figure("Gross sales", report.gross_sales)
    yield Figure("Discounts", report.discounts)
    yield Figure("Comps", report.comps.amount, report.comps.count, of="Discounts")
    yield Figure("LevelUp discounts", report.levelup_discounts)
    yield Figure("Returns", report.returns)
    yield Figure("Net sales", report.net_sales)
    yield Figure("Tax", report.tax)
    for line in report.tax_by_class:
        yield Figure(line.code, line.amount, of="Tax")
    yield Figure("Fees", report.fees)
    yield Figure("Tips", report.tips)


def _tender(tender: TenderFigures) -> Iterator[Figure]:
    name = tender.name
    yield Figure(name, tender.amount, tender.count)
    if tender.kind is TenderKind.LEVELUP:
        yield Figure("LevelUp discount", tender.levelup_discount, of=name)
        yield Figure("Gift card", tender.gift_card, of=name)
        yield Figure("Card", tender.card, of=name)
    yield Figure("Tips", tender.tips, of=name)
    yield Figure("Refunds", tender.refunds.amount, tender.refunds.count, of=name)


def _reversals(report: Report) -> Iterator[Figure]:
    for reversal in report.reversals:
        words = [f"at {clock(reversal.at)}"]
        if reversal.tender_kind is not None:
            words.append(TENDER_NAMES[reversal.tender_kind])
        approval = reversal.approved_by or "no one (none needed)"
        detail = ", ".join(words) + f", approved by {approval}"
        if reversal.reason:
            detail += f": {reversal.reason}"
        name = f"{REVERSAL_NAMES[reversal.kind]}, check {reversal.check}"
        yield Figure(name, reversal.amount, detail=detail)
    if not report.reversals:
        yield Figure("None")


def _offline(report: Report) -> Iterator[Figure]:
    offline = report.offline
    yield Figure("Forwarded", offline.forwarded.amount, offline.forwarded.count)
    yield Figure("Declined", offline.declined.amount, offline.declined.count)
    yield Figure("Waiting", offline.waiting.amount, offline.waiting.count)


def _unknown(report: Report) -> Iterator[Figure]:
    for payment in report.unknown:
        detail = f"{payment.status} since {clock(payment.at)}"
        yield Figure(f"Check {payment.check}", payment.amount, detail=detail)
    if not report.unknown:
        yield Figure("None")


def _groups(groups: tuple[GroupFigures, ...]) -> tuple[Figure, ...]:
    return tuple(Figure(g.label, g.net_sales, g.checks) for g in groups) or (Figure("No sales"),)


def _or_none(figures: Iterator[Figure]) -> tuple[Figure, ...]:
    return tuple(figures) or (Figure("None"),)


def _cash(report: Report) -> Iterator[Figure]:
    cash = report.cash
    yield Figure("Opening float", cash.opening)
    yield Figure("Cash taken", cash.taken.amount, cash.taken.count)
    yield Figure("Given back", cash.given_back.amount, cash.given_back.count)
    yield Figure("Paid in", cash.paid_in.amount, cash.paid_in.count)
    yield Figure("Paid out", cash.paid_out.amount, cash.paid_out.count)
    yield Figure("No sales", count=cash.no_sales)
    yield Figure("Expected in the drawer", cash.expected)
    if cash.counted is None or cash.over_short is None:
        yield Figure("Counted", value="not counted")
        return
    yield Figure("Counted", cash.counted)
    over_short = cash.over_short
    name = "Over" if over_short > 0 else "Short" if over_short < 0 else "Over/short"
    yield Figure(name, over_short)


def _reconciliation(report: Report) -> Iterator[Figure]:
    check = report.reconciliation
    if not check.checked:
        problem = f": {check.problem}" if check.problem else ""
        yield Figure("LevelUp orders", detail=f"not checked{problem}")
        return
    yield Figure("LevelUp orders", count=check.orders)
    yield Figure("Matched", count=check.matched)
    for kind, name in MISMATCH_NAMES.items():
        yield Figure(name, count=check.count(kind))
    for detail in check.details:
        yield Figure(detail.text)
