"""The bodies a register sends as a LevelUp *app*: its app token, and permissions requests that
ask a customer, by email, to let it create orders for them (paying by email).

An app signs in with its API key and client secret (``POST /v15/access_tokens``), then asks a
customer for permissions (``POST /v15/apps/permissions_requests``). The request stays
``pending`` until the customer accepts or rejects it in their LevelUp app; once ``accepted``,
``GET /v15/apps/permissions_requests/:id`` carries the user token granted (v15 pages
``permissions-request-create`` and ``permissions-request-show``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pos_app.levelup.envelope import Id, Request, Response, Secret

CREATE_ORDERS = "create_orders"
"""The user permission an order paid with a user token needs."""

Email = Annotated[
    str, StringConstraints(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")
]
Keyname = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Keynames = Annotated[list[Keyname], Field(min_length=1)]

PermissionsState = Literal["pending", "accepted", "rejected", "expired"]


class AppTokenRequest(Request):
    """``POST /v15/access_tokens`` for an app: its API key and client secret."""

    envelope = "access_token"

    api_key: Secret
    client_secret: Secret


class PermissionsRequestBody(Request):
    """``POST /v15/apps/permissions_requests``: whom to ask (by email), for what."""

    envelope = "permissions_request"

    email: Email
    permission_keynames: Keynames


class PermissionsRequest(Response):
    """A permissions request as the app sees it; ``token`` once the customer accepted.

    The customer's email is in LevelUp's answer but deliberately not read: the register never
    keeps it.
    """

    envelope = "permissions_request"
    nullable = frozenset({"token"})

    id: Id
    state: PermissionsState
    app_id: int | None = None
    permission_keynames: list[str] = Field(default_factory=list)
    token: Secret | None = None
