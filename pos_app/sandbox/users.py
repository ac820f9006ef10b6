"""What a user token reaches: the user, their orders, addresses, cards, LevelUp code and credit.

Functions over the :class:`~pos_app.sandbox.records.SandboxState`; the caller holds the
ledger's lock and has checked the token's permission.
"""

from __future__ import annotations

from typing import Any

from pos_app.levelup import qr
from pos_app.sandbox import accounts, apps
from pos_app.sandbox.accounts import MAX_TIP_PERCENT
from pos_app.sandbox.bodies import UserAddressBody
from pos_app.sandbox.records import CustomerRecord, SandboxState, UserAddressRecord
from pos_app.sandbox.rejections import Rejection, error

USER_ORDERS_PAGE_SIZE = 10
"""Orders per page of ``GET /v15/users/orders``."""


def user(customer: CustomerRecord) -> dict[str, Any]:
    return {"user": apps.user_view(customer)}


def user_orders(
    state: SandboxState, customer: CustomerRecord, page: int
) -> tuple[list[dict[str, Any]], bool]:
    """Page ``page`` (from 1) of the customer's orders, newest first, and whether more follow."""
    mine = sorted(
        (o for o in state.orders.values() if o.customer_id == customer.id),
        key=lambda o: o.created_at,
        reverse=True,
    )
    start = (page - 1) * USER_ORDERS_PAGE_SIZE
    chosen = mine[start : start + USER_ORDERS_PAGE_SIZE]
    merchants = {m.id: m for m in state.merchants}
    bodies = [
        {
            "order": {
                "uuid": o.uuid,
                "created_at": o.created_at.isoformat(),
                "transacted_at": o.created_at.isoformat(),
                "refunded_at": o.refunded_at.isoformat() if o.refunded_at else None,
                "location_id": o.location_id,
                "merchant_id": o.merchant_id,
                "merchant_name": merchants[o.merchant_id].name,
                "spend_amount": o.spend_amount,
                "tip_amount": o.tip_amount,
                "total_amount": o.total_amount,
                "credit_applied_amount": o.discount_amount,
                "items": o.items or [],
            }
        }
        for o in chosen
    ]
    return bodies, len(mine) > start + USER_ORDERS_PAGE_SIZE


def add_address(
    state: SandboxState, customer: CustomerRecord, body: UserAddressBody
) -> dict[str, Any]:
    address = UserAddressRecord(
        id=max((a.id for a in state.user_addresses), default=0) + 1,
        customer_id=customer.id,
        **body.model_dump(),
    )
    state.user_addresses.append(address)
    return _address_view(address)


def addresses(state: SandboxState, customer: CustomerRecord) -> list[dict[str, Any]]:
    return [_address_view(a) for a in state.user_addresses if a.customer_id == customer.id]


def _address_view(address: UserAddressRecord) -> dict[str, Any]:
    fields = address.model_dump(exclude={"customer_id"})
    return {"user_address": fields | {"latitude": None, "longitude": None}}


def credit_cards(customer: CustomerRecord) -> list[dict[str, Any]]:
    """The customer's card on file, if any (the sandbox keeps one per customer)."""
    return [_card_view(customer)] if customer.card else []


def add_credit_card(customer: CustomerRecord) -> dict[str, Any]:
    """A new card on file, which charges. Its data comes encrypted for LevelUp's processor,
    which the sandbox is not, so the card's details are fixed."""
    customer.card, customer.card_declines = True, False
    return _card_view(customer)


def _card_view(customer: CustomerRecord) -> dict[str, Any]:
    last_4 = "0002" if customer.card_declines else "1111"
    return {
        "credit_card": {
            "bin": "400000" if customer.card_declines else "411111",
            "description": f"Visa ending in {last_4}",
            "expiration_month": 12,
            "expiration_year": 2030,
            "id": customer.id,
            "last_4": last_4,
            "promoted": True,
            "state": "active",
            "type": "Visa",
        }
    }


def qr_code(customer: CustomerRecord, query: dict[str, str]) -> dict[str, Any]:
    """The customer's payment code with the preferences asked for (``preferences[color]``,
    ``preferences[tip_amount]`` or ``preferences[tip_percent]``)."""
    color = _preference(query, "color", qr.MAX_COLOR)
    percent = _preference(query, "tip_percent", MAX_TIP_PERCENT)
    cents = _preference(query, "tip_amount", qr.MAX_CENT_TIP)
    if percent and cents:
        raise Rejection(
            422, error("qr_code", "preferences", "Give a tip amount or a tip percent, not both.")
        )
    tip: qr.Tip | None = qr.PercentTip(percent) if percent else qr.CentTip(cents) if cents else None
    return {"qr_code": {"code": qr.build(customer.token, tip, color).data}}


def _preference(query: dict[str, str], name: str, most: int) -> int:
    text = query.get(f"preferences[{name}]", "0") or "0"
    if not text.isdigit() or int(text) > most:
        raise Rejection(
            422,
            error("qr_code", name, f"Preferences {name} must be a whole number up to {most}."),
        )
    return int(text)


def location_credit(
    state: SandboxState, customer: CustomerRecord, location_id: int
) -> dict[str, Any]:
    """The credit the customer may redeem at the location: merchant-funded and gift card."""
    if accounts.find_location(state, location_id) is None:
        raise Rejection(404, error("location", "id", "Location not found.", "not_found"))
    return {"credit": {"total_amount": customer.discount_amount + customer.gift_card_amount}}
