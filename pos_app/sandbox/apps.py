"""Apps: their access tokens, the users they create, their locations, and the permissions
requests they send to customers (pending until the customer accepts or rejects).

Functions over the :class:`~pos_app.sandbox.records.SandboxState`; the caller holds the
ledger's lock.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pos_app.sandbox import accounts
from pos_app.sandbox.bodies import AppTokenRequest, AppUserRequest, PermissionsRequestBody
from pos_app.sandbox.records import (
    AppRecord,
    CustomerRecord,
    NewCustomer,
    PermissionsRequestRecord,
    SandboxState,
)
from pos_app.sandbox.rejections import Rejection, error

APP_LOCATIONS_PAGE_SIZE = 2
"""Locations per page of ``GET /v14/apps/:id/locations`` (small, so paging shows)."""

DESCRIPTIONS = {
    "create_orders": "Create orders on your behalf",
    "edit_user_basic_info": "Update your name, email, birthday and gender",
    "read_user_orders": "Read your order history",
    "read_user_basic_info": "Read your name, email, birthday and gender",
    "read_qr_code": "Read your LevelUp code",
    "manage_user_campaigns": "See your credit and claim campaigns",
    "manage_user_addresses": "Read and add your addresses",
    "manage_user_payment_methods": "Manage your payment methods",
}
"""LevelUp's user permissions and what the customer is told each one allows."""


def app_for_key(state: SandboxState, api_key: str) -> AppRecord:
    app = next((a for a in state.apps if secrets.compare_digest(a.api_key, api_key)), None)
    if app is None:
        raise Rejection(422, error("access_token", "api_key", "API Key is invalid."))
    return app


def app_token(state: SandboxState, request: AppTokenRequest) -> dict[str, Any]:
    app = app_for_key(state, request.api_key.get_secret_value())
    if not secrets.compare_digest(app.client_secret, request.client_secret.get_secret_value()):
        raise Rejection(422, error("access_token", "client_secret", "Client secret is invalid."))
    return {
        "access_token": {
            "app_id": app.id,
            "merchant_id": None,
            "token": app.access_token,
            "user_id": None,
        }
    }


def app_locations(
    state: SandboxState, app: AppRecord, app_id: int, page: int
) -> tuple[list[dict[str, Any]], bool]:
    """Page ``page`` (from 1) of every location the app may see, and whether more follow."""
    if app_id != app.id:
        raise Rejection(404, error("app", "id", "App not found.", "not_found"))
    locations = [
        {
            "location": {
                "id": location.id,
                "merchant_id": merchant.id,
                "merchant_name": merchant.name,
                "name": location.name,
                "street_address": location.address,
            }
        }
        for merchant in state.merchants
        for location in merchant.locations
    ]
    start = (page - 1) * APP_LOCATIONS_PAGE_SIZE
    end = start + APP_LOCATIONS_PAGE_SIZE
    return locations[start:end], len(locations) > end


def create_user(
    state: SandboxState, request: AppUserRequest, clock: Callable[[], datetime]
) -> dict[str, Any]:
    """A new customer (no card yet) and a user token with the permissions asked for."""
    app = app_for_key(state, request.api_key.get_secret_value())
    _require_permissions(request.permission_keynames, "user")
    email = request.user.email.strip()
    if _customer_by_email(state, email) is not None:
        raise Rejection(
            422,
            error(
                "user",
                "email",
                "Email is already associated with another app powered by LevelUp.",
            ),
        )
    profile = NewCustomer(name=f"{request.user.first_name} {request.user.last_name}", card=False)
    customer = accounts.add_customer(state, profile)
    customer.email = email
    token = _grant(state, app, customer, request.permission_keynames, clock())
    return {
        "user": user_view(customer),
        "access_token": {"app_id": app.id, "token": token, "user_id": customer.id},
    }


