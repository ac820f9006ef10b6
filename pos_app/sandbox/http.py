"""The sandbox's HTTP face: LevelUp's conventions around the :class:`Ledger`.

Every LevelUp endpoint goes through :func:`_endpoint`, which does what all of them share:
content negotiation (406), the merchant token in any documented ``Authorization`` form (401
with ``WWW-Authenticate``), JSON parsing (400), body validation (422 in LevelUp's error shape),
and turning a :class:`Rejection` into its answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_app.levelup import envelope
from pos_app.levelup.wire import (
    AccessTokenRequest,
    CompletedOrderRequest,
    DetachedRefundRequest,
    GiftCardCreditRequest,
    ProposedOrderRequest,
    RefundRequest,
    errors_body,
)
from pos_app.sandbox.admin import admin_routes
from pos_app.sandbox.apps_api import app_routes, with_app_tokens
from pos_app.sandbox.faults import FaultBook, FaultMiddleware
from pos_app.sandbox.gateway import negotiate, parse, rejection_response, tagged_tokens
from pos_app.sandbox.ledger import Ledger
from pos_app.sandbox.merchant_v14 import merchant_routes
from pos_app.sandbox.records import MerchantRecord
from pos_app.sandbox.rejections import Rejection, error
from pos_app.sandbox.services import Services, merchant_token
from pos_app.sandbox.users_api import user_routes

Handler = Callable[[Request, Services, MerchantRecord | None, Any], Awaitable[Any]]


def _endpoint(
    obj: str,
    *,
    body: type[envelope.Request] | None = None,
    auth: bool = True,
    silent_401: bool = False,
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler with LevelUp's conventions. ``obj`` names the object in error bodies;
    ``body`` is the request model (its envelope is unwrapped); ``silent_401`` sends 401
    without a body, as the listing and detached refund endpoints do."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            services: Services = request.app.state.services
            try:
                negotiate(request)
                merchant = _authenticate(request, services, obj, silent_401) if auth else None
                parsed = await parse(request, body, obj) if body is not None else None
                result = await handler(request, services, merchant, parsed)
            except Rejection as rejection:
                return rejection_response(rejection)
            if isinstance(result, Response):
                return result
            if isinstance(result, envelope.Response):
                return JSONResponse(result.to_body())
            return JSONResponse([entry.to_body() for entry in result])

        return endpoint

    return wrap


def _authenticate(request: Request, services: Services, obj: str, silent: bool) -> MerchantRecord:
    token = merchant_token(request.headers.get("authorization"))
    merchant = services.ledger.merchant_for_token(token) if token else None
    if merchant is None:
        if silent:
            raise Rejection(401, empty=True, bad_token=True)
        raise Rejection(
            401,
            error(
                obj,
                "merchant_token",
                "Not authorized: the merchant token is missing or invalid.",
                "not_authorized",
            ),
            bad_token=True,
        )
    return merchant


# ----- the endpoints ----------------------------------------------------------------------


@_endpoint("access_token", body=AccessTokenRequest, auth=False)
async def access_tokens(request: Request, services: Services, _: Any, body: Any) -> Any:
    return services.ledger.login(body)


@_endpoint("location")
async def managed_locations(request: Request, services: Services, merchant: Any, _: Any) -> Any:
    return services.ledger.managed_locations(merchant)


@_endpoint("location")
async def location(request: Request, services: Services, merchant: Any, _: Any) -> Any:
    return services.ledger.location(merchant, request.path_params["location_id"])


@_endpoint("order", body=ProposedOrderRequest)
async def proposed_orders(request: Request, services: Services, merchant: Any, body: Any) -> Any:
    return services.ledger.propose(merchant, body, _user_token(request))


@_endpoint("order", body=CompletedOrderRequest)
async def completed_orders(request: Request, services: Services, merchant: Any, body: Any) -> Any:
    return services.ledger.complete(merchant, body, _user_token(request))


def _user_token(request: Request) -> str | None:
    """The customer's token beside the merchant's (``user="…"``), paying in place of a code."""
    return tagged_tokens(request.headers.get("authorization")).get("user")


@_endpoint("refund", body=RefundRequest)
async def refund(request: Request, services: Services, merchant: Any, body: Any) -> Any:
    secret = body.manager_confirmation
    return services.ledger.refund(
        merchant, request.path_params["uuid"], secret.get_secret_value() if secret else None
    )


@_endpoint("merchant_funded_gift_card_credit", body=GiftCardCreditRequest, silent_401=True)
async def gift_card_credit(request: Request, services: Services, merchant: Any, body: Any) -> Any:
    return services.ledger.gift_card_credit(
        merchant, request.path_params["location_id"], body.payment_token_data.get_secret_value()
    )


@_endpoint("detached_refund", body=DetachedRefundRequest, silent_401=True)
async def detached_refunds(request: Request, services: Services, merchant: Any, body: Any) -> Any:
    return services.ledger.detached_refund(merchant, body)


@_endpoint("order")
async def merchant_order(request: Request, services: Services, merchant: Any, _: Any) -> Any:
    params = request.path_params
    return services.ledger.order_details(merchant, params["merchant_id"], params["uuid"])


@_endpoint("order", silent_401=True)
async def location_orders(request: Request, services: Services, merchant: Any, _: Any) -> Any:
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        raise Rejection(422, error("order", "page", "Page must be a whole number from 1."))
    orders, more = services.ledger.location_orders(
        merchant, request.path_params["location_id"], page
    )
    if not orders:
        return Response(status_code=204)
    headers = {}
    if more:
        following = request.url.include_query_params(page=page + 1)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse([order.to_body() for order in orders], headers=headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths answer in LevelUp's error shape, as everything else does."""
    return JSONResponse(
        errors_body(error("request", "path", f"No such endpoint: {request.url.path}")),
        status_code=404,
    )


class _LevelUpHeaders:
    """Adds ``Server: LevelUp`` (clients trust 401/404/501 only with it) and a request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"server", b"LevelUp"),
                    (b"x-request-id", secrets.token_hex(8).encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(ledger: Ledger | None = None, faults: FaultBook | None = None) -> Starlette:
    """The sandbox as an ASGI app. Its :class:`Services` are at ``app.state.services``."""
    services = Services(ledger or Ledger.open(), faults or FaultBook())
    routes = [
        Route("/v15/access_tokens", with_app_tokens(access_tokens), methods=["POST"]),
        Route("/v15/managed_locations", managed_locations, methods=["GET"]),
        Route("/v15/locations/{location_id:int}", location, methods=["GET"]),
        Route("/v15/proposed_orders", proposed_orders, methods=["POST"]),
        Route("/v15/completed_orders", completed_orders, methods=["POST"]),
        Route("/v15/orders/{uuid}/refund", refund, methods=["POST"]),
        Route(
            "/v15/locations/{location_id:int}/get_merchant_funded_gift_card_credit",
            gift_card_credit,
            methods=["POST"],
        ),
        Route("/v15/detached_refunds", detached_refunds, methods=["POST"]),
        Route("/v15/merchants/{merchant_id:int}/orders/{uuid}", merchant_order, methods=["GET"]),
        Route("/v14/locations/{location_id:int}/orders", location_orders, methods=["GET"]),
        *merchant_routes(),
        *app_routes(),
        *user_routes(),
        *admin_routes(),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found})
    app.state.services = services
    app.add_middleware(FaultMiddleware, book=services.faults)
    app.add_middleware(_LevelUpHeaders)
    return app
