"""LevelUp's conventions, shared by every endpoint: content negotiation, JSON bodies, error
answers; and for the app, user and v14 endpoints, who is calling and with which token.

:func:`endpoint` wraps a handler, a plain function over the
:class:`~pos_app.sandbox.records.SandboxState`, with what every LevelUp endpoint shares:
content negotiation (406), JSON parsing (400), body validation (422), the caller's tokens in
any documented ``Authorization`` form (401 with ``WWW-Authenticate``), a user token's
permissions, and the ledger's lock around the handler (the state saved after a change).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pos_app.levelup import envelope
from pos_app.levelup.envelope import InvalidPayload
from pos_app.levelup.wire import ErrorObject, errors_body
from pos_app.sandbox import accounts
from pos_app.sandbox.accounts import user_for_token
from pos_app.sandbox.records import AppRecord, CustomerRecord, MerchantRecord, SandboxState
from pos_app.sandbox.rejections import Rejection, bad_token, bad_user_token, error
from pos_app.sandbox.services import Services, merchant_token

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'
MAX_BODY = 1 << 20
"""The largest request body the sandbox reads, in bytes."""
_ACCEPTABLE = ("application/json", "application/*", "*/*")
_PAIR = re.compile(r'(\w+)\s*=\s*"?([^",\s]*)"?')

Auth = Literal["none", "app", "merchant", "user"]


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: the records its tokens name."""

    app: AppRecord | None = None
    merchant: MerchantRecord | None = None
    user: CustomerRecord | None = None


Handler = Callable[[SandboxState, Caller, Any, Request], Any]


def endpoint(
    obj: str,
    *,
    auth: Auth,
    body: type[envelope.Request] | None = None,
    permission: str | None = None,
    changes: bool = False,
    bare_body: bool = False,
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap ``handler`` with LevelUp's conventions. ``obj`` names the object in error bodies;
    ``permission`` is the user permission the user token must carry; ``changes`` saves the
    state afterwards; ``bare_body`` also takes the body without its envelope, as some pages
    show it. The handler returns a :class:`Response`, a JSON-ready body or a list of them."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def route(request: Request) -> Response:
            services: Services = request.app.state.services
            try:
                negotiate(request)
                parsed = await parse(request, body, obj, bare_body) if body is not None else None
                with services.ledger.holding(changes=changes) as state:
                    caller = _identify(state, request, auth, permission, obj)
                    result = handler(state, caller, parsed, request)
            except Rejection as rejection:
                return rejection_response(rejection)
            if isinstance(result, Response):
                return result
            return JSONResponse(result)

        return route

    return wrap


def negotiate(request: Request) -> None:
    accept = request.headers.get("accept")
    if accept is not None and not accepts_json(accept):
        raise Rejection(
            406, error("request", "accept", "This API answers in application/json only.")
        )


def accepts_json(accept: str) -> bool:
    """Whether an ``Accept`` header admits ``application/json`` (a range with q > 0)."""
    for media_range in accept.split(","):
        kind, *params = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind.lower() in _ACCEPTABLE and quality > 0:
            return True
    return False


async def parse(
    request: Request, model: type[envelope.Request], obj: str, bare: bool = False
) -> envelope.Request:
    """The request's body as ``model``: 400 for unparseable JSON, 422 for invalid fields."""
    document = await json_of(request)
    if not isinstance(document, dict):
        raise Rejection(422, error(obj, "base", f"Expected a JSON object with {model.envelope!r}."))
    inner = document.get(model.envelope)
    if inner is None and bare:
        inner = document
    try:
        return model.parse(inner if inner is not None else {})
    except InvalidPayload as exc:
        raise Rejection(422, *validation_errors(exc, obj)) from None


async def json_of(request: Request) -> Any:
    """The body as JSON: 413 past :data:`MAX_BODY` bytes, 400 for unparseable or too deeply
    nested JSON (red team D18: a nested body was a 500, a 50 MB one was parsed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise _too_large()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise Rejection(
            400, error("request", "body", "The request contained invalid, unparseable JSON.")
        ) from None


def _too_large() -> Rejection:
    return Rejection(
        413, error("request", "body", f"The request body is larger than {MAX_BODY} bytes.")
    )


def validation_errors(exc: InvalidPayload, obj: str) -> list[ErrorObject]:
    """LevelUp's 422 error list for a body that failed validation."""
    errors = []
    for problem in exc.errors:
        path = [str(part) for part in problem["loc"]]
        prop = path[0] if path else "base"
        label = prop.replace("_", " ").capitalize()
        if problem["type"] == "missing" and len(path) == 1:
            message, code = f"{label} can't be blank", "blank"
        else:
            where = " → ".join(path[1:])
            detail = problem["msg"][0].lower() + problem["msg"][1:]
            message = f"{label} is invalid: {where + ': ' if where else ''}{detail}"
            code = "invalid"
        errors.append(error(obj, prop, message, code))
    return errors


def rejection_response(rejection: Rejection) -> Response:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if rejection.bad_token else None
    if rejection.empty:
        return Response(status_code=rejection.status, headers=headers)
    return JSONResponse(
        errors_body(*rejection.errors), status_code=rejection.status, headers=headers
    )


# ----- tokens -----------------------------------------------------------------------------


def tagged_tokens(header: str | None) -> dict[str, str]:
    """The ``name="token"`` pairs of an ``Authorization`` header (quoted or not, ``,`` or
    ``, `` between); empty for the untagged form."""
    credentials = _credentials(header)
    if credentials is None or "=" not in credentials:
        return {}
    return {name: value for name, value in _PAIR.findall(credentials) if value}


def user_token(header: str | None) -> str | None:
    """The user token of an ``Authorization`` header: ``user="…"`` or the untagged form."""
    credentials = _credentials(header)
    if credentials is not None and "=" not in credentials:
        return credentials
    return tagged_tokens(header).get("user")


def _credentials(header: str | None) -> str | None:
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "token" or not credentials:
        return None
    return credentials


def _identify(
    state: SandboxState, request: Request, auth: Auth, permission: str | None, obj: str
) -> Caller:
    header = request.headers.get("authorization")
    if auth == "none":
        return Caller()
    if auth == "app":
        token = merchant_token(header)
        app = next((a for a in state.apps if token and a.access_token == token), None)
        if app is None:
            raise bad_token(obj, "app_token")
        return Caller(app=app)
    if auth == "merchant":
        token = merchant_token(header)
        merchant = accounts.merchant_for_token(state, token) if token else None
        if merchant is None:
            raise bad_token(obj, "merchant_token")
        return Caller(merchant=merchant)
    token = user_token(header)
    found = user_for_token(state, token) if token else None
    if found is None or (permission is not None and permission not in found[1]):
        raise bad_user_token(obj, permission)
    return Caller(user=found[0])
