"""Demo customers accept a request to pay by email by themselves after ``accept_after``
seconds; without it a request waits for the admin API."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from pos_app.sandbox import start_embedded
from tests.sandbox.test_state import free_port, read_until, start_command

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


def _accepted(http: httpx.Client, auth: dict[str, str], request_id: int) -> dict:
    """The request once it is no longer pending (within 5 s)."""
    deadline = time.monotonic() + 5
    while (shown := _state(http, auth, request_id))["state"] == "pending":
        assert time.monotonic() < deadline, "never accepted"
        time.sleep(0.05)
    return shown


def test_a_pending_request_is_accepted_once_it_waited_long_enough(demo) -> None:
    auth = _app(demo)
    request_id = _ask(demo, auth)
    assert _state(demo, auth, request_id)["state"] == "pending"
    ada = next(c for c in demo.get("/sandbox/customers").json() if c["email"] == EMAIL)
    as_ada = {"Authorization": f"token {ada['access_token']}"}
    assert demo.get("/v15/permissions_requests", headers=as_ada).status_code == 200
    shown = _accepted(demo, auth, request_id)
    assert shown["state"] == "accepted" and shown["token"]
    assert demo.get("/v15/permissions_requests", headers=as_ada).status_code == 404
    late = demo.post(f"/sandbox/permissions_requests/{request_id}/reject")
    assert late.status_code == 409  # the customer already answered


def test_the_admin_api_finds_a_request_already_accepted(demo) -> None:
    request_id = _ask(demo, _app(demo))
    time.sleep(0.35)  # past the delay, unread: the admin's answer comes too late
    answer = demo.post(f"/sandbox/permissions_requests/{request_id}/accept")
    assert answer.status_code == 409
    assert "accepted" in answer.json()["error"]


def test_an_expired_request_stays_expired(demo) -> None:
    auth = _app(demo)
    first = _ask(demo, auth)
    second = _ask(demo, auth)  # the same app asks again: the first one expires
    assert _accepted(demo, auth, second)["state"] == "accepted"
    assert _state(demo, auth, first)["state"] == "expired"


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


def test_the_command_takes_accept_after_and_keeps_it_out_of_the_state(tmp_path) -> None:
    port, state = free_port(), tmp_path / "state.json"
    args = ("--port", str(port), "--state", str(state), "--accept-after", "0.2")
    with start_command(*args) as process:
        try:
            banner = read_until(process, "Stop with Ctrl+C")
            assert "Customers accept a request to pay by email after 0.2 s." in banner
            assert f"Ada Card  {EMAIL}" in banner
            read_until(process, "Uvicorn running")
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                auth = _app(http)
                assert _accepted(http, auth, _ask(http, auth))["state"] == "accepted"
        finally:
            os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    saved = state.read_text()
    assert "accept_after" not in saved
    assert json.loads(saved)["permissions_requests"][0]["state"] == "accepted"


def test_the_command_refuses_a_negative_delay() -> None:
    with start_command("--port", str(free_port()), "--accept-after", "-1") as process:
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 1
    assert "levelup-pos sandbox: customers cannot accept after fewer than 0 seconds" in output
