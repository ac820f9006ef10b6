"""LevelUp payment codes (``payment_token_data``), API-NOTES.md §13.

A current code is 32 base-36 characters::

    LU 02 <20-character payment token> 03 <tip: 3> <colour: 1> LU

The first 24 characters (``LU02`` + token) are the payment token; the last 8 are the
customer's "v3 preferences": a tip (percent, or cents above 1296) and a display colour. A
24-character code carries the token alone. The server is the final judge of a code; this
module only decides whether something is shaped like one, so that a product barcode is never
sent as a payment and a misread is caught before it costs a round trip.

A code is a payment credential: :class:`PaymentCode` never shows it in ``str`` or ``repr``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

SENTINEL = "LU"
TOKEN_VERSION = 2
PREFERENCES_VERSION = 3
TOKEN_LENGTH = 20
FULL_LENGTH = 32
TOKEN_ONLY_LENGTH = 24
CENT_TIP_OFFSET = 36**2
"""Encoded tips at or above this are cents (``value - 1296``); below it, percent."""
MAX_ENCODED_TIP = 36**3 - 1
MAX_PERCENT_TIP = CENT_TIP_OFFSET - 1
MAX_CENT_TIP = MAX_ENCODED_TIP - CENT_TIP_OFFSET
MAX_COLOR = 35

_BASE36 = frozenset(string.digits + string.ascii_uppercase)


class InvalidPaymentCode(ValueError):
    """Scanned or typed text is not a LevelUp payment code; ``reason`` says why in plain words.

    The message never contains the code itself.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PercentTip:
    """A tip of ``percent`` % of the spend."""

    percent: int


@dataclass(frozen=True)
class CentTip:
    """A fixed tip of ``cents``."""

    cents: int


Tip = PercentTip | CentTip


@dataclass(frozen=True)
class PaymentCode:
    """A parsed LevelUp code. ``data`` is the credential to send; it is kept out of ``repr``."""

    data: str = field(repr=False)
    tip: Tip | None
    color: int | None

    @property
    def token_version(self) -> int:
        return int(self.data[2:4], 36)

    @property
    def has_preferences(self) -> bool:
        return len(self.data) == FULL_LENGTH

    def masked(self) -> str:
        """A form safe to log or show: ``LU02…T703…LU`` (two characters of the token)."""
        preferences = self.data[24:26] if self.has_preferences else ""
        return f"{self.data[:4]}…{self.data[22:24]}{preferences}…{SENTINEL}"

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"PaymentCode({self.masked()}, tip={self.tip!r}, color={self.color!r})"


def looks_like_payment_code(text: str) -> bool:
    """True when ``text`` is meant as a LevelUp code (it starts with the ``LU`` sentinel).

    Product barcodes (UPC, EAN: digits only) never do. Such text may still be malformed:
    :func:`parse` then says why.
    """
    return text.strip().upper().startswith(SENTINEL)


def parse(text: str) -> PaymentCode:
    """Parse scanned or keyed text into a :class:`PaymentCode`.

    Surrounding whitespace is ignored and lower case (a keyboard wedge with caps lock on) is
    accepted. Raises :class:`InvalidPaymentCode` with the reason otherwise.
    """
    data = text.strip()
    if not data.isascii():  # before upper(): "ı".upper() is "I" and "ß".upper() is "SS"
        raise InvalidPaymentCode(
            "This LevelUp code contains characters a code never has; scan it again."
        )
    data = data.upper()
    if not data.startswith(SENTINEL):
        raise InvalidPaymentCode("This is not a LevelUp code (it does not start with LU).")
    if any(c not in _BASE36 for c in data):
        raise InvalidPaymentCode(
            "This LevelUp code contains characters a code never has; scan it again."
        )
    if len(data) not in (FULL_LENGTH, TOKEN_ONLY_LENGTH):
        raise InvalidPaymentCode(
            f"This LevelUp code has {len(data)} characters instead of {FULL_LENGTH}; "
            "it was probably read partly. Scan it again."
        )
    if int(data[2:4], 36) != TOKEN_VERSION:
        raise InvalidPaymentCode(
            "This LevelUp code is of a version this register does not know; "
            "ask the customer to update the LevelUp app."
        )
    if len(data) == TOKEN_ONLY_LENGTH:
        return PaymentCode(data, tip=None, color=None)
    if not data.endswith(SENTINEL):
        raise InvalidPaymentCode("This LevelUp code does not end with LU; scan it again.")
    if int(data[24:26], 36) != PREFERENCES_VERSION:
        raise InvalidPaymentCode(
            "This LevelUp code carries preferences of a version this register does not know; "
            "ask the customer to update the LevelUp app."
        )
    return PaymentCode(data, tip=_decode_tip(int(data[26:29], 36)), color=int(data[29], 36))


def build(token: str, tip: Tip | None = None, color: int = 0) -> PaymentCode:
    """Make a 32-character code from a 20-character token and the customer's preferences.

    Used by the sandbox to issue codes to its customers and by tests.
    """
    token = token.upper()
    if len(token) != TOKEN_LENGTH or any(c not in _BASE36 for c in token):
        raise InvalidPaymentCode(f"A payment token is {TOKEN_LENGTH} characters of 0-9 and A-Z.")
    if not 0 <= color <= MAX_COLOR:
        raise InvalidPaymentCode(f"A code colour is 0–{MAX_COLOR}, not {color}.")
    data = (
        f"{SENTINEL}{_base36(TOKEN_VERSION, 2)}{token}{_base36(PREFERENCES_VERSION, 2)}"
        f"{_base36(_encode_tip(tip), 3)}{_base36(color, 1)}{SENTINEL}"
    )
    return parse(data)


def _decode_tip(value: int) -> Tip:
    if value >= CENT_TIP_OFFSET:
        return CentTip(value - CENT_TIP_OFFSET)
    return PercentTip(value)


def _encode_tip(tip: Tip | None) -> int:
    match tip:
        case None:
            return 0
        case PercentTip(percent) if type(percent) is int and 0 <= percent <= MAX_PERCENT_TIP:
            return percent
        case CentTip(cents) if type(cents) is int and 0 <= cents <= MAX_CENT_TIP:
            return CENT_TIP_OFFSET + cents
    raise InvalidPaymentCode(
        f"A tip is 0–{MAX_PERCENT_TIP}% or $0.00–${MAX_CENT_TIP / 100:.2f}, not {tip!r}."
    )


def _base36(value: int, width: int) -> str:
    digits = ""
    while value:
        value, rest = divmod(value, 36)
        digits = (string.digits + string.ascii_uppercase)[rest] + digits
    return digits.rjust(width, "0")
