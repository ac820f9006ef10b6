"""Finding the order of a payment whose answer was lost.

LevelUp has no idempotency key, so after a completed order (or a refund) gets no answer the
register looks at what LevelUp has: the location's orders, newest first, back to a little
before the request was sent, for the one order with this check's ``identifier_from_merchant``
from this register, not refunded, that asked for the spend that was sent and that no other
tender already claims.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from pos_app.engine.ports import PaymentGateway
from pos_app.levelup.wire import CompletedOrder, MerchantOrder

CLOCK_SKEW = timedelta(minutes=10)
"""How far the register's clock and LevelUp's may disagree; the search reaches back this far
before the request was sent, so a slow register clock cannot hide an order."""


class RecentOrders:
    """A location's orders, newest first, read from LevelUp as far as needed and kept, so
    that settling many payments in one recovery reads the listing once."""

    def __init__(self, gateway: PaymentGateway, location_id: int) -> None:
        self._gateway = gateway
        self._location_id = location_id
        self._pages: Iterator[MerchantOrder] | None = None
        self._seen: list[MerchantOrder] = []
        self._exhausted = False
        self._failure: Exception | None = None

    def __iter__(self) -> Iterator[MerchantOrder]:
        index = 0
        while True:
            if index < len(self._seen):
                yield self._seen[index]
                index += 1
                continue
            if self._exhausted:
                return
            if self._failure is not None:
                # A listing that broke off says nothing about the orders it did not reach.
                raise self._failure
            if self._pages is None:
                self._pages = self._gateway.location_orders(self._location_id)
            try:
                order = next(self._pages, None)
            except Exception as error:
                self._failure = error
                raise
            if order is None:
                self._exhausted = True
                return
            self._seen.append(order)


def find_order(
    gateway: PaymentGateway,
    orders: Iterable[MerchantOrder],
    *,
    merchant_id: int,
    register: str,
    identifier: str,
    sent_at: datetime,
    max_spend: int,
    claimed: Callable[[str], bool],
) -> MerchantOrder | None:
    """The order in ``orders`` (the location's, newest first) matching the lost answer, or
    ``None`` when LevelUp provably has none.

    A match has this check's number, this register, was not refunded, asked for exactly the
    spend that was sent, and is not ``claimed`` (held by a tender of this check or of any
    other: a number issued twice must never pair one check's payment with another's). Raises
    :class:`AmbiguousOrder` when more than one order matches (the register cannot tell them
    apart: a manager must), and :mod:`pos_app.levelup.errors` when LevelUp cannot be asked:
    then nothing is known.
    """
    oldest = sent_at - CLOCK_SKEW
    matches: list[MerchantOrder] = []
    for order in orders:
        if order.created_at is not None and order.created_at < oldest:
            break
        if claimed(order.uuid) or order.is_refunded or (order.spend_amount or 0) > max_spend:
            continue
        if order.identifier_from_merchant not in (None, identifier):
            continue
        details = gateway.order_details(merchant_id, order.uuid)
        if details.identifier_from_merchant != identifier or details.is_refunded:
            continue
        if details.register_name not in (None, register):
            continue
        if details.requested_spend_amount not in (None, max_spend):
            continue
        matches.append(details)
    if len(matches) > 1:
        raise AmbiguousOrder(
            f"{len(matches)} orders at LevelUp could be this payment: "
            + ", ".join(m.uuid for m in matches)
        )
    return matches[0] if matches else None


def implausible(order: CompletedOrder, sent_spend: int, claimed: Callable[[str], bool]) -> str:
    """Why an answer to a completed order cannot be believed ("" when it can): LevelUp never
    takes more than the spend it was sent, and never answers with an order a tender already
    holds. Such an answer leaves the payment unknown, to be looked up like a lost one."""
    if order.spend_amount > sent_spend:
        return f"the answer says {order.spend_amount} was spent, more than the {sent_spend} sent"
    if claimed(order.uuid):
        return f"the answer names order {order.uuid[:8]}, which another payment already holds"
    return ""


class AmbiguousOrder(Exception):
    """More than one LevelUp order fits a lost answer."""
