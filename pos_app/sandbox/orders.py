"""The sandbox's orders: propose, complete and refund, and the rules that fund them.

Money moves as the completed-orders page says: the merchant-funded discount first, then gift
card credit, then the card on file; a refund puts every part back. Functions over the
:class:`~pos_app.sandbox.records.SandboxState`; the caller holds the ledger's lock and saves
the state after a change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pos_app.domain.money import percent_of
from pos_app.levelup import qr
from pos_app.levelup.wire import (
    CompletedOrder,
    CompletedOrderRequest,
    ItemEnvelope,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
)
from pos_app.sandbox import accounts
from pos_app.sandbox.records import (
    CustomerRecord,
    MerchantRecord,
    OrderRecord,
    ProposedOrderRecord,
    SandboxState,
)
from pos_app.sandbox.rejections import Rejection, error
from pos_app.sandbox.views import order_view

DECLINED = "Sorry. We cannot charge the credit card at this time."


def propose(
    state: SandboxState,
    merchant: MerchantRecord,
    request: ProposedOrderRequest,
    clock: Callable[[], datetime],
    user_token: str | None = None,
) -> ProposedOrder:
    """Offer the customer's merchant-funded credit as a pre-tax discount (API-NOTES §11.4).
    The customer is ``user_token``'s, or the code's in the body."""
    accounts.require_own_location(state, merchant, request.location_id, "order")
    customer, _ = accounts.order_payer(state, user_token, request.payment_token_data)
    require_spend(request.spend_amount, request.tax_amount)
    exemption = request.exemption_amount or 0
    eligible = max(0, request.spend_amount - request.tax_amount - exemption)
    proposed = ProposedOrderRecord(
        uuid=uuid.uuid4().hex,
        merchant_id=merchant.id,
        location_id=request.location_id,
        customer_id=customer.id,
        spend_amount=request.spend_amount,
        tax_amount=request.tax_amount,
        exemption_amount=exemption,
        discount_amount=min(customer.discount_amount, eligible),
        created_at=clock(),
    )
    state.proposed_orders[proposed.uuid] = proposed
    return ProposedOrder(uuid=proposed.uuid, discount_amount=proposed.discount_amount)


def complete(
    state: SandboxState,
    merchant: MerchantRecord,
    request: CompletedOrderRequest,
    clock: Callable[[], datetime],
    user_token: str | None = None,
) -> CompletedOrder:
    """Charge the customer: discount, then gift card, then card (SEED-COMPLETED)."""
    accounts.require_own_location(state, merchant, request.location_id, "order")
    customer, code_text = accounts.order_payer(state, user_token, request.payment_token_data)
    proposed = _open_proposal(state, request, customer)
    require_spend(request.spend_amount, request.tax_amount)
    require_tip(request.tip_amount)
    discount = request.applied_discount_amount or 0
    eligible = request.spend_amount - request.tax_amount - (request.exemption_amount or 0)
    _require_discount(discount, proposed, customer, eligible)
    funding = fund(
        customer,
        due=request.spend_amount - discount,
        tip=order_tip(code_text, request.spend_amount, request.tip_amount or 0),
        partial=bool(request.partial_authorization_allowed),
        discount_only=bool(request.discount_only),
    )
    order = charge(
        state,
        merchant,
        customer,
        request,
        proposed_uuid=proposed.uuid,
        discount=discount,
        requested_tip=request.tip_amount or 0,
        funding=funding,
        clock=clock,
    )
    proposed.completed_order_uuid = order.uuid
    return CompletedOrder(
        uuid=order.uuid,
        spend_amount=order.spend_amount,
        tip_amount=order.tip_amount,
        total_amount=order.total_amount,
        gift_card_total_amount=order.gift_card_total_amount,
        gift_card_tip_amount=order.gift_card_tip_amount,
    )


def order_tip(code_text: str | None, spend: int, requested: int) -> int:
    """The tip of an order: with a code, as the code's tip preference says; paid with a user
    token, the ``tip_amount`` asked."""
    return requested if code_text is None else customer_tip(qr.parse(code_text), spend, requested)


class OrderAsked(Protocol):
    """What an order asks for (a completed order's body, or a one-step order's)."""

    @property
    def location_id(self) -> int: ...
    @property
    def identifier_from_merchant(self) -> str | None: ...
    @property
    def cashier(self) -> str | None: ...
    @property
    def register_name(self) -> str | None: ...
    @property
    def spend_amount(self) -> int: ...
    @property
    def tax_amount(self) -> int: ...
    @property
    def exemption_amount(self) -> int | None: ...
    @property
    def items(self) -> Sequence[ItemEnvelope] | None: ...


def charge(
    state: SandboxState,
    merchant: MerchantRecord,
    customer: CustomerRecord,
    asked: OrderAsked,
    *,
    proposed_uuid: str | None,
    discount: int,
    requested_tip: int,
    funding: _Funding,
    clock: Callable[[], datetime],
) -> OrderRecord:
    """The order ``funding`` pays, recorded, with the customer's balances moved by it."""
    order = OrderRecord(
        uuid=uuid.uuid4().hex,
        proposed_order_uuid=proposed_uuid,
        merchant_id=merchant.id,
        location_id=asked.location_id,
        customer_id=customer.id,
        identifier_from_merchant=asked.identifier_from_merchant,
        cashier=asked.cashier,
        register_name=asked.register_name,
        requested_spend_amount=asked.spend_amount,
        requested_tip_amount=requested_tip,
        spend_amount=discount + funding.gift_spend + funding.card_spend,
        tip_amount=funding.gift_tip + funding.card_tip,
        total_amount=discount + funding.total,
        tax_amount=asked.tax_amount,
        exemption_amount=asked.exemption_amount or 0,
        discount_amount=discount,
        gift_card_total_amount=funding.gift_spend + funding.gift_tip,
        gift_card_tip_amount=funding.gift_tip,
        card_amount=funding.card_spend + funding.card_tip,
        created_at=clock(),
        items=[entry.model_dump(mode="json", exclude_none=True) for entry in asked.items]
        if asked.items
        else None,
    )
    customer.discount_amount -= discount
    customer.gift_card_amount -= order.gift_card_total_amount
    customer.card_charged_amount += order.card_amount
    state.orders[order.uuid] = order
    return order


