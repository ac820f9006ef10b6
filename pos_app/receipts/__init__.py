"""Receipts: one layout, printed as ESC/POS and previewed as a PNG, and emailed.

:mod:`~pos_app.receipts.document` is the laid-out receipt (its blocks, fixed-width lines and
JSON form); the ``layout`` modules make one from a check or for the drawer; ``escpos_bytes``
and ``preview`` render it. Import those two from their modules: they load python-escpos and
Pillow, which the layout does not need.
"""

from pos_app.receipts.document import (
    Barcode,
    Block,
    Copy,
    Feed,
    PrintLine,
    Receipt,
    ReceiptKind,
    Rule,
    Text,
    Title,
    chars_for,
)
from pos_app.receipts.layout_parts import StoreHeader
from pos_app.receipts.layout_refund import refund_receipt
from pos_app.receipts.layout_sale import sale_receipt
from pos_app.receipts.layout_slips import drawer_slip, test_page

__all__ = [
    "Barcode",
    "Block",
    "Copy",
    "Feed",
    "PrintLine",
    "Receipt",
    "ReceiptKind",
    "Rule",
    "StoreHeader",
    "Text",
    "Title",
    "chars_for",
    "drawer_slip",
    "refund_receipt",
    "sale_receipt",
    "test_page",
]
