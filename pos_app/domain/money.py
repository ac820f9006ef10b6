"""Money as integer cents, and the few operations a register needs on it.

Amounts are plain ``int`` cents throughout. Rates and percentages are ``Decimal`` so that no
float ever touches money; every conversion back to cents rounds half to even.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from pos_app.domain.errors import InvalidAmount

Cents = int
"""An amount of money in cents (US dollars: 1 dollar = 100 cents)."""

MAX_CENTS: Cents = 2**31 - 1
"""The largest amount LevelUp can carry: its SDKs hold amounts as 32-bit signed integers."""

_AMOUNT_TEXT = re.compile(r"^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d{0,2}))?$")


def require_cents(value: object, what: str, *, allow_zero: bool = True) -> Cents:
    """Return ``value`` if it is a non-negative whole number of cents within LevelUp's range.

    Raises :class:`InvalidAmount` naming ``what`` otherwise (floats, bools and strings included).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount(f"{what} must be a whole number of cents, not {value!r}.")
    if value < 0:
        raise InvalidAmount(f"{what} cannot be negative ({format_cents(value)}).")
    if value == 0 and not allow_zero:
        raise InvalidAmount(f"{what} must be more than $0.00.")
    if value > MAX_CENTS:
        raise InvalidAmount(f"{what} of {format_cents(value)} is more than a register can take.")
    return value


def format_cents(cents: Cents) -> str:
    """Format cents for a person: ``1234`` → ``$12.34``, ``-5`` → ``-$0.05``."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def parse_cents(text: str) -> Cents:
    """Parse what a cashier types for an amount (``12``, ``12.5``, ``$1,234.50``) into cents."""
    match = _AMOUNT_TEXT.match(text.strip())
    if not match or (match.group(1) is None and not match.group(2)):
        raise InvalidAmount(f"{text.strip()!r} is not an amount; type it like 12.50.")
    dollars = int((match.group(1) or "0").replace(",", ""))
    cents = int((match.group(2) or "").ljust(2, "0"))
    return require_cents(dollars * 100 + cents, "The amount")


def to_rate(value: Decimal | str | int, what: str) -> Decimal:
    """A percentage as an exact ``Decimal`` in 0–100; floats are refused as inexact."""
    if isinstance(value, (bool, float)):
        raise InvalidAmount(f"{what} must be given exactly (a string or Decimal), not {value!r}.")
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount(f"{what} {value!r} is not a number.") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        raise InvalidAmount(f"{what} must be between 0% and 100%, not {value}%.")
    return rate


def percent_of(amount: Cents, percent: Decimal) -> Cents:
    """``percent`` % of ``amount`` in cents, rounded half to even."""
    exact = Decimal(amount) * percent / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def allocate(total: Cents, weights: Sequence[Cents]) -> list[Cents]:
    """Split ``total`` cents across ``weights`` in proportion, exactly (largest remainder).

    The shares sum to ``total``, each is at most its weight when ``total <= sum(weights)``, and
    ties go to the earliest weight so the split is deterministic.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise InvalidAmount("Only non-negative amounts can be allocated.")
    base = sum(weights)
    if total == 0:
        return [0] * len(weights)
    if base == 0:
        raise InvalidAmount(f"Cannot spread {format_cents(total)} over nothing.")
    shares = [total * w // base for w in weights]
    remainders = [total * w % base for w in weights]
    short = total - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: -remainders[i])[:short]:
        shares[index] += 1
    return shares
