"""What a merchant token reaches besides orders: the v14 location list, a customer's
merchant-funded credit by payment code, and credit given by email.

Functions over the :class:`~pos_app.sandbox.records.SandboxState`; the caller holds the
ledger's lock.
"""

from __future__ import annotations

from typing import Any

from pos_app.sandbox import accounts
from pos_app.sandbox.bodies import GiveCreditBody
from pos_app.sandbox.records import MerchantRecord, SandboxState
from pos_app.sandbox.rejections import Rejection, error, not_authorized


def merchant_locations(
    state: SandboxState, merchant: MerchantRecord, merchant_id: int
) -> list[dict[str, Any]]:
    """``GET /v14/merchants/:id/locations``: the merchant's own, in the v14 shape."""
    _require_merchant(state, merchant, merchant_id, "location")
    return [
        {
            "location": {
                "id": location.id,
                "merchant_tip_preference": location.tip_preference,
                "name": location.name,
            }
        }
        for location in merchant.locations
    ]


def merchant_funded_credit(
    state: SandboxState, merchant: MerchantRecord, location_id: int, code_text: str
) -> dict[str, Any]:
    """The customer's credit at one of the merchant's locations; 404 for a bad code."""
    found = accounts.find_location(state, location_id)
    if found is None or found[0].id != merchant.id:
        raise Rejection(401, empty=True, bad_token=True)
    try:
        customer = accounts.customer_for_code(state, code_text, "merchant_funded_credit")
    except Rejection:
        raise Rejection(
            404,
            error("merchant_funded_credit", "payment_token_data", accounts.BAD_CODE, "not_found"),
        ) from None
    return {
        "merchant_funded_credit": {
            "discount_amount": customer.discount_amount,
            "gift_card_amount": customer.gift_card_amount,
            "total_amount": customer.discount_amount + customer.gift_card_amount,
        }
    }


def give_credit(
    state: SandboxState, merchant: MerchantRecord, body: GiveCreditBody
) -> dict[str, Any]:
    """Merchant-funded credit for the customer with ``email``: a discount on their next
    orders, as a campaign's credit is."""
    _require_merchant(state, merchant, body.merchant_id, "merchant_funded_credit")
    wanted = body.email.strip().lower()
    customer = next((c for c in state.customers if c.email.lower() == wanted), None)
    if customer is None:
        raise Rejection(
            422,
            error(
                "merchant_funded_credit", "email", "No LevelUp user has that email.", "not_found"
            ),
        )
    customer.discount_amount += body.value_amount
    return {
        "merchant_funded_credit": {
            "merchant_id": merchant.id,
            "user_id": customer.id,
            "value_amount": body.value_amount,
            "global": bool(body.global_),
            "message": body.message,
            "duration_in_seconds": body.duration_in_seconds,
        }
    }


def _require_merchant(
    state: SandboxState, merchant: MerchantRecord, merchant_id: int, obj: str
) -> None:
    if not any(m.id == merchant_id for m in state.merchants):
        raise Rejection(404, error("merchant", "id", "Merchant not found.", "not_found"))
    if merchant_id != merchant.id:
        raise not_authorized(obj)
