"""The request bodies of the app, user and legacy endpoints, as their v15 pages show them.

The POS's own bodies live in :mod:`pos_app.levelup.wire` and :mod:`pos_app.levelup.app_wire`
(an app token and permissions requests, which the register sends to pay by email); these are
the sandbox's alone, on the same :class:`~pos_app.levelup.envelope.Request` base.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pos_app.domain.money import MAX_CENTS
from pos_app.levelup.app_wire import (  # noqa: F401 - the register sends these too
    AppTokenRequest,
    Email,
    Keynames,
    PermissionsRequestBody,
)
from pos_app.levelup.envelope import (
    Amount,
    Flag,
    Id,
    Identifier,
    Request,
    Secret,
    ShortText,
)
from pos_app.levelup.wire import ItemEnvelope

Text = Annotated[str, StringConstraints(min_length=1, max_length=255)]

AddressType = Literal["billing", "delivery", "home", "other", "payment", "shipping", "work"]


class NewUser(Request):
    envelope = "user"

    email: Email
    first_name: Text
    last_name: Text
    phone: ShortText | None = None
    password: Secret | None = None


class AppUserRequest(Request):
    """``POST /v15/apps/users``: the app's API key, the user, the permissions wanted."""

    envelope = "app_user"

    api_key: Secret
    user: NewUser
    permission_keynames: Keynames


class UserAddressBody(Request):
    envelope = "user_address"

    address_type: AddressType
    street_address: Text
    extended_address: ShortText | None = None
    locality: ShortText | None = None
    region: ShortText | None = None
    postal_code: Text


class CreditCardBody(Request):
    """Card data encrypted on the client; the sandbox only checks that it is there."""

    envelope = "credit_card"

    encrypted_cvv: Secret
    encrypted_expiration_month: Secret
    encrypted_expiration_year: Secret
    encrypted_number: Secret
    postal_code: Text


class GiveCreditBody(Request):
    envelope = "merchant_funded_credit"

    email: Email
    merchant_id: Id
    value_amount: Annotated[int, Field(strict=True, ge=1, le=MAX_CENTS)]
    duration_in_seconds: Annotated[int, Field(strict=True, ge=1)] | None = None
    message: ShortText | None = None
    global_: Flag | None = Field(None, alias="global")


class OrderBody(Request):
    """``POST /v15/orders``: a one-step order, paid with a user token or a payment code."""

    envelope = "order"

    location_id: Id
    payment_token_data: Secret | None = None
    spend_amount: Amount
    tax_amount: Amount = 0
    exemption_amount: Amount | None = None
    applied_discount_amount: Amount | None = None
    available_gift_card_amount: Amount | None = None
    tip_amount: Amount | None = None
    identifier_from_merchant: Identifier | None = None
    cashier: ShortText | None = None
    register_name: ShortText | None = Field(None, alias="register")
    partial_authorization_allowed: Flag | None = None
    receipt_message_html: str | None = None
    items: list[ItemEnvelope] | None = None
