"""What a scanned label is: a LevelUp payment code, a product barcode
(:mod:`pos_app.domain.barcodes`), or neither, with the reason in words for the cashier."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pos_app.domain.barcodes import product_symbology
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
