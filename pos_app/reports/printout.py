"""A report on the receipt printer: a :class:`~pos_app.receipts.Receipt` of kind
``REPORT`` that prints (ESC/POS) and previews like any receipt, with the same figures as the
text (:func:`~pos_app.reports.text.report_sections`).

A report stays in the store, so it names staff in full (``Name (id)``), as the text does."""

from __future__ import annotations

from collections.abc import Iterator

from pos_app.receipts.document import (
    Block,
    Feed,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    Title,
    chars_for,
)
from pos_app.receipts.layout_parts import StoreHeader, header_blocks
from pos_app.reports.model import Report
from pos_app.reports.text import Figure, figure_value, report_sections


def report_receipt(
    report: Report, *, width_mm: int = 80, header: StoreHeader | None = None
) -> Receipt:
    """``report`` laid out for paper ``width_mm`` wide (58 or 80), under the store's
    ``header`` when given."""
    width = chars_for(width_mm)
    first, *parts = report_sections(report)
    blocks: list[Block] = [*header_blocks(header)] if header else []
    blocks.append(Title(first.title))
    blocks += [block for figure in first.figures for block in _figure(figure, width)]
    for section in parts:
        blocks += [Rule(), Text(section.title.upper(), bold=True)]
        blocks += [block for figure in section.figures for block in _figure(figure, width)]
    blocks += [Rule(), Text(f"End of {first.title}", centred=True), Feed()]
    return Receipt(ReceiptKind.REPORT, "", "", width, tuple(blocks), report.taken_at)


def _figure(figure: Figure, width: int) -> Iterator[Block]:
    indent = "  " if figure.of else ""
    yield Text(indent + figure.name, figure_value(figure, width))
    if figure.detail:
        yield Text(f"{indent}    {figure.detail}")
