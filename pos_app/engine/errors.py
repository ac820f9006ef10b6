"""What the engine refuses, and how it sorts LevelUp's failures.

EngineError            a command the engine refuses; the message is for the cashier
├── CheckNotFound
└── ApprovalRequired   a manager's approval is missing, for something else, or expired
IllegalTransition      (pos_app.domain) the check's or tender's state does not allow it
"""

from __future__ import annotations

from pos_app.domain import IllegalTransition
from pos_app.levelup.errors import (
    InvalidResponse,
    LevelUpError,
    Maintenance,
    OutcomeUnknown,
    RequestRejected,
    Unreachable,
)

__all__ = [
    "LOST_ANSWER",
    "NOT_REACHED",
    "ApprovalRequired",
    "CheckNotFound",
    "EngineError",
    "IllegalTransition",
    "RegisterRefusal",
    "already_refunded",
]

NOT_REACHED = (Unreachable, Maintenance)
"""LevelUp could not be reached at all: nothing happened there."""
LOST_ANSWER = (OutcomeUnknown, InvalidResponse)
"""The request went and its answer is lost or unreadable: money may have moved."""


class EngineError(Exception):
    """A command the engine refuses; the message is for the cashier or manager."""


class CheckNotFound(EngineError):
    pass


class ApprovalRequired(EngineError):
    """A manager's approval is missing, is for something else, or has expired."""


class RegisterRefusal(LevelUpError):
    """A refusal of the register's own (the offline policy), told like LevelUp's."""

    def __init__(self, cashier_message: str, detail: str) -> None:
        super().__init__(detail, cashier_message=cashier_message)


def already_refunded(error: LevelUpError) -> bool:
    return isinstance(error, RequestRejected) and any(
        "already been refunded" in message for message in error.messages
    )
