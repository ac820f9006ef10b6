"""Demo customers accept a request to pay by email by themselves after ``accept_after``
seconds; without it a request waits for the admin API."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from pos_app.sandbox import start_embedded

EMAIL = "ada.card@customers.example"


@pytest.fixture
def demo() -> Iterator[httpx.Client]:
    with (
        start_embedded(accept_after=0.3) as running,
        httpx.Client(base_url=running.url, timeout=10) as http,
    ):
        yield http


def _app(http: httpx.Client) -> dict[str, str]:
    app = http.get("/sandbox/seed").json()["app"]
    body = {"api_key": app["api_key"], "client_secret": app["client_secret"]}
    token = http.post("/v15/access_tokens", json=body).json()["access_token"]["token"]
    return {"Authorization": f"token {token}"}


def _ask(http: httpx.Client, auth: dict[str, str]) -> int:
    body = {"permissions_request": {"email": EMAIL, "permission_keynames": ["create_orders"]}}
    return int(
        http.post("/v15/apps/permissions_requests", json=body, headers=auth).json()[
            "permissions_request"
        ]["id"]
    )


def _state(http: httpx.Client, auth: dict[str, str], request_id: int) -> dict:
    shown = http.get(f"/v15/apps/permissions_requests/{request_id}", headers=auth)
    return dict(shown.json()["permissions_request"])


def test_a_pending_request_is_accepted_once_it_waited_long_enough(demo) -> None:
    auth = _app(demo)
    request_id = _ask(demo, auth)
    assert _state(demo, auth, request_id)["state"] == "pending"
    deadline = time.monotonic() + 5
    while (shown := _state(demo, auth, request_id))["state"] == "pending":
        assert time.monotonic() < deadline, "never accepted"
        time.sleep(0.05)
    assert shown["state"] == "accepted" and shown["token"]
    late = demo.post(f"/sandbox/permissions_requests/{request_id}/reject")
    assert late.status_code == 409  # the customer already answered


def test_a_rejected_request_stays_rejected(demo) -> None:
    auth = _app(demo)
    request_id = _ask(demo, auth)
    assert demo.post(f"/sandbox/permissions_requests/{request_id}/reject").status_code == 200
    time.sleep(0.4)
    assert _state(demo, auth, request_id)["state"] == "rejected"


def test_without_the_option_a_request_waits_for_the_customer(levelup) -> None:
    auth = _app(levelup.http)
    request_id = _ask(levelup.http, auth)
    assert levelup.server.services.ledger.accept_after is None
    time.sleep(0.4)
    assert _state(levelup.http, auth, request_id)["state"] == "pending"
