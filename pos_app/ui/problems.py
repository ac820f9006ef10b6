"""How the register tells what went wrong, and what its status bar shows (no Qt here)."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pos_app.domain import DomainError
from pos_app.engine import EngineError
from pos_app.engine.staff import AccessDenied
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.qr import InvalidPaymentCode

log = logging.getLogger("pos_app.ui.till")

EXPECTED = (EngineError, DomainError, InvalidPaymentCode, AccessDenied, LevelUpError)
"""Refusals with a message meant for the person at the register."""


@dataclass(frozen=True)
class Problem:
    """Something that went wrong: ``message`` for the cashier, ``detail`` for a maintainer."""

    message: str
    detail: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Health:
    """What the status bar shows of LevelUp and the journal."""

    reachable: bool | None = None  # None: not asked yet
    queued: int = 0
    unknown: int = 0
    owing: int = 0
    """Sold checks that owe money again (a payment given back or declined after closing)."""


def problem_of(error: Exception) -> Problem:
    """How an error of a command is told."""
    if isinstance(error, LevelUpError):
        return Problem(error.cashier_message, error.detail)
    if isinstance(error, EXPECTED):
        return Problem(str(error))
    log.error("A register command failed", exc_info=error)
    return Problem(
        "Something went wrong at this register; nothing was lost. Try again, or see "
        "Diagnostics for the detail.",
        "".join(traceback.format_exception(error)),
    )
