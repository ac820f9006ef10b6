"""What the sandbox remembers: merchants, customers, proposed and completed orders, refunds.

Plain pydantic records, so the whole state saves to and loads from one JSON file as is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from pos_app.domain.money import MAX_CENTS
from pos_app.levelup import qr


class _Record(BaseModel):
    model_config = ConfigDict(validate_assignment=False, extra="forbid")


class LocationRecord(_Record):
    id: int
    name: str
    address: str = ""
    tip_preference: str = "no preference"
    pos_location_identifier: str | None = None


class AppRecord(_Record):
    """A LevelUp app: its API key and client secret log in for an app access token."""

    id: int
    name: str
    api_key: str
    client_secret: str
    access_token: str


class MerchantRecord(_Record):
    id: int
    name: str
    api_key: str
    username: str
    password: str
    access_token: str
    app_id: int = 1
    user_id: int
    manager_confirmation: str | None = None
    """When set, refunds and detached refunds must carry this code."""
    locations: list[LocationRecord] = Field(default_factory=list)


Amount = Annotated[StrictInt, Field(ge=0, le=MAX_CENTS)]


class NewCustomer(_Record):
    """The admin API's ``POST /sandbox/customers`` body: a funding profile and a tip."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    card: StrictBool = True
    card_declines: StrictBool = False
    gift_card_amount: Amount = 0
    discount_amount: Amount = 0
    tip_percent: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    tip_amount: Annotated[StrictInt, Field(ge=0, le=qr.MAX_CENT_TIP)] | None = None
    color: Annotated[StrictInt, Field(ge=0, le=qr.MAX_COLOR)] = 0

    @model_validator(mode="after")
    def _one_tip(self) -> Self:
        if self.tip_percent is not None and self.tip_amount is not None:
            raise ValueError("give tip_percent or tip_amount, not both")
        return self


class CustomerRecord(NewCustomer):
    """A LevelUp customer and what they can pay with.

    ``discount_amount`` is merchant-funded credit (applied as a pre-tax discount);
    ``gift_card_amount`` is gift card credit; ``card`` a card on file, which ``card_declines``
    makes fail. ``card_charged_amount`` is what the card was charged, net of refunds.
    """

    id: int
    token: str
    card_charged_amount: int = 0
    email: str = ""
    access_token: str = ""
    """A user token with every user permission (the seed lists it for scripts)."""

    @property
    def code(self) -> qr.PaymentCode:
        tip: qr.Tip | None = None
        if self.tip_percent is not None:
            tip = qr.PercentTip(self.tip_percent)
        elif self.tip_amount is not None:
            tip = qr.CentTip(self.tip_amount)
        return qr.build(self.token, tip, self.color)

    @property
    def display_name(self) -> str:
        """``First L.``, as LevelUp shows a customer to merchants."""
        first, _, rest = self.name.partition(" ")
        return f"{first} {rest[0]}." if rest else first

    def public(self) -> dict[str, Any]:
        """The admin API's view, with the customer's payment code."""
        data = self.model_dump(exclude={"token", "color"})
        data["payment_token_data"] = self.code.data
        return data


class ProposedOrderRecord(_Record):
    uuid: str
    merchant_id: int
    location_id: int
    customer_id: int
    spend_amount: int
    tax_amount: int
    exemption_amount: int
    discount_amount: int
    created_at: datetime
    completed_order_uuid: str | None = None


class OrderRecord(_Record):
    """A completed order and where its money came from."""

    uuid: str
    proposed_order_uuid: str | None
    """None for a one-step ``POST /v15/orders`` order."""
    merchant_id: int
    location_id: int
    customer_id: int
    identifier_from_merchant: str | None = None
    cashier: str | None = None
    register_name: str | None = None
    requested_spend_amount: int
    requested_tip_amount: int
    spend_amount: int
    tip_amount: int
    total_amount: int
    tax_amount: int
    exemption_amount: int
    discount_amount: int
    gift_card_total_amount: int
    gift_card_tip_amount: int
    card_amount: int
    created_at: datetime
    refunded_at: datetime | None = None
    items: list[dict[str, Any]] | None = None


class DetachedRefundRecord(_Record):
    merchant_id: int
    location_id: int
    customer_id: int
    credit_amount: int
    cashier: str | None = None
    register_name: str | None = None
    identifier_from_merchant: str | None = None
    customer_facing_reason: str | None = None
    internal_reason: str | None = None
    refunded_at: datetime


class UserAddressRecord(_Record):
    id: int
    customer_id: int
    address_type: str
    street_address: str
    extended_address: str | None = None
    locality: str | None = None
    region: str | None = None
    postal_code: str


class PermissionsRequestRecord(_Record):
    """An app asking a customer (by email) for user permissions; ``token`` once accepted."""

    id: int
    app_id: int
    customer_id: int
    permission_keynames: list[str]
    state: str = "pending"
    token: str | None = None
    created_at: datetime


class SandboxState(_Record):
    """Everything the server knows; saved whole with ``--state``."""

    merchants: list[MerchantRecord] = Field(default_factory=list)
    customers: list[CustomerRecord] = Field(default_factory=list)
    proposed_orders: dict[str, ProposedOrderRecord] = Field(default_factory=dict)
    orders: dict[str, OrderRecord] = Field(default_factory=dict)
    detached_refunds: list[DetachedRefundRecord] = Field(default_factory=list)
    apps: list[AppRecord] = Field(default_factory=list)
    user_addresses: list[UserAddressRecord] = Field(default_factory=list)
    permissions_requests: list[PermissionsRequestRecord] = Field(default_factory=list)
