"""Items returned after a sale: which units, what they came to, and which payments give the
money back.

A returned unit stays on the check, counted in its line's ``returned``. The check's totals
say what the returns took back (:attr:`Totals.taken_back`: the units after their discounts,
with their share of each tax class's tax) and each payment what it gave back
(:attr:`Tender.given_back`), so what is owed and what is paid always agree. A return is worth
what the check's returned units come to after it less what they came to before: returning a
line one unit at a time gives back exactly what returning it whole does.

The money goes back by the payments taken at the counter (cash, credit, debit, other), the
newest first, each up to what it still keeps; never a tip. LevelUp refunds whole orders only:
a check a LevelUp payment still stands on returns no single items (refund the whole check).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pos_app.domain.check import Check
from pos_app.domain.errors import IllegalTransition, InvalidQuantity
from pos_app.domain.items import LineItem
from pos_app.domain.money import Cents, format_cents
from pos_app.domain.tenders import TenderKind

COUNTER_KINDS = frozenset({TenderKind.CASH, TenderKind.CREDIT, TenderKind.DEBIT, TenderKind.OTHER})
"""The payments that give money back for returned items."""

LEVELUP_WHOLE_ORDER = (
    "This check was paid with LevelUp, whose refunds are whole-order only: its items cannot "
    "be returned one by one. Refund the whole check instead (every payment goes back)."
)


@dataclass(frozen=True)
class Refund:
    """Money one payment gives back for a return."""

    tender_id: str
    kind: TenderKind
    amount: Cents


@dataclass(frozen=True)
class ReturnPlan:
    """What a return takes back and who gives the money: ``units`` are (line id, units)."""

    units: tuple[tuple[int, int], ...]
    items: Cents
    tax: Cents
    refunds: tuple[Refund, ...]

    @property
    def total(self) -> Cents:
        return self.items + self.tax


def paid_with_levelup(check: Check) -> bool:
    """A LevelUp payment stands on the check: only the whole order can be refunded."""
    return any(t.kind is TenderKind.LEVELUP and t.status.is_paid for t in check.tenders)


def left_to_return(line: LineItem) -> int:
    return line.quantity - line.returned


def why_no_returns(check: Check) -> str:
    """Why no item of ``check`` can be returned ("" when some can)."""
    if paid_with_levelup(check):
        return LEVELUP_WHOLE_ORDER
    if not any(left_to_return(line) for line in check.items):
        return f"Every item on check {check.identifier} was returned already."
    return ""


def plan_return(check: Check, units: Mapping[int, int]) -> ReturnPlan:
    """What returning ``units`` (line id → units) of ``check`` gives back, and by which
    payments; refused for units a line does not have left, and for a LevelUp check."""
    why = why_no_returns(check)
    if why:
        raise IllegalTransition(why)
    wanted = {line_id: count for line_id, count in units.items() if count}
    if not wanted:
        raise InvalidQuantity("Choose the items to return.")
    for line_id, count in wanted.items():
        line = check.item(line_id)
        left = left_to_return(line)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= left:
            raise InvalidQuantity(
                f"{left} of {line.name} can be returned, not {count!r} "
                f"({line.returned} of {line.quantity} returned already)."
            )
    before, after = check.totals, _with_returned(check, wanted).totals
    items = after.returned_items - before.returned_items
    tax = after.returned_tax - before.returned_tax
    return ReturnPlan(tuple(sorted(wanted.items())), items, tax, _refunds(check, items + tax))


def returned(check: Check, plan: ReturnPlan) -> Check:
    """``check`` with ``plan`` done: its units returned and its payments' money given back.
    What the check owes and what its payments keep still agree (or this refuses)."""
    after = _with_returned(check, dict(plan.units))
    back = {refund.tender_id: refund.amount for refund in plan.refunds}
    done = replace(
        after,
        tenders=tuple(
            replace(t, given_back=t.given_back + back.get(t.tender_id, 0)) for t in after.tenders
        ),
    )
    if (done.totals.balance_due, done.totals.overpaid) != (
        check.totals.balance_due,
        check.totals.overpaid,
    ):
        raise IllegalTransition(
            f"This return no longer fits check {check.identifier}: look at it again."
        )
    return done


def _with_returned(check: Check, units: Mapping[int, int]) -> Check:
    """The check with ``units`` more returned (its payments as they were)."""
    return replace(
        check,
        items=tuple(
            replace(line, returned=line.returned + units.get(line.line_id, 0))
            for line in check.items
        ),
    )


def _refunds(check: Check, total: Cents) -> tuple[Refund, ...]:
    """``total`` spread over the counter payments, the newest first."""
    refunds = []
    left = total
    for tender in reversed(check.tenders):
        if tender.kind in COUNTER_KINDS and tender.kept and left:
            amount = min(left, tender.kept)
            refunds.append(Refund(tender.tender_id, tender.kind, amount))
            left -= amount
    if left:
        raise IllegalTransition(
            f"The payments on check {check.identifier} keep too little to give back "
            f"{format_cents(total)}."
        )
    return tuple(refunds)
