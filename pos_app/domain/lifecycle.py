"""The check and tender lifecycles, declared once: which state may follow which.

Every status change of a tender goes through :func:`move`, and every change of a check's
state through :func:`check_move`; both raise :class:`IllegalTransition` for a move the tables
do not hold, before anything is written. :meth:`Check.replace_tender` checks the same table, so
no other path can change a tender's status.

Tenders (DESIGN.md, "The payment flow")::

    LevelUp:  REQUESTED → PROPOSED → COMPLETING → APPROVED | PARTIALLY_APPROVED | DECLINED | UNKNOWN
              UNKNOWN → the answer found at LevelUp (or DECLINED once it is proven absent)
              offline: REQUESTED | COMPLETING | UNKNOWN → QUEUED → FORWARDING → the answer
                       (QUEUED again when LevelUp proves it has none), or DECLINED (cancelled)
              APPROVED | PARTIALLY_APPROVED → REFUNDING → REFUNDED (or back, when LevelUp refuses)
    others:   APPROVED → VOID (cash, credit, debit, other: taken at the counter, given back there)

Checks::

    OPEN → TENDERING → CLOSED                  paid in full (OPEN → CLOSED: a $0 check, comped)
    OPEN | TENDERING → VOIDED                  voided before it closed
    CLOSED ⇄ BALANCE_DUE                       a payment of the closed sale was given back or
                                               declined: it owes again, its items stay as sold
    CLOSED | BALANCE_DUE → REFUNDED            the closed sale voided: its payments given back

Returning items of a closed sale moves no state: the sale stays ``CLOSED``, its lines count
the units returned and its payments what they gave back (:mod:`pos_app.domain.returns`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from typing import Any

from pos_app.domain.errors import IllegalTransition
from pos_app.domain.tenders import Tender, TenderKind, TenderStatus


class CheckState(StrEnum):
    OPEN = "open"
    TENDERING = "tendering"
    CLOSED = "closed"
    BALANCE_DUE = "balance_due"
    """Closed once, then a payment of it was given back or failed: money is owed again."""
    VOIDED = "voided"
    REFUNDED = "refunded"
    """Closed once, then voided: every payment on it was given back."""

    @property
    def takes_payments(self) -> bool:
        """Payments may be taken against the check in this state."""
        return self in (CheckState.OPEN, CheckState.TENDERING, CheckState.BALANCE_DUE)

    @property
    def editable(self) -> bool:
        """Items, discounts and fees may change (while no payment holds them)."""
        return self in (CheckState.OPEN, CheckState.TENDERING)

    @property
    def was_sold(self) -> bool:
        """The check closed as a sale at least once."""
        return self in (CheckState.CLOSED, CheckState.BALANCE_DUE, CheckState.REFUNDED)

    @property
    def is_final(self) -> bool:
        """Nothing about the check changes any more."""
        return self in (CheckState.VOIDED, CheckState.REFUNDED)


_S = TenderStatus
_C = CheckState

LEVELUP_MOVES: Mapping[TenderStatus, frozenset[TenderStatus]] = {
    _S.REQUESTED: frozenset({_S.PROPOSED, _S.DECLINED, _S.QUEUED}),
    _S.PROPOSED: frozenset({_S.COMPLETING, _S.DECLINED}),
    _S.COMPLETING: frozenset(
        {_S.APPROVED, _S.PARTIALLY_APPROVED, _S.DECLINED, _S.UNKNOWN, _S.QUEUED}
    ),
    _S.UNKNOWN: frozenset({_S.APPROVED, _S.PARTIALLY_APPROVED, _S.DECLINED, _S.QUEUED}),
    _S.QUEUED: frozenset({_S.FORWARDING, _S.DECLINED}),
    _S.FORWARDING: frozenset({_S.APPROVED, _S.PARTIALLY_APPROVED, _S.DECLINED, _S.QUEUED}),
    _S.APPROVED: frozenset({_S.REFUNDING}),
    _S.PARTIALLY_APPROVED: frozenset({_S.REFUNDING}),
    _S.REFUNDING: frozenset({_S.REFUNDED, _S.APPROVED, _S.PARTIALLY_APPROVED, _S.CHARGED_LATE}),
    # Declined because its order was absent: LevelUp may still commit it, late.
    _S.DECLINED: frozenset({_S.CHARGED_LATE}),
    _S.CHARGED_LATE: frozenset({_S.APPROVED, _S.PARTIALLY_APPROVED, _S.REFUNDING, _S.REFUNDED}),
    _S.REFUNDED: frozenset(),
}
"""Which status a LevelUp tender may take next."""

COUNTER_MOVES: Mapping[TenderStatus, frozenset[TenderStatus]] = {
    _S.APPROVED: frozenset({_S.VOID}),
    _S.VOID: frozenset(),
}
"""Which status a cash, credit, debit or other tender may take next."""

TENDER_STARTS: Mapping[TenderKind, TenderStatus] = {
    TenderKind.LEVELUP: _S.REQUESTED,
    TenderKind.CASH: _S.APPROVED,
    TenderKind.CREDIT: _S.APPROVED,
    TenderKind.DEBIT: _S.APPROVED,
    TenderKind.OTHER: _S.APPROVED,
}
"""The status a new tender of each kind starts in."""

CHECK_MOVES: Mapping[CheckState, frozenset[CheckState]] = {
    _C.OPEN: frozenset({_C.TENDERING, _C.CLOSED, _C.VOIDED}),
    _C.TENDERING: frozenset({_C.CLOSED, _C.VOIDED}),
    _C.CLOSED: frozenset({_C.BALANCE_DUE, _C.REFUNDED}),
    _C.BALANCE_DUE: frozenset({_C.CLOSED, _C.REFUNDED}),
    _C.VOIDED: frozenset(),
    _C.REFUNDED: frozenset(),
}
"""Which state a check may take next."""


def tender_moves(kind: TenderKind) -> Mapping[TenderStatus, frozenset[TenderStatus]]:
    return LEVELUP_MOVES if kind is TenderKind.LEVELUP else COUNTER_MOVES


def can_move(kind: TenderKind, before: TenderStatus, after: TenderStatus) -> bool:
    """Whether a tender of ``kind`` may go from ``before`` to ``after``."""
    return after in tender_moves(kind).get(before, frozenset())


def require_tender_move(kind: TenderKind, before: TenderStatus, after: TenderStatus) -> None:
    if not can_move(kind, before, after):
        name = "LevelUp" if kind is TenderKind.LEVELUP else kind.value
        raise IllegalTransition(
            f"A {name} payment cannot go from {_words(before)} to {_words(after)}."
        )


def require_start(tender: Tender) -> None:
    """A new tender line starts where its kind starts."""
    start = TENDER_STARTS[tender.kind]
    if tender.status is not start:
        raise IllegalTransition(
            f"A new {tender.kind.value} payment starts {_words(start)}, not "
            f"{_words(tender.status)}."
        )


def move(tender: Tender, to: TenderStatus, **changes: Any) -> Tender:
    """``tender`` in status ``to`` (with ``changes`` to its other fields), if the table
    allows the move."""
    require_tender_move(tender.kind, tender.status, to)
    return replace(tender, status=to, **changes)


def check_move(before: CheckState, after: CheckState) -> None:
    """Raise :class:`IllegalTransition` unless a check may go from ``before`` to ``after``."""
    if after not in CHECK_MOVES[before]:
        raise IllegalTransition(f"A check cannot go from {_words(before)} to {_words(after)}.")


def _words(state: StrEnum) -> str:
    return state.value.replace("_", " ")
