"""From a register's check to LevelUp's order bodies: the proposed and the completed order.

:class:`OrderContext` is what an order carries besides the check (location, register,
cashier, receipt message, the merchant's choices); :func:`proposed_order_request` and
:func:`completed_order_request` build the :mod:`~pos_app.levelup.wire` bodies from a
:class:`~pos_app.domain.Check` and the values :mod:`~pos_app.levelup.calculator` worked out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from pos_app.domain import Check, LineItem
from pos_app.levelup.calculator import AdjustedCheckValues
from pos_app.levelup.qr import PaymentCode
from pos_app.levelup.wire import (
    CompletedOrderRequest,
    Fee,
    FeeEnvelope,
    Item,
    ItemEnvelope,
    ProposedOrderRequest,
)


@dataclass(frozen=True)
class CustomerToken:
    """A customer's user token with ``create_orders``, from a permissions request they
    accepted: it pays in place of a scanned code. ``label`` names the customer safely (their
    email, masked); the token is kept out of ``repr`` and is never journaled."""

    token: SecretStr = field(repr=False)
    label: str

    def masked(self) -> str:
        return self.label


Payer = PaymentCode | CustomerToken
"""Who pays an order: a scanned code, or a customer's user token."""


def user_token(payer: Payer) -> SecretStr | None:
    """The user token to send in the ``Authorization`` header, for a :class:`CustomerToken`."""
    return payer.token if isinstance(payer, CustomerToken) else None


@dataclass(frozen=True)
class OrderContext:
    """What an order carries besides the check: where, who, and the merchant's choices."""

    location_id: int
    register: str | None = None
    cashier: str | None = None
    receipt_message_html: str | None = None
    partial_authorization_allowed: bool = True
    discount_only: bool = False


def items_from_check(check: Check) -> list[ItemEnvelope]:
    """The check's lines as LevelUp items, modifiers as children (SKU data is required for
    certification). Charged prices are after every non-LevelUp discount, the check's coupons
    included."""
    return [
        ItemEnvelope(item=_item_from_line(line, shares))
        for line, shares in zip(check.items, check.totals.check_discount_shares, strict=True)
    ]


def _item_from_line(line: LineItem, check_discount_shares: tuple[int, ...]) -> Item:
    own_share, *modifier_shares = check_discount_shares
    children = [
        ItemEnvelope(
            item=Item(
                name=modifier.name,
                description=modifier.description,
                charged_price_amount=line.modifier_charge(modifier) - share,
                quantity=count if (count := modifier.quantity * line.quantity) > 1 else None,
            )
        )
        for modifier, share in zip(line.modifiers, modifier_shares, strict=True)
    ]
    return Item(
        name=line.name,
        description=line.description or line.name,
        charged_price_amount=line.charged_price - own_share,
        quantity=line.quantity,
        sku=line.sku,
        upc=line.upc,
        category=line.category,
        standard_price_amount=line.standard_price,
        children=children or None,
    )


def fees_from_check(check: Check) -> list[FeeEnvelope]:
    """The check's fees with the tax each one carries."""
    return [
        FeeEnvelope(
            fee=Fee(name=fee.name, type=fee.type, charged_price_amount=fee.amount, tax_amount=tax)
        )
        for fee, tax in zip(check.fees, check.totals.fee_taxes, strict=False)
    ]


def _order_fields(
    check: Check,
    payer: Payer,
    values: AdjustedCheckValues,
    context: OrderContext,
    tip_amount: int,
) -> dict[str, Any]:
    code = SecretStr(payer.data) if isinstance(payer, PaymentCode) else None
    return {
        "location_id": context.location_id,
        "payment_token_data": code,
        "spend_amount": values.spend_amount,
        "tax_amount": values.tax_amount,
        "exemption_amount": values.exemption_amount,
        "identifier_from_merchant": check.identifier,
        "cashier": context.cashier,
        "register": context.register,
        "receipt_message_html": context.receipt_message_html,
        "partial_authorization_allowed": context.partial_authorization_allowed,
        "discount_only": context.discount_only,
        "tip_amount": tip_amount,
        "items": items_from_check(check),
        "fees": fees_from_check(check) or None,
    }


def proposed_order_request(
    check: Check,
    payer: Payer,
    values: AdjustedCheckValues,
    context: OrderContext,
    *,
    tip_amount: int = 0,
) -> ProposedOrderRequest:
    """The proposed order for paying ``values`` of ``check`` by ``payer``."""
    return ProposedOrderRequest.parse(_order_fields(check, payer, values, context, tip_amount))


def completed_order_request(
    check: Check,
    payer: Payer,
    values: AdjustedCheckValues,
    context: OrderContext,
    *,
    proposed_order_uuid: str,
    applied_discount_amount: int | None,
    tip_amount: int = 0,
) -> CompletedOrderRequest:
    """The completed order following proposed order ``proposed_order_uuid``.

    ``check`` is read after the proposed discount was applied; ``applied_discount_amount`` is
    ``None`` when the register does not take LevelUp discounts.
    """
    return CompletedOrderRequest.parse(
        {
            **_order_fields(check, payer, values, context, tip_amount),
            "proposed_order_uuid": proposed_order_uuid,
            "applied_discount_amount": applied_discount_amount,
        }
    )