def request_permissions(
    state: SandboxState,
    app: AppRecord,
    request: PermissionsRequestBody,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """Ask the customer with ``email``; a pending request of the same app is replaced."""
    _require_permissions(request.permission_keynames, "permissions_request")
    customer = _customer_by_email(state, request.email.strip())
    if customer is None:
        raise Rejection(
            422,
            error("permissions_request", "email", "No LevelUp user has that email.", "not_found"),
        )
    for earlier in state.permissions_requests:
        pending = earlier.state == "pending" and earlier.customer_id == customer.id
        if pending and earlier.app_id == app.id:
            earlier.state = "expired"
    asked = PermissionsRequestRecord(
        id=max((r.id for r in state.permissions_requests), default=0) + 1,
        app_id=app.id,
        customer_id=customer.id,
        permission_keynames=list(dict.fromkeys(request.permission_keynames)),
        created_at=clock(),
    )
    state.permissions_requests.append(asked)
    return app_view(state, asked)


def shown_to_app(state: SandboxState, app: AppRecord, request_id: int) -> dict[str, Any]:
    asked = _find(state, request_id)
    if asked is None or asked.app_id != app.id:
        raise Rejection(
            404, error("permissions_request", "id", "Permissions request not found.", "not_found")
        )
    return app_view(state, asked)


def pending_for(state: SandboxState, customer: CustomerRecord) -> dict[str, Any]:
    """The customer's newest pending request, as the customer's app shows it."""
    pending = [
        r
        for r in state.permissions_requests
        if r.customer_id == customer.id and r.state == "pending"
    ]
    if not pending:
        raise Rejection(
            404,
            error("permissions_request", "id", "No pending permissions request.", "not_found"),
        )
    asked = pending[-1]
    app = next(a for a in state.apps if a.id == asked.app_id)
    return {
        "permissions_request": {
            "accept_text": "Accept",
            "app_id": asked.app_id,
            "created_at": asked.created_at.isoformat(),
            "description": f"{app.name} has requested to be added to your LevelUp account "
            "and would like the following permissions",
            "id": asked.id,
            "reject_text": "Reject",
            "state": asked.state,
            "permissions": [
                {"permission": {"keyname": key, "description": DESCRIPTIONS[key]}}
                for key in asked.permission_keynames
            ],
        }
    }


def decide(state: SandboxState, request_id: int, accept: bool) -> dict[str, Any] | None:
    """The customer's answer (the admin API): accepting grants a token. ``None`` when there is
    no such request; ``ValueError`` when it is no longer pending."""
    asked = _find(state, request_id)
    if asked is None:
        return None
    if asked.state != "pending":
        raise ValueError(f"the permissions request is {asked.state}, not pending")
    if accept:
        asked.token = _new_user_token(asked.customer_id)
        asked.state = "accepted"
    else:
        asked.state = "rejected"
    return app_view(state, asked)


def accept_due(state: SandboxState, after: timedelta, now: datetime) -> bool:
    """Accept every pending request at least ``after`` old, as its customer would; whether
    any was."""
    due = [
        r
        for r in state.permissions_requests
        if r.state == "pending" and now - r.created_at >= after
    ]
    for asked in due:
        decide(state, asked.id, accept=True)
    return bool(due)


def app_view(state: SandboxState, asked: PermissionsRequestRecord) -> dict[str, Any]:
    customer = accounts.customer(state, asked.customer_id)
    return {
        "permissions_request": {
            "app_id": asked.app_id,
            "email": customer.email,
            "id": asked.id,
            "permission_keynames": asked.permission_keynames,
            "state": asked.state,
            "token": asked.token,
        }
    }


def user_view(customer: CustomerRecord) -> dict[str, Any]:
    """``GET /v15/users``'s ``user`` object."""
    first, _, last = customer.name.partition(" ")
    return {
        "born_at": None,
        "custom_attributes": {},
        "email": customer.email,
        "first_name": first,
        "gender": None,
        "global_credit_amount": 0,
        "id": customer.id,
        "last_name": last,
        "merchants_visited_count": 0,
        "orders_count": 0,
        "terms_accepted_at": None,
        "total_savings_amount": 0,
    }


def _grant(
    state: SandboxState, app: AppRecord, customer: CustomerRecord, keys: list[str], now: datetime
) -> str:
    """A user token for ``keys``, as an accepted request holds it."""
    token = _new_user_token(customer.id)
    state.permissions_requests.append(
        PermissionsRequestRecord(
            id=max((r.id for r in state.permissions_requests), default=0) + 1,
            app_id=app.id,
            customer_id=customer.id,
            permission_keynames=list(dict.fromkeys(keys)),
            state="accepted",
            token=token,
            created_at=now,
        )
    )
    return token


def _require_permissions(keys: list[str], obj: str) -> None:
    unknown = sorted(set(keys) - DESCRIPTIONS.keys())
    if unknown:
        raise Rejection(
            422,
            error(
                obj,
                "permission_keynames",
                f"Permission keynames are invalid: {', '.join(unknown)}.",
                "invalid",
            ),
        )


def _customer_by_email(state: SandboxState, email: str) -> CustomerRecord | None:
    wanted = email.lower()
    return next((c for c in state.customers if c.email and c.email.lower() == wanted), None)


def _find(state: SandboxState, request_id: int) -> PermissionsRequestRecord | None:
    return next((r for r in state.permissions_requests if r.id == request_id), None)


def _new_user_token(customer_id: int) -> str:
    alphabet = string.digits + "abcdef"
    return f"{1000 + customer_id}-" + "".join(secrets.choice(alphabet) for _ in range(64))
