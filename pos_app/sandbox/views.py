"""What the sandbox shows of its state: location and order views, listings, the seed.

Functions over the :class:`~pos_app.sandbox.records.SandboxState` that change nothing; the
caller holds the ledger's lock.
"""

from __future__ import annotations

from typing import Any

from pos_app.levelup.wire import Location, MerchantOrder
from pos_app.sandbox import accounts
from pos_app.sandbox.records import LocationRecord, MerchantRecord, OrderRecord, SandboxState
from pos_app.sandbox.rejections import Rejection, error, not_authorized

PAGE_SIZE = 10
"""Orders per page of ``GET /v14/locations/:id/orders``."""


def location_view(merchant: MerchantRecord, location: LocationRecord) -> Location:
    return Location(
        id=location.id,
        name=location.name,
        merchant_id=merchant.id,
        merchant_name=merchant.name,
        address=location.address,
        pos_location_identifier=location.pos_location_identifier,
        tip_preference=location.tip_preference,
    )


def managed_locations(merchant: MerchantRecord) -> list[Location]:
    return [location_view(merchant, location) for location in merchant.locations]


def location(state: SandboxState, merchant: MerchantRecord, location_id: int) -> Location:
    """``merchant``'s location; another merchant's is not found either (red team D18)."""
    found = accounts.find_location(state, location_id)
    if found is None or found[0].id != merchant.id:
        raise Rejection(404, error("location", "id", "Location not found.", "not_found"))
    return location_view(*found)


def order_view(state: SandboxState, order: OrderRecord, *, details: bool = False) -> MerchantOrder:
    """The merchant's view of ``order``: as listed, or with ``details`` as looked up."""
    customer = accounts.customer(state, order.customer_id)
    merchant = next(m for m in state.merchants if m.id == order.merchant_id)
    fields: dict[str, Any] = {
        "uuid": order.uuid,
        "created_at": order.created_at,
        "transacted_at": order.created_at,
        "refunded_at": order.refunded_at,
        "location_id": order.location_id,
        "loyalty_id": customer.id,
        "user_display_name": customer.display_name,
        "identifier_from_merchant": order.identifier_from_merchant,
        "spend_amount": order.spend_amount,
        "tip_amount": order.tip_amount,
        "total_amount": order.total_amount,
        "earn_amount": 0,
        "merchant_funded_credit_amount": order.discount_amount,
    }
    if details:
        fields |= {
            "merchant_id": merchant.id,
            "merchant_name": merchant.name,
            "cashier": order.cashier,
            "register": order.register_name,
            "tax_amount": order.tax_amount,
            "exemption_amount": order.exemption_amount,
            "requested_spend_amount": order.requested_spend_amount,
            "requested_tip_amount": order.requested_tip_amount,
            "requested_total_amount": order.requested_spend_amount + order.requested_tip_amount,
            "items": order.items,
        }
    return MerchantOrder.model_validate(fields)


def order_details(
    state: SandboxState, merchant: MerchantRecord, merchant_id: int, order_uuid: str
) -> MerchantOrder:
    if not any(m.id == merchant_id for m in state.merchants):
        raise Rejection(404, error("merchant", "id", "Merchant not found."))
    if merchant_id != merchant.id:
        raise not_authorized("order")
    order = state.orders.get(order_uuid)
    if order is None or order.merchant_id != merchant.id:
        raise Rejection(404, error("order", "id", "Order not found."))
    return order_view(state, order, details=True)


def location_orders(
    state: SandboxState, merchant: MerchantRecord, location_id: int, page: int
) -> tuple[list[MerchantOrder], bool]:
    """Page ``page`` (from 1) of the location's orders, newest first, and whether more
    follow."""
    found = accounts.find_location(state, location_id)
    if found is None or found[0].id != merchant.id:
        raise Rejection(401, empty=True)
    orders = sorted(
        (o for o in state.orders.values() if o.location_id == location_id),
        key=lambda o: o.created_at,
        reverse=True,
    )
    start = (page - 1) * PAGE_SIZE
    chosen = orders[start : start + PAGE_SIZE]
    return [order_view(state, o) for o in chosen], len(orders) > start + PAGE_SIZE


# ----- the admin API ----------------------------------------------------------------------


def customers(state: SandboxState) -> list[dict[str, Any]]:
    return [c.public() for c in state.customers]


def orders(state: SandboxState) -> list[dict[str, Any]]:
    return [o.model_dump(mode="json", exclude={"items"}) for o in state.orders.values()]


def seed_view(state: SandboxState) -> dict[str, Any]:
    merchants = [
        {
            "id": m.id,
            "name": m.name,
            "access_token": m.access_token,
            "api_key": m.api_key,
            "username": m.username,
            "password": m.password,
            "locations": [{"id": loc.id, "name": loc.name} for loc in m.locations],
        }
        for m in state.merchants
    ]
    app = state.apps[0].model_dump() if state.apps else None
    return {"merchants": merchants, "customers": customers(state), "app": app}
