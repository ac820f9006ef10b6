"""What the engine tells its listeners (the UI turns these into Qt signals)."""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.engine.model import CheckRecord


@dataclass(frozen=True)
class CheckUpdated:
    """A check changed and its new state is journaled."""

    record: CheckRecord


@dataclass(frozen=True)
class RemainderDue:
    """LevelUp approved less than asked: prompt for another tender for ``remainder``.

    ``asked`` is what the payment asked to pay against the check and ``paid`` what LevelUp
    paid of it (gift card and card); ``discount`` is the LevelUp discount it took off the
    check, which is not a payment.
    """

    check_id: str
    tender_id: str
    paid: int
    asked: int
    discount: int
    remainder: int


@dataclass(frozen=True)
class PaymentProblem:
    """A payment did not go through, or its outcome is not known yet.

    ``message`` is for the cashier (plain words, what to do); ``detail`` for the maintainer;
    ``needs_manager`` marks what a manager must see (an offline payment declined or expired).
    """

    check_id: str
    tender_id: str
    message: str
    detail: str
    needs_manager: bool = False


EngineEvent = CheckUpdated | RemainderDue | PaymentProblem
