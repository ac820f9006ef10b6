"""The v15 wire format: typed request and response bodies, as LevelUp sends and takes them.

Every body travels in a one-key envelope named after its object (``{"completed_order": {...}}``,
``{"order": {...}}``); :meth:`Request.to_body` and :meth:`Response.from_body` add and remove
it. Optional fields that are unset are left out of a body, except the few LevelUp requires to
be present even when null (``applied_discount_amount``). Unknown fields are ignored when
parsing, as LevelUp's own server did.

Credentials (``payment_token_data``, passwords, tokens, ``manager_confirmation``) are
:class:`~pydantic.SecretStr`: masked in ``repr`` and ``str``, sent in clear only by ``to_body``.

The field types and the envelope every body builds on are :mod:`pos_app.levelup.envelope`.
This module knows bodies only, never the register's checks: building order bodies from a
:class:`~pos_app.domain.Check` is :mod:`pos_app.levelup.orders`.
"""

from __future__ import annotations

import builtins
from html.parser import HTMLParser
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AliasChoices,
    AwareDatetime,
    Field,
    Strict,
    StringConstraints,
    field_validator,
    model_validator,
)

from pos_app.domain.items import FeeType
from pos_app.domain.money import MAX_CENTS
from pos_app.levelup.envelope import (
    Amount,
    Body,
    Flag,
    Id,
    Identifier,
    LongText,
    Request,
    Response,
    Secret,
    ShortText,
    unwrap,
)

RECEIPT_HTML_MAX = 1000
RECEIPT_HTML_TAGS = frozenset({"a", "br", "p", "strong"})


# ----- errors ---------------------------------------------------------------------------------


class ErrorObject(Body):
    """One entry of LevelUp's error list: ``{"error": {object, property, message, ...}}``."""

    object: str = ""
    property: str = ""
    message: str = ""
    code: str | None = None
    origin: str | None = None

    @builtins.property  # the field named ``property`` hides the builtin in this class body
    def field(self) -> str:
        """``object.property``, e.g. ``order.base``."""
        return ".".join(part for part in (self.object, self.property) if part)

    def to_body(self) -> dict[str, Any]:
        return {"error": self.to_json_dict()}


def parse_errors(body: object) -> list[ErrorObject]:
    """The error list of an error response; ``ValueError`` if the body is not one."""
    if not isinstance(body, list):
        raise ValueError("Expected a list of errors.")
    return [ErrorObject.parse(unwrap(entry, "error")) for entry in body]


def errors_body(*errors: ErrorObject) -> list[dict[str, Any]]:
    """An error response body, as LevelUp sends it."""
    return [error.to_body() for error in errors]


# ----- access tokens and locations ------------------------------------------------------------


class AccessTokenRequest(Request):
    """``POST /v15/access_tokens``: the merchant's login, exchanged once for a token."""

    envelope = "access_token"

    api_key: Secret = Field(validation_alias=AliasChoices("api_key", "client_id"))
    username: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    password: Secret


class AccessToken(Response):
    envelope = "access_token"

    token: Secret
    app_id: int | None = None
    merchant_id: int | None = None
    user_id: int | None = None

    @property
    def is_merchant(self) -> bool:
        return (self.merchant_id or 0) > 0


class Location(Response):
    """A location, from ``GET /v15/managed_locations`` or ``GET /v15/locations/:id``."""

    envelope = "location"

    id: Id
    name: str | None = None
    merchant_id: int | None = None
    merchant_name: str | None = None
    address: str | None = None
    pos_location_identifier: str | None = None
    tip_preference: str | None = None


# ----- orders ---------------------------------------------------------------------------------


class Item(Body):
    """An order item, or a child of one (a modifier). Children need no quantity."""

    name: Annotated[str, StringConstraints(min_length=1)]
    description: str
    charged_price_amount: Amount
    quantity: Annotated[int, Strict(), Field(ge=1)] | None = None
    sku: str | None = None
    upc: str | None = None
    category: str | None = None
    standard_price_amount: Amount | None = None
    children: list[ItemEnvelope] | None = None


class ItemEnvelope(Body):
    item: Item


Item.model_rebuild()


class Fee(Body):
    """A fee on an order, collected by the merchant."""

    type: FeeType
    charged_price_amount: Amount
    collector: Literal["merchant"] = "merchant"
    name: str | None = None
    tax_amount: Amount | None = None


class FeeEnvelope(Body):
    fee: Fee


class _OrderRequest(Request):
    """A proposed or completed order. ``payment_token_data`` is the scanned code; an order
    paid with a customer's user token (``user=`` in the ``Authorization`` header) has none."""

    location_id: Id
    payment_token_data: Secret | None = None
    spend_amount: Amount
    tax_amount: Amount
    exemption_amount: Amount | None = None
    identifier_from_merchant: Identifier | None = None
    cashier: ShortText | None = None
    register_name: ShortText | None = Field(None, alias="register")
    receipt_message_html: str | None = None
    partial_authorization_allowed: Flag | None = None
    discount_only: Flag | None = None
    tip_amount: Amount | None = None
    items: list[ItemEnvelope] | None = None
    fees: list[FeeEnvelope] | None = None

    @field_validator("receipt_message_html")
    @classmethod
    def _receipt_html(cls, value: str | None) -> str | None:
        return None if value is None else check_receipt_html(value)

    @model_validator(mode="after")
    def _top_level_items_have_quantities(self) -> Self:
        for entry in self.items or ():
            if entry.item.quantity is None:
                raise ValueError(f"Item {entry.item.name!r} needs a quantity.")
        return self


