"""The app endpoints: app access tokens, users an app creates, its locations, and its
permissions requests (and the customer's view of their pending one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pos_app.sandbox import apps
from pos_app.sandbox.bodies import AppTokenRequest, AppUserRequest, PermissionsRequestBody
from pos_app.sandbox.gateway import Caller, endpoint, json_of
from pos_app.sandbox.paging import page_of, paged
from pos_app.sandbox.records import SandboxState
from pos_app.sandbox.rejections import Rejection

Endpoint = Callable[[Request], Awaitable[Response]]


def _now() -> datetime:
    return datetime.now(UTC)


@endpoint("access_token", auth="none", body=AppTokenRequest, bare_body=True)
def app_token(state: SandboxState, _: Caller, body: Any, __: Request) -> Any:
    return apps.app_token(state, body)


def with_app_tokens(merchant_login: Endpoint) -> Endpoint:
    """``POST /v15/access_tokens``: an app's token when the body has a ``client_secret``
    (bare or in its envelope), else ``merchant_login``'s user or merchant token."""

    async def access_tokens(request: Request) -> Response:
        try:
            document = await json_of(request)
        except Rejection:
            return await merchant_login(request)
        inner = document.get("access_token") if isinstance(document, dict) else None
        for part in (document, inner):
            if isinstance(part, dict) and "client_secret" in part:
                return await app_token(request)
        return await merchant_login(request)

    return access_tokens


@endpoint("location", auth="app")
def app_locations(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.app is not None
    page = page_of(request, "location")
    entries, more = apps.app_locations(state, caller.app, request.path_params["app_id"], page)
    return paged(request, page, entries, more)


@endpoint("user", auth="none", body=AppUserRequest, bare_body=True, changes=True)
def app_users(state: SandboxState, _: Caller, body: Any, __: Request) -> Any:
    return apps.create_user(state, body, _now)


@endpoint("permissions_request", auth="app", body=PermissionsRequestBody, changes=True)
def create_permissions_request(state: SandboxState, caller: Caller, body: Any, _: Request) -> Any:
    assert caller.app is not None
    return apps.request_permissions(state, caller.app, body, _now)


@endpoint("permissions_request", auth="app")
def show_permissions_request(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.app is not None
    return apps.shown_to_app(state, caller.app, request.path_params["request_id"])


@endpoint("permissions_request", auth="user")
def pending_permissions_request(state: SandboxState, caller: Caller, _: Any, __: Request) -> Any:
    assert caller.user is not None
    return apps.pending_for(state, caller.user)


def app_routes() -> list[Route]:
    return [
        Route("/v14/apps/{app_id:int}/locations", app_locations, methods=["GET"]),
        Route("/v15/apps/users", app_users, methods=["POST"]),
        Route("/v15/apps/permissions_requests", create_permissions_request, methods=["POST"]),
        Route(
            "/v15/apps/permissions_requests/{request_id:int}",
            show_permissions_request,
            methods=["GET"],
        ),
        Route("/v15/permissions_requests", pending_permissions_request, methods=["GET"]),
    ]
