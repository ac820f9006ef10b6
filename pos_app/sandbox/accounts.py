"""The sandbox's accounts: merchants with their logins and locations, customers with their codes.

Functions over the :class:`~pos_app.sandbox.records.SandboxState`; the caller holds the
ledger's lock.
"""

from __future__ import annotations

import secrets
import string

from pydantic import SecretStr

from pos_app.levelup import qr
from pos_app.levelup.wire import AccessToken, AccessTokenRequest
from pos_app.sandbox.records import (
    CustomerRecord,
    LocationRecord,
    MerchantRecord,
    NewCustomer,
    SandboxState,
)
from pos_app.sandbox.rejections import Rejection, bad_user_token, error, not_authorized

MAX_TIP_PERCENT = 100
"""LevelUp's ``qr_codes`` endpoint limits ``tip_percent`` to 100."""

BAD_CODE = "We couldn't recognize that as a valid LevelUp Code. Perhaps scan again?"


def merchant_for_token(state: SandboxState, token: str) -> MerchantRecord | None:
    return next((m for m in state.merchants if m.access_token == token), None)


def login(state: SandboxState, request: AccessTokenRequest) -> AccessToken:
    api_key = request.api_key.get_secret_value()
    known = [m for m in state.merchants if m.api_key == api_key]
    if not known:
        raise Rejection(422, error("access_token", "api_key", "Api key is invalid."))
    password = request.password.get_secret_value()
    for merchant in known:
        if merchant.username.lower() == request.username.lower() and secrets.compare_digest(
            merchant.password, password
        ):
            return AccessToken(
                token=SecretStr(merchant.access_token),
                app_id=merchant.app_id,
                merchant_id=merchant.id,
                user_id=merchant.user_id,
            )
    raise Rejection(
        422,
        error("access_token", "base", "The email address or password you provided is incorrect."),
    )


def find_location(
    state: SandboxState, location_id: int
) -> tuple[MerchantRecord, LocationRecord] | None:
    """The location ``location_id`` and the merchant it belongs to."""
    for merchant in state.merchants:
        for location in merchant.locations:
            if location.id == location_id:
                return merchant, location
    return None


def require_own_location(
    state: SandboxState, merchant: MerchantRecord, location_id: int, obj: str
) -> None:
    """Refuse an order at a location that does not exist (422) or is not ``merchant``'s (401)."""
    found = find_location(state, location_id)
    if found is None:
        raise Rejection(422, error(obj, "location_id", "Location can't be blank", "not_found"))
    if found[0].id != merchant.id:
        raise not_authorized(obj)


def customer_for_code(state: SandboxState, text: str, obj: str) -> CustomerRecord:
    """The customer whose payment code ``text`` is; 422 for a bad or unknown code."""
    try:
        code = qr.parse(text)
    except qr.InvalidPaymentCode:
        raise Rejection(422, error(obj, "base", BAD_CODE)) from None
    if isinstance(code.tip, qr.PercentTip) and code.tip.percent > MAX_TIP_PERCENT:
        raise Rejection(
            422, error(obj, "payment_token_data", "Payment preferences are invalid.", "invalid")
        )
    token = code.data[4:24]
    for customer in state.customers:
        if customer.token == token:
            return customer
    raise Rejection(422, error(obj, "payment_token_data", "Payment token is invalid.", "invalid"))


def customer(state: SandboxState, customer_id: int) -> CustomerRecord:
    return next(c for c in state.customers if c.id == customer_id)


def require_confirmation(merchant: MerchantRecord, given: str | None, obj: str) -> None:
    """Refuse a refund without the merchant's manager confirmation, when it has one."""
    expected = merchant.manager_confirmation
    if expected is not None and not secrets.compare_digest(expected, given or ""):
        raise Rejection(
            422, error(obj, "manager_confirmation", "Manager confirmation was incorrect.")
        )


def add_customer(state: SandboxState, profile: NewCustomer) -> CustomerRecord:
    """A new customer with a fresh payment code."""
    number = max((c.id for c in state.customers), default=0) + 1
    customer = CustomerRecord(
        id=number,
        token=_new_token(),
        email=f"customer{number}@customers.example",
        access_token=f"{1000 + number}-{secrets.token_hex(32)}",
        **profile.model_dump(),
    )
    state.customers.append(customer)
    return customer


def _new_token() -> str:
    alphabet = string.digits + string.ascii_uppercase
    return "".join(secrets.choice(alphabet) for _ in range(qr.TOKEN_LENGTH))


USER_PERMISSIONS = frozenset(
    {
        "create_orders",
        "edit_user_basic_info",
        "read_user_orders",
        "read_user_basic_info",
        "read_qr_code",
        "manage_user_campaigns",
        "manage_user_addresses",
        "manage_user_payment_methods",
    }
)
"""The user permissions of LevelUp's permissions list; a customer's own token has them all."""


def user_for_token(state: SandboxState, token: str) -> tuple[CustomerRecord, frozenset[str]] | None:
    """The customer a user token stands for, and its permissions: every one for the
    customer's own token, those granted for a token from an accepted permissions request."""
    for own in state.customers:
        if own.access_token and own.access_token == token:
            return own, USER_PERMISSIONS
    for asked in state.permissions_requests:
        if asked.token is not None and asked.token == token:
            granted = frozenset(asked.permission_keynames)
            return customer(state, asked.customer_id), granted
    return None


def order_payer(
    state: SandboxState, user_token: str | None, code: SecretStr | None
) -> tuple[CustomerRecord, str | None]:
    """Who pays an order, and the code they scanned (None when they pay with a user token):
    the customer of ``user_token`` (``user="…"`` in the ``Authorization`` header, which must
    carry ``create_orders``; it wins over a code in the body), else the customer whose code
    the body holds; 422 for neither."""
    if user_token is not None:
        found = user_for_token(state, user_token)
        if found is None or "create_orders" not in found[1]:
            raise bad_user_token("order", "create_orders")
        return found[0], None
    if code is None:
        raise Rejection(
            422,
            error("order", "payment_token_data", "Payment token data can't be blank", "blank"),
        )
    text = code.get_secret_value()
    return customer_for_code(state, text, "order"), text
