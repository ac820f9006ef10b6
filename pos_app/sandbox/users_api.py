"""The user endpoints (a user token with the page's permission): the user, their orders,
addresses, cards, LevelUp code and credit; and ``POST /v15/orders``, paid with a user token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from pos_app.sandbox import user_orders, users
from pos_app.sandbox.bodies import CreditCardBody, OrderBody, UserAddressBody
from pos_app.sandbox.gateway import (
    Caller,
    endpoint,
    tagged_tokens,
)
from pos_app.sandbox.paging import page_of, paged
from pos_app.sandbox.records import SandboxState


@endpoint("user", auth="user", permission="read_user_basic_info")
def user(state: SandboxState, caller: Caller, _: Any, __: Request) -> Any:
    assert caller.user is not None
    return users.user(caller.user)


@endpoint("order", auth="user", permission="read_user_orders")
def orders(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.user is not None
    page = page_of(request, "order")
    entries, more = users.user_orders(state, caller.user, page)
    return paged(request, page, entries, more)


@endpoint("user_address", auth="user", permission="manage_user_addresses")
def addresses(state: SandboxState, caller: Caller, _: Any, __: Request) -> Any:
    assert caller.user is not None
    return users.addresses(state, caller.user)


@endpoint(
    "user_address",
    auth="user",
    permission="manage_user_addresses",
    body=UserAddressBody,
    changes=True,
)
def add_address(state: SandboxState, caller: Caller, body: Any, _: Request) -> Any:
    assert caller.user is not None
    return users.add_address(state, caller.user, body)


@endpoint("credit_card", auth="user", permission="manage_user_payment_methods")
def credit_cards(state: SandboxState, caller: Caller, _: Any, __: Request) -> Any:
    assert caller.user is not None
    return users.credit_cards(caller.user)


@endpoint(
    "credit_card",
    auth="user",
    permission="manage_user_payment_methods",
    body=CreditCardBody,
    changes=True,
)
def add_credit_card(state: SandboxState, caller: Caller, _: Any, __: Request) -> Any:
    assert caller.user is not None
    return users.add_credit_card(caller.user)


@endpoint("qr_code", auth="user", permission="read_qr_code")
def qr_code(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.user is not None
    return users.qr_code(caller.user, dict(request.query_params))


@endpoint("credit", auth="user", permission="manage_user_campaigns")
def location_credit(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.user is not None
    return users.location_credit(state, caller.user, request.path_params["location_id"])


@endpoint("order", auth="merchant", body=OrderBody, changes=True)
def create_order(state: SandboxState, caller: Caller, body: Any, request: Request) -> Any:
    """The merchant's token, and the customer's as ``user="…"`` unless the body has a code."""
    assert caller.merchant is not None
    token = tagged_tokens(request.headers.get("authorization")).get("user")
    return user_orders.place(state, caller.merchant, token, body, lambda: datetime.now(UTC))


def user_routes() -> list[Route]:
    return [
        Route("/v15/users", user, methods=["GET"]),
        Route("/v15/users/orders", orders, methods=["GET"]),
        Route("/v15/user_addresses", addresses, methods=["GET"]),
        Route("/v15/user_addresses", add_address, methods=["POST"]),
        Route("/v15/credit_cards", credit_cards, methods=["GET"]),
        Route("/v15/credit_cards", add_credit_card, methods=["POST"]),
        Route("/v15/qr_codes", qr_code, methods=["GET"]),
        Route("/v15/locations/{location_id:int}/credit", location_credit, methods=["GET"]),
        Route("/v15/orders", create_order, methods=["POST"]),
    ]
