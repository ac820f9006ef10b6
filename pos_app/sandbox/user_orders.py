"""``POST /v15/orders``: LevelUp's older one-step order, paid with a user token (the merchant's
and the customer's in one ``Authorization`` header) or with a payment code in the body.

Money moves as for a completed order (discount, gift card credit, card), without a proposed
order before it; its refund is the same ``POST /v15/orders/:uuid/refund``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pos_app.sandbox import accounts, orders
from pos_app.sandbox.bodies import OrderBody
from pos_app.sandbox.records import MerchantRecord, SandboxState
from pos_app.sandbox.rejections import Rejection, error


def place(
    state: SandboxState,
    merchant: MerchantRecord,
    user_token: str | None,
    body: OrderBody,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """Charge the customer of ``user_token`` (or whose code the body holds) for ``body``."""
    accounts.require_own_location(state, merchant, body.location_id, "order")
    customer, code = accounts.order_payer(state, user_token, body.payment_token_data)
    orders.require_spend(body.spend_amount, body.tax_amount)
    discount = body.applied_discount_amount or 0
    eligible = max(0, body.spend_amount - body.tax_amount - (body.exemption_amount or 0))
    if discount > min(customer.discount_amount, eligible):
        raise Rejection(
            422,
            error(
                "order",
                "applied_discount_amount",
                "Applied discount cannot be more than the customer's credit, or the spend "
                "less tax and exemptions.",
                "invalid",
            ),
        )
    requested_tip = body.tip_amount or 0
    tip = orders.order_tip(code, body.spend_amount, requested_tip)
    funding = orders.fund(
        customer,
        due=body.spend_amount - discount,
        tip=tip,
        partial=bool(body.partial_authorization_allowed),
        discount_only=False,
    )
    order = orders.charge(
        state,
        merchant,
        customer,
        body,
        proposed_uuid=None,
        discount=discount,
        requested_tip=requested_tip,
        funding=funding,
        clock=clock,
    )
    return {
        "order": {
            "uuid": order.uuid,
            "spend_amount": order.spend_amount,
            "tip_amount": order.tip_amount,
            "total_amount": order.total_amount,
            "gift_card_total_amount": order.gift_card_total_amount,
            "gift_card_tip_amount": order.gift_card_tip_amount,
        }
    }
