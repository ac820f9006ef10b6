"""Finding the order of a payment whose answer was lost.

LevelUp has no idempotency key, so after a completed order (or a refund) gets no answer the
register looks at what LevelUp has: the location's orders, newest first, back to a little
before the request was sent, for an order with this check's ``identifier_from_merchant`` from
this register, for no more than was asked, that no other tender of the check already claims.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pos_app.engine.ports import PaymentGateway
from pos_app.levelup.payloads import MerchantOrder

CLOCK_SKEW = timedelta(minutes=10)
"""How far the register's clock and LevelUp's may disagree; the search reaches back this far
before the request was sent, so a slow register clock cannot hide an order."""


def find_order(
    gateway: PaymentGateway,
    *,
    location_id: int,
    merchant_id: int,
    register: str,
    identifier: str,
    sent_at: datetime,
    max_spend: int,
    claimed: set[str],
) -> MerchantOrder | None:
    """The order matching the lost answer, or ``None`` when LevelUp provably has none.

    Raises :mod:`pos_app.levelup.errors` when LevelUp cannot be asked: then nothing is known.
    """
    oldest = sent_at - CLOCK_SKEW
    for order in gateway.location_orders(location_id):
        if order.created_at is not None and order.created_at < oldest:
            return None
        if order.uuid in claimed or (order.spend_amount or 0) > max_spend:
            continue
        if order.identifier_from_merchant not in (None, identifier):
            continue
        details = gateway.order_details(merchant_id, order.uuid)
        if details.identifier_from_merchant != identifier:
            continue
        if details.register_name not in (None, register):
            continue
        return details
    return None
