"""The sandbox's own API under ``/sandbox/``: seed data, customers, orders and faults, for
tests, demos and support. Open to loopback clients; others need a merchant token."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos_app.sandbox import apps
from pos_app.sandbox.faults import FaultRule
from pos_app.sandbox.records import NewCustomer
from pos_app.sandbox.services import Services, merchant_token

AdminHandler = Callable[[Request, Services], Awaitable[Response]]


def _admin(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        services: Services = request.app.state.services
        if not _is_loopback(request):
            token = merchant_token(request.headers.get("authorization"))
            if token is None or services.ledger.merchant_for_token(token) is None:
                return JSONResponse(
                    {"error": "The sandbox admin API needs a merchant token off loopback."},
                    status_code=401,
                )
        return await handler(request, services)

    return endpoint


def _is_loopback(request: Request) -> bool:
    if request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


_M = TypeVar("_M", bound=BaseModel)


async def _body(request: Request, model: type[_M]) -> _M | JSONResponse:
    try:
        return model.model_validate(json.loads(await request.body() or b"{}"))
    except ValueError as exc:
        problems = (
            [f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()]
            if isinstance(exc, ValidationError)
            else ["the body is not JSON"]
        )
        return JSONResponse({"errors": problems}, status_code=422)


@_admin
async def seed(request: Request, services: Services) -> Response:
    return JSONResponse(services.ledger.seed_view())


@_admin
async def decide_permissions_request(request: Request, services: Services) -> Response:
    """The customer accepts or rejects an app's permissions request, as in their app."""
    decision = request.path_params["decision"]
    if decision not in ("accept", "reject"):
        return JSONResponse({"error": "Accept or reject, nothing else."}, status_code=404)
    try:
        with services.ledger.holding(changes=True) as state:
            decided = apps.decide(state, request.path_params["request_id"], decision == "accept")
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    if decided is None:
        return JSONResponse({"error": "No such permissions request."}, status_code=404)
    return JSONResponse(decided)


@_admin
async def customers(request: Request, services: Services) -> Response:
    if request.method == "GET":
        return JSONResponse(services.ledger.customers())
    profile = await _body(request, NewCustomer)
    if isinstance(profile, JSONResponse):
        return profile
    customer = services.ledger.add_customer(profile)
    return JSONResponse({"customer": customer.public()}, status_code=201)


@_admin
async def orders(request: Request, services: Services) -> Response:
    return JSONResponse(services.ledger.orders())


@_admin
async def faults(request: Request, services: Services) -> Response:
    if request.method == "DELETE":
        services.faults.clear()
        return Response(status_code=204)
    if request.method == "GET":
        return JSONResponse([rule.model_dump() for rule in services.faults.rules()])
    rule = await _body(request, FaultRule)
    if isinstance(rule, JSONResponse):
        return rule
    services.faults.add(rule)
    return JSONResponse({"fault": rule.model_dump()}, status_code=201)


@_admin
async def reset(request: Request, services: Services) -> Response:
    services.reset()
    return Response(status_code=204)


def admin_routes() -> list[Route]:
    return [
        Route("/sandbox/seed", seed, methods=["GET"]),
        Route("/sandbox/customers", customers, methods=["GET", "POST"]),
        Route("/sandbox/orders", orders, methods=["GET"]),
        Route("/sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/sandbox/reset", reset, methods=["POST"]),
        Route(
            "/sandbox/permissions_requests/{request_id:int}/{decision:str}",
            decide_permissions_request,
            methods=["POST"],
        ),
    ]