class ProposedOrderRequest(_OrderRequest):
    """``POST /v15/proposed_orders``."""

    envelope = "proposed_order"


class CompletedOrderRequest(_OrderRequest):
    """``POST /v15/completed_orders``: the proposed order, plus the discount applied."""

    envelope = "completed_order"
    nullable = frozenset({"applied_discount_amount"})

    proposed_order_uuid: Annotated[str, StringConstraints(min_length=1)]
    applied_discount_amount: Annotated[int, Strict()] | None


class ProposedOrder(Response):
    """The proposed order's answer: the merchant-funded discount to apply before tax."""

    envelope = "proposed_order"

    uuid: str
    discount_amount: Amount = 0


class CompletedOrder(Response):
    """What LevelUp approved. ``spend_amount`` may be less than asked (partial authorization)."""

    envelope = "order"

    uuid: str
    spend_amount: Amount
    tip_amount: Amount = 0
    total_amount: Amount = 0
    gift_card_total_amount: Amount = 0
    gift_card_tip_amount: Amount = 0


class RefundRequest(Request):
    """``POST /v15/orders/:uuid/refund``; the body is needed only with a manager code."""

    envelope = "refund"

    manager_confirmation: Secret | None = None


class MerchantOrder(Response):
    """The merchant's view of an order: refund answers, order details and location listings.

    Each endpoint fills a different subset of these fields.
    """

    envelope = "order"
    nullable = frozenset({"refunded_at"})

    uuid: str
    created_at: AwareDatetime | None = None
    transacted_at: AwareDatetime | None = None
    refunded_at: AwareDatetime | None = None
    refund_source: str | None = None
    location_id: int | None = None
    merchant_id: int | None = None
    merchant_name: str | None = None
    loyalty_id: int | None = None
    user_display_name: str | None = None
    identifier_from_merchant: str | None = None
    cashier: str | None = None
    register_name: str | None = Field(None, alias="register")
    spend_amount: int | None = None
    tip_amount: int | None = None
    total_amount: int | None = None
    tax_amount: int | None = None
    exemption_amount: int | None = None
    earn_amount: int | None = None
    merchant_funded_credit_amount: int | None = None
    requested_spend_amount: int | None = None
    requested_tip_amount: int | None = None
    requested_total_amount: int | None = None
    items: list[ItemEnvelope] | None = None

    @property
    def is_refunded(self) -> bool:
        return self.refunded_at is not None


class GiftCardCreditRequest(Request):
    """``POST /v15/locations/:id/get_merchant_funded_gift_card_credit``."""

    envelope = "get_merchant_funded_gift_card_credit"

    payment_token_data: Secret


class GiftCardCredit(Response):
    envelope = "merchant_funded_gift_card_credit"

    total_amount: Amount


class DetachedRefundRequest(Request):
    """``POST /v15/detached_refunds``: credit a customer without an order to refund."""

    envelope = "detached_refund"

    location_id: Id
    payment_token_data: Secret
    credit_amount: Annotated[int, Strict(), Field(ge=1, le=MAX_CENTS)]
    cashier: ShortText | None = None
    register_name: ShortText | None = Field(None, alias="register")
    identifier_from_merchant: ShortText | None = None
    manager_confirmation: Secret | None = None
    customer_facing_reason: LongText | None = None
    internal_reason: LongText | None = None


class DetachedRefund(Response):
    envelope = "detached_refund"
    nullable = frozenset(
        {
            "cashier",
            "customer_facing_reason",
            "identifier_from_merchant",
            "internal_reason",
            "register",
            "refunded_at",
        }
    )

    credit_amount: Amount
    location_id: int | None = None
    loyalty_id: int | None = None
    refunded_at: AwareDatetime | None = None
    cashier: str | None = None
    register_name: str | None = Field(None, alias="register")
    identifier_from_merchant: str | None = None
    customer_facing_reason: str | None = None
    internal_reason: str | None = None


# ----- receipt HTML ---------------------------------------------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.add(tag)


def check_receipt_html(html: str) -> str:
    """Return ``html`` if LevelUp takes it as a receipt message: at most 1000 characters of
    text using only the ``a``, ``br``, ``p`` and ``strong`` tags."""
    if len(html) > RECEIPT_HTML_MAX:
        raise ValueError(
            f"A receipt message has at most {RECEIPT_HTML_MAX} characters, not {len(html)}."
        )
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    other = sorted(collector.tags - RECEIPT_HTML_TAGS)
    if other:
        raise ValueError(
            "A receipt message may use only <a>, <br>, <p> and <strong>, not "
            + ", ".join(f"<{tag}>" for tag in other)
            + "."
        )
    return html
