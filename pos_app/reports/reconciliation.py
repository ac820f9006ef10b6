"""The day's LevelUp payments in the journal beside the location's orders at LevelUp.

An order belongs to this register's day when it has a check number of the day
(``identifier_from_merchant`` starts with the day's ``YYMMDD``) and this register's name. The
location's listing does not say which register an order came from, so an order left over after
matching is looked up (its details name the register) before it is called missing here: other
registers of the location number their checks the same way. Each payment that reached LevelUp
is matched by its order's uuid; a payment whose outcome is not
known here is matched with an order of its check that no other payment claims. What is left on
either side, and every amount or refund that differs, is a :class:`Mismatch` in plain words;
payment codes are never in them, and orders are named by their uuid's first 8 characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pos_app.domain import Tender, TenderKind, TenderStatus, format_cents
from pos_app.engine import CheckRecord
from pos_app.levelup.wire import MerchantOrder
from pos_app.reports.parts import Mismatch, MismatchKind, Reconciliation

_SENT = frozenset(
    {
        TenderStatus.APPROVED,
        TenderStatus.PARTIALLY_APPROVED,
        TenderStatus.REFUNDING,
        TenderStatus.REFUNDED,
        TenderStatus.UNKNOWN,
        TenderStatus.COMPLETING,
        TenderStatus.FORWARDING,
    }
)
"""Payments LevelUp has, or may have, an order for."""
_UNSURE = frozenset({TenderStatus.UNKNOWN, TenderStatus.COMPLETING, TenderStatus.FORWARDING})


@dataclass(frozen=True)
class _Payment:
    check: str
    tender: Tender

    @property
    def order_uuid(self) -> str | None:
        return self.tender.levelup.order_uuid if self.tender.levelup else None

    @property
    def spend(self) -> int:
        """What its order should say was spent: the payment and LevelUp's discount on it."""
        detail = self.tender.levelup
        return self.tender.amount + (detail.discount_amount if detail else 0)


def short(uuid: str) -> str:
    """How reports name an order: the first 8 characters of its uuid."""
    return uuid[:8]


def day_orders(orders: Iterable[MerchantOrder], day: date, register: str) -> list[MerchantOrder]:
    """The orders among ``orders`` numbered on business ``day``, from this register or from
    one the listing does not name."""
    prefix = f"{day:%y%m%d}"
    return [
        order
        for order in orders
        if order.register_name in (None, register)
        and (order.identifier_from_merchant or "").startswith(prefix)
    ]


def reconcile(
    checks: Sequence[CheckRecord],
    orders: Sequence[MerchantOrder],
    *,
    register: str,
    details: Callable[[str], MerchantOrder],
) -> Reconciliation:
    """The day's ``checks`` matched with the day's ``orders`` (see :func:`day_orders`);
    ``details`` looks an order up by uuid (raising :mod:`pos_app.levelup.errors`)."""
    payments = [
        _Payment(record.check.identifier, tender)
        for record in checks
        for tender in record.check.tenders
        if tender.kind is TenderKind.LEVELUP and tender.status in _SENT
    ]
    by_uuid = {order.uuid: order for order in orders}
    known = {payment.order_uuid for payment in payments if payment.order_uuid in by_uuid}
    claimed: set[str] = set(known)  # every payment's own order first, then the unsure ones'
    registers: dict[str, str | None] = {}

    def ours(order: MerchantOrder) -> bool:
        if order.register_name is not None:
            return order.register_name == register
        if order.uuid not in registers:
            registers[order.uuid] = details(order.uuid).register_name
        return registers[order.uuid] == register

    found: list[Mismatch] = []
    matched = 0
    for payment in payments:
        order = by_uuid.get(payment.order_uuid or "")
        if order is None and payment.tender.status in _UNSURE:
            order = next(
                (
                    o
                    for o in orders
                    if o.uuid not in claimed
                    and o.identifier_from_merchant == payment.check
                    and ours(o)  # another register numbers its checks the same way
                ),
                None,
            )
            if order is not None:
                claimed.add(order.uuid)
                found.append(_charged_while_unknown(payment, order))
                continue
        if order is None:
            found.append(_missing_at_levelup(payment))
            continue
        differences = _differences(payment, order)
        found.extend(differences)
        matched += not differences
    others = 0
    for order in orders:
        if order.uuid in claimed:
            continue
        if not ours(order):
            others += 1  # another register's check of the same number
            continue
        found.append(_missing_in_journal(order))
    return Reconciliation(
        checked=True, matched=matched, orders=len(orders) - others, details=tuple(found)
    )


def _differences(payment: _Payment, order: MerchantOrder) -> list[Mismatch]:
    ref, check = short(order.uuid), payment.check
    found = []
    spend, tip = order.spend_amount or 0, order.tip_amount or 0
    if (spend, tip) != (payment.spend, payment.tender.tip):
        found.append(
            Mismatch(
                MismatchKind.AMOUNT_MISMATCH,
                f"Check {check}: the journal has a LevelUp payment of "
                f"{format_cents(payment.spend)} (tip {format_cents(payment.tender.tip)}), and "
                f"LevelUp's order {ref} says {format_cents(spend)} (tip {format_cents(tip)}).",
                check,
                ref,
                payment.spend + payment.tender.tip,
                spend + tip,
            )
        )
    refunded_here = payment.tender.status is TenderStatus.REFUNDED
    if refunded_here != order.is_refunded:
        where, other = ("here", "LevelUp") if refunded_here else ("at LevelUp", "this register")
        found.append(
            Mismatch(
                MismatchKind.REFUND_MISMATCH,
                f"Check {check}: LevelUp order {ref} ({format_cents(spend)}) was refunded "
                f"{where}, and {other} does not show the refund.",
                check,
                ref,
                payment.spend,
                spend,
            )
        )
    return found


def _charged_while_unknown(payment: _Payment, order: MerchantOrder) -> Mismatch:
    spend = order.spend_amount or 0
    return Mismatch(
        MismatchKind.MISSING_IN_JOURNAL,
        f"Check {payment.check}: LevelUp charged {format_cents(spend)} (order "
        f"{short(order.uuid)}) for a payment this register does not know the outcome of. "
        "Resolve it in Needs attention: it was charged.",
        payment.check,
        short(order.uuid),
        None,
        spend,
    )


def _missing_at_levelup(payment: _Payment) -> Mismatch:
    status = payment.tender.status
    if status in _UNSURE:
        said = "whose outcome is not known, and LevelUp has no order for it (not charged so far)"
    else:
        said = f"({status.value.replace('_', ' ')}), and LevelUp has no such order"
    uuid = payment.order_uuid
    return Mismatch(
        MismatchKind.MISSING_AT_LEVELUP,
        f"Check {payment.check} has a LevelUp payment of {format_cents(payment.spend)} {said}.",
        payment.check,
        short(uuid) if uuid else "",
        payment.spend,
        None,
    )


def _missing_in_journal(order: MerchantOrder) -> Mismatch:
    spend = order.spend_amount or 0
    check = order.identifier_from_merchant or ""
    refunded = " (refunded since)" if order.is_refunded else ""
    return Mismatch(
        MismatchKind.MISSING_IN_JOURNAL,
        f"LevelUp charged {format_cents(spend)} (order {short(order.uuid)}){refunded} for check "
        f"{check}, and this register has no such payment.",
        check,
        short(order.uuid),
        None,
        spend,
    )
