"""What a scanned label is, and where it goes: a LevelUp code pays, a product barcode adds
the item, anything else gets a clear "unrecognised code".

Product barcodes are recognised by their check digit: UPC-A (12 digits), EAN-13 (13), EAN-8 (8)
and UPC-E (8, number system 0 or 1, checked through its UPC-A expansion).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pos_app.levelup import qr


class CodeKind(StrEnum):
    LEVELUP = "levelup"
    PRODUCT = "product"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classified:
    """A label and what it is. ``symbology`` names the product barcode (``upc-a``, ...);
    ``reason`` says why an unknown label is not a code, in words for the cashier."""

    kind: CodeKind
    label: str = field(repr=False)  # it may be a payment code
    symbology: str | None = None
    payment_code: qr.PaymentCode | None = None
    reason: str = ""

    def shown(self, show_codes: bool = False) -> str:
        """The label as it may be printed: LevelUp codes masked unless asked otherwise."""
        if show_codes or not qr.looks_like_payment_code(self.label):
            return self.label
        return self.payment_code.masked() if self.payment_code else "LU02…(masked)"


def check_digit(body: str) -> int:
    """The GS1 check digit of ``body`` (all digits before the check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def upc_e_to_upc_a(code: str) -> str:
    """The 12-digit UPC-A that an 8-digit UPC-E stands for."""
    system, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body + check


def product_symbology(label: str) -> str | None:
    """``upc-a``, ``ean-13``, ``ean-8`` or ``upc-e`` when ``label`` is one with a valid check
    digit, else ``None``."""
    if not label.isascii() or not label.isdigit():
        return None
    if len(label) == 12 and check_digit(label[:11]) == int(label[11]):
        return "upc-a"
    if len(label) == 13 and check_digit(label[:12]) == int(label[12]):
        return "ean-13"
    if len(label) == 8:
        if label[0] in "01":
            expanded = upc_e_to_upc_a(label)
            if check_digit(expanded[:11]) == int(expanded[11]):
                return "upc-e"
        if check_digit(label[:7]) == int(label[7]):
            return "ean-8"
    return None


def classify(label: str) -> Classified:
    text = label.strip()
    if text.startswith("]") and len(text) > 3:  # an AIM symbology identifier (``]Q1``)
        text = text[3:]
    if qr.looks_like_payment_code(text):
        try:
            code = qr.parse(text)
        except qr.InvalidPaymentCode as error:
            return Classified(CodeKind.UNKNOWN, text, reason=error.reason)
        return Classified(CodeKind.LEVELUP, text, "levelup", payment_code=code)
    symbology = product_symbology(text)
    if symbology is not None:
        return Classified(CodeKind.PRODUCT, text, symbology)
    return Classified(
        CodeKind.UNKNOWN,
        text,
        reason="This code is not a LevelUp code or a product barcode this store sells.",
    )


class ScanRouter:
    """Hands each label to the right place: pay, add the item, or say it is not known."""

    def __init__(
        self,
        pay: Callable[[qr.PaymentCode], None],
        add_item: Callable[[str], None],
        unrecognised: Callable[[Classified], None],
    ) -> None:
        self._pay = pay
        self._add_item = add_item
        self._unrecognised = unrecognised

    def route(self, label: str) -> Classified:
        classified = classify(label)
        if classified.payment_code is not None:
            self._pay(classified.payment_code)
        elif classified.kind is CodeKind.PRODUCT:
            self._add_item(classified.label)
        else:
            self._unrecognised(classified)
        return classified
