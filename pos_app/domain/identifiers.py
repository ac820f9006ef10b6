"""``identifier_from_merchant``: the check number LevelUp stores with each order.

LevelUp caps it at 10 characters. Ours is the business day and that day's check sequence on
this terminal, ``YYMMDDNNNN`` (``2611230042`` is check 42 of 23 Nov 2026): unique per terminal,
sortable, and easy for a cashier or manager to read back from the LevelUp dashboard.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pos_app.domain.errors import InvalidIdentifier

MAX_IDENTIFIER_LENGTH = 10
MAX_DAILY_SEQUENCE = 9999

_ALLOWED = re.compile(r"[A-Za-z0-9._-]+")
_OURS = re.compile(r"(\d{6})(\d{4})")


def validate_identifier(value: str) -> str:
    """Return ``value`` if LevelUp would accept it as ``identifier_from_merchant``."""
    if not value:
        raise InvalidIdentifier("A check identifier cannot be empty.")
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifier(
            f"A check identifier has at most {MAX_IDENTIFIER_LENGTH} characters; "
            f"{value!r} has {len(value)}."
        )
    if not _ALLOWED.fullmatch(value):
        raise InvalidIdentifier(
            f"A check identifier uses letters, digits, '.', '_' and '-' only, not {value!r}."
        )
    return value


def identifier_for(day: date, sequence: int) -> str:
    """The identifier of check number ``sequence`` (1–9999) of business day ``day``."""
    if not 1 <= sequence <= MAX_DAILY_SEQUENCE:
        raise InvalidIdentifier(
            f"Check number {sequence} is outside 1–{MAX_DAILY_SEQUENCE} for one day."
        )
    return f"{day:%y%m%d}{sequence:04d}"


def identifier_day(identifier: str) -> date | None:
    """The business day in one of this terminal's identifiers (None: not one of ours)."""
    match = _OURS.fullmatch(identifier)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%y%m%d").date()
    except ValueError:
        return None


def next_identifier(previous: str | None, today: date) -> str:
    """The identifier after ``previous`` (the last one this terminal issued) on ``today``.

    The sequence starts at 1 on each new business day.
    """
    if previous is not None:
        match = _OURS.fullmatch(previous)
        if match is None:
            raise InvalidIdentifier(f"{previous!r} is not an identifier this terminal issues.")
        if match.group(1) == f"{today:%y%m%d}":
            return identifier_for(today, int(match.group(2)) + 1)
    return identifier_for(today, 1)
