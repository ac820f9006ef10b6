"""Discounts with control: who may give what, with a reason, on the audit trail.

Whoever is signed in and may sell gives one of the merchant's presets on their own while the
check's discounts together, this one included, stay within the merchant's limits
(:class:`~pos_app.engine.model.DiscountPolicy`: an amount and a percent of the items before
discounts). A discount not on the list, or one beyond the limits, needs a role that may give
any discount (a manager, an admin), or such a person's one-use approval of exactly that
discount. Every discount has a reason and is journaled (``discount_given``) with what it took,
who gave it and who approved it; a refused one writes nothing. An edit of the check
(:meth:`Engine.edit_check`) may take discounts off, never put one on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from pos_app.domain import Check, Discount, format_cents
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import ApprovalRequired, IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.model import (
    ApprovalAction,
    CheckRecord,
    DiscountPolicy,
    DiscountPreset,
    ManagerApproval,
)
from pos_app.engine.recorder import Recorder
from pos_app.engine.staff import Permission, StaffMember


@dataclass(frozen=True)
class DiscountRequest:
    """A discount someone asks to give: on line ``line_id`` (None: on the check), from the
    preset named ``preset`` (None: a custom one), why, by whom (signed in here as
    ``staff_id``), and a manager's approval of exactly this discount when it needs one."""

    discount: Discount
    line_id: int | None = None
    preset: str | None = None
    reason: str = ""
    staff_id: str = ""
    approval: ManagerApproval | None = None

    @classmethod
    def of(
        cls, preset: DiscountPreset, line_id: int | None = None, *, reason: str = "", by: str = ""
    ) -> DiscountRequest:
        """``preset`` on line ``line_id`` (ignored for a preset on the check)."""
        line = line_id if preset.on_line else None
        return cls(preset.discount, line, preset.name, reason=reason, staff_id=by)

    @property
    def value(self) -> str:
        """``10%`` or ``$5.00``."""
        percent = self.discount.percent
        return f"{percent}%" if percent is not None else format_cents(self.discount.amount)

    @property
    def where(self) -> str:
        return "the check" if self.line_id is None else f"line {self.line_id}"


def approval_target(check_id: str, request: DiscountRequest) -> str:
    """What a manager's approval of a discount is for: this value, there, on this check."""
    return f"{check_id}:{request.where}:{request.value}"


def applied(check: Check, request: DiscountRequest) -> Check:
    """``check`` with the discount (the domain refuses an amount over what is left)."""
    if request.line_id is None:
        return check.add_discount(request.discount)
    return check.update_item(request.line_id, lambda item: item.with_discount(request.discount))


def discounted(check: Check) -> int:
    """What every discount on ``check`` takes, lines' and the check's."""
    return check.totals.item_discounts + check.totals.check_discount


def why_a_manager(
    policy: DiscountPolicy, check: Check, request: DiscountRequest, giver: StaffMember
) -> str:
    """Why a manager must approve ``request`` on ``check`` given by ``giver``, in words ("":
    ``giver`` may give it alone). Raises the domain's refusal of a discount that cannot be
    given at all."""
    after = applied(check, request)
    taken = discounted(after)
    if taken == discounted(check):
        raise IllegalTransition(f"Nothing is left to discount on {request.where}.")
    if giver.may(Permission.ANY_DISCOUNT):
        return ""
    if request.preset is None:
        return f"A discount not on the list ({request.value}) needs a manager."
    items = after.totals.subtotal + after.totals.item_discounts
    percent = Decimal(taken) * 100 / items
    beyond = [format_cents(policy.max_amount)] if taken > policy.max_amount else []
    beyond += [f"{policy.max_percent}% of its items"] if percent > policy.max_percent else []
    if not beyond:
        return ""
    return (
        f"The discounts on this check would come to {format_cents(taken)} "
        f"({percent.quantize(Decimal('0.1'))}% of its items): more than the "
        f"{' and '.join(beyond)} a {giver.role.value} gives alone."
    )


def require_no_new_discount(before: Check, after: Check) -> None:
    """An edit may take discounts off the check and its lines, never put one on."""
    old = {line.line_id: line.discounts for line in before.items}
    pairs = [(before.discounts, after.discounts)]
    pairs += [(old.get(line.line_id, ()), line.discounts) for line in after.items]
    if not all(_kept(was, now) for was, now in pairs):
        raise IllegalTransition(
            "A discount is given with its reason by someone allowed to give it (the Discount "
            "buttons), never as an edit of the check."
        )


def _kept(was: tuple[Discount, ...], now: tuple[Discount, ...]) -> bool:
    """``now`` is ``was`` with some discounts taken out (in order, none added)."""
    remaining = iter(was)
    return all(any(discount == old for old in remaining) for discount in now)


class Discounts:
    def __init__(self, recorder: Recorder, approvals: Approvals, policy: DiscountPolicy) -> None:
        self._recorder = recorder
        self._approvals = approvals
        self._policy = policy

    def give(self, check_id: str, request: DiscountRequest) -> CheckRecord:
        """Give ``request`` on the check, or refuse it (writing nothing), saying why."""
        record = self._recorder.editable(check_id)
        giver = self._approvals.signed_in(request.staff_id)
        if not giver.may(Permission.DISCOUNT):
            raise ApprovalRequired(f"{giver.name} may not give discounts.")
        reason, approval = request.reason.strip(), request.approval
        if not reason:
            raise ApprovalRequired("A discount needs a reason.")
        if request.preset is not None:
            self._require_preset(request)
        why = why_a_manager(self._policy, record.check, request, giver)
        if why and approval is None:
            raise ApprovalRequired(f"{why} Ask a manager to approve it.")
        events = []
        if approval is not None:
            target = approval_target(check_id, request)
            events.append(self._approvals.consume(approval, ApprovalAction.GIVE_DISCOUNT, target))
        check = applied(record.check, request)
        line = None if request.line_id is None else check.item(request.line_id)
        events.append(
            self._recorder.event(
                EventKind.DISCOUNT_GIVEN,
                preset=request.preset,
                label=request.discount.label,
                on="check" if line is None else f"line {line.line_id} ({line.name})",
                value=request.value,
                taken=discounted(check) - discounted(record.check),
                reason=reason,
                given_by=giver.label,
                approved_by=approval.manager if approval else None,
                approval_id=approval.approval_id if approval else None,
            )
        )
        return self._recorder.save(replace(record, check=check), *events)

    def _require_preset(self, request: DiscountRequest) -> None:
        """``request`` is the merchant's preset of its name, where that preset goes."""
        preset = next((p for p in self._policy.presets if p.name == request.preset), None)
        if preset is None or preset.discount != request.discount:
            raise IllegalTransition(f"There is no discount {request.preset!r} here.")
        if preset.on_line != (request.line_id is not None):
            where = "one line: select the line first" if preset.on_line else "the whole check"
            raise IllegalTransition(f"{preset.name} is for {where}.")
