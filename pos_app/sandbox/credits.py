"""The sandbox's credits outside orders: a customer's gift card balance, and detached refunds
(credit given back without an order to refund, which becomes merchant-funded credit).

Functions over the :class:`~pos_app.sandbox.records.SandboxState`; the caller holds the
ledger's lock and saves the state after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pos_app.levelup.wire import DetachedRefund, DetachedRefundRequest, GiftCardCredit
from pos_app.sandbox import accounts
from pos_app.sandbox.records import DetachedRefundRecord, MerchantRecord, SandboxState
from pos_app.sandbox.rejections import Rejection, error


def gift_card_credit(
    state: SandboxState, merchant: MerchantRecord, location_id: int, code_text: str
) -> GiftCardCredit:
    found = accounts.find_location(state, location_id)
    if found is None or found[0].id != merchant.id:
        raise Rejection(401, empty=True)
    try:
        customer = accounts.customer_for_code(state, code_text, "merchant_funded_gift_card_credit")
    except Rejection:
        raise Rejection(404, empty=True) from None
    return GiftCardCredit(total_amount=customer.gift_card_amount)


def detached_refund(
    state: SandboxState,
    merchant: MerchantRecord,
    request: DetachedRefundRequest,
    clock: Callable[[], datetime],
) -> DetachedRefund:
    """Credit a customer without an order: it becomes merchant-funded credit."""
    found = accounts.find_location(state, request.location_id)
    if found is None or found[0].id != merchant.id:
        raise Rejection(401, empty=True)
    customer = accounts.customer_for_code(
        state, request.payment_token_data.get_secret_value(), "detached_refund"
    )
    secret = request.manager_confirmation
    accounts.require_confirmation(
        merchant, secret.get_secret_value() if secret else None, "detached_refund"
    )
    orders = [
        o
        for o in state.orders.values()
        if o.customer_id == customer.id and o.merchant_id == merchant.id
    ]
    credited = sum(
        r.credit_amount
        for r in state.detached_refunds
        if r.customer_id == customer.id and r.merchant_id == merchant.id
    )
    # What can still be credited: spend not refunded, less credits already given.
    spent = sum(o.spend_amount for o in orders if o.refunded_at is None) - credited
    if not orders:
        raise Rejection(
            422,
            error(
                "detached_refund",
                "base",
                f"You can't refund {customer.display_name} because they've never "
                f"transacted at {merchant.name}.",
            ),
        )
    if request.credit_amount > spent:
        raise Rejection(
            422,
            error(
                "detached_refund",
                "credit_amount",
                f"Credit amount cannot be more than {customer.display_name} has ever "
                f"spent at {merchant.name}.",
            ),
        )
    record = DetachedRefundRecord(
        merchant_id=merchant.id,
        location_id=request.location_id,
        customer_id=customer.id,
        credit_amount=request.credit_amount,
        cashier=request.cashier,
        register_name=request.register_name,
        identifier_from_merchant=request.identifier_from_merchant,
        customer_facing_reason=request.customer_facing_reason,
        internal_reason=request.internal_reason,
        refunded_at=clock(),
    )
    customer.discount_amount += record.credit_amount
    state.detached_refunds.append(record)
    return DetachedRefund(
        credit_amount=record.credit_amount,
        location_id=record.location_id,
        loyalty_id=customer.id,
        refunded_at=record.refunded_at,
        cashier=record.cashier,
        register_name=record.register_name,
        identifier_from_merchant=record.identifier_from_merchant,
        customer_facing_reason=record.customer_facing_reason,
        internal_reason=record.internal_reason,
    )