def _open_proposal(
    state: SandboxState, request: CompletedOrderRequest, customer: CustomerRecord
) -> ProposedOrderRecord:
    proposed = state.proposed_orders.get(request.proposed_order_uuid)
    if proposed is None:
        problem = "is not a proposed order"
    elif proposed.completed_order_uuid is not None:
        problem = "was already completed"
    elif proposed.location_id != request.location_id or proposed.customer_id != customer.id:
        problem = "was proposed for another location or customer"
    else:
        return proposed
    raise Rejection(
        422, error("order", "proposed_order_uuid", f"Proposed order {problem}.", "invalid")
    )


def refund(
    state: SandboxState,
    merchant: MerchantRecord,
    order_uuid: str,
    manager_confirmation: str | None,
    clock: Callable[[], datetime],
) -> MerchantOrder:
    """Refund a whole order, giving back its discount, gift card credit, tip and payment."""
    order = state.orders.get(order_uuid)
    if order is None or order.merchant_id != merchant.id:
        raise Rejection(404, empty=True)
    accounts.require_confirmation(merchant, manager_confirmation, "refund")
    if order.refunded_at is not None:
        raise Rejection(
            422,
            error(
                "order",
                "base",
                "The refund was unsuccessful. Perhaps this order has already been "
                "refunded or was unsuccessful.",
            ),
        )
    customer = accounts.customer(state, order.customer_id)
    customer.discount_amount += order.discount_amount
    customer.gift_card_amount += order.gift_card_total_amount
    customer.card_charged_amount -= order.card_amount
    order.refunded_at = clock()
    return order_view(state, order)


# ----- the funding rules ------------------------------------------------------------------


class _Funding:
    def __init__(self, gift_spend: int, gift_tip: int, card_spend: int, card_tip: int) -> None:
        self.gift_spend, self.gift_tip = gift_spend, gift_tip
        self.card_spend, self.card_tip = card_spend, card_tip
        self.total = gift_spend + gift_tip + card_spend + card_tip


def fund(
    customer: CustomerRecord, *, due: int, tip: int, partial: bool, discount_only: bool
) -> _Funding:
    """Pay ``due`` (the spend after the discount) and ``tip`` from gift card credit, then the
    card. With partial authorization, what cannot be funded is left out instead of refused."""
    if discount_only:
        if due and not partial:
            raise Rejection(
                422,
                error(
                    "order",
                    "base",
                    "The discount does not cover this order and partial "
                    "authorization is not allowed.",
                ),
            )
        return _Funding(0, 0, 0, 0)
    gift_spend = min(due, customer.gift_card_amount)
    gift_tip = min(tip, customer.gift_card_amount - gift_spend)
    card_needed = (due - gift_spend) + (tip - gift_tip)
    if not card_needed:
        return _Funding(gift_spend, gift_tip, 0, 0)
    if customer.card and customer.card_declines:
        raise Rejection(422, error("order", "base", DECLINED))
    if customer.card:
        return _Funding(gift_spend, gift_tip, due - gift_spend, tip - gift_tip)
    if not partial:
        raise Rejection(
            422,
            error(
                "order",
                "base",
                "This customer has no payment method for the rest of this order.",
                "no_credit_card",
            ),
        )
    return _Funding(gift_spend, gift_tip, 0, 0)


def customer_tip(code: qr.PaymentCode, spend: int, requested: int) -> int:
    """The customer's tip from their code's preferences; the POS's ``tip_amount`` when the
    code asks for none."""
    match code.tip:
        case qr.PercentTip(percent) if percent:
            return percent_of(spend, Decimal(percent))
        case qr.CentTip(cents) if cents:
            return cents
    return requested


def require_tip(tip: int | None) -> None:
    """A tip no code could ask for is refused (red team D18: a $10,000,000 tip was taken)."""
    if tip is not None and tip > qr.MAX_CENT_TIP:
        raise Rejection(
            422,
            error(
                "order",
                "tip_amount",
                f"Tip amount cannot be more than {qr.MAX_CENT_TIP}.",
                "invalid",
            ),
        )


def require_spend(spend: int, tax: int) -> None:
    """A spend above 0 that holds its tax (red team D18: tax above the spend was taken)."""
    if spend <= 0:
        raise Rejection(
            422, error("order", "spend_amount", "Spend amount must be greater than 0.", "invalid")
        )
    if tax > spend:
        raise Rejection(
            422,
            error("order", "tax_amount", "Tax amount cannot be more than the spend.", "invalid"),
        )


def _require_discount(
    discount: int, proposed: ProposedOrderRecord, customer: CustomerRecord, eligible: int
) -> None:
    """A discount must have been offered, still be the customer's, and come off no more than
    the spend less tax and exemptions (credit never pays tax)."""
    if discount < 0:
        problem = "cannot be negative"
    elif discount > proposed.discount_amount:
        problem = f"cannot be more than the {proposed.discount_amount} cents offered"
    elif discount > customer.discount_amount:
        problem = "is no longer available to this customer"
    elif discount > max(0, eligible):
        problem = "cannot be more than the spend less tax and exemptions"
    else:
        return
    raise Rejection(
        422, error("order", "applied_discount_amount", f"Applied discount {problem}.", "invalid")
    )
