"""Contract tests of the app endpoints: app tokens, app users, app locations, permissions
requests and their acceptance through the admin API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.support import LevelUp, errors_of

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'


def _app_token(levelup: LevelUp) -> str:
    app = levelup.seed["app"]
    body = {"api_key": app["api_key"], "client_secret": app["client_secret"]}
    response = levelup.http.post("/v15/access_tokens", json=body)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]["token"]


def _as(token: str, tag: str | None = None) -> dict[str, str]:
    return {"Authorization": f'token {tag}="{token}"' if tag else f"token {token}"}


def _ask(levelup: LevelUp, email: str, keys: list[str] | None = None) -> httpx.Response:
    body = {
        "permissions_request": {"email": email, "permission_keynames": keys or ["create_orders"]}
    }
    return levelup.http.post(
        "/v15/apps/permissions_requests", json=body, headers=_as(_app_token(levelup))
    )


def _customer(levelup: LevelUp, name: str) -> dict[str, Any]:
    return next(c for c in levelup.seed["customers"] if c["name"].startswith(name))


def test_the_seed_lists_an_app_and_each_customers_email_and_user_token(levelup: LevelUp) -> None:
    app = levelup.seed["app"]
    assert {"id", "api_key", "client_secret"} <= app.keys()
    emails = [c["email"] for c in levelup.seed["customers"]]
    tokens = [c["access_token"] for c in levelup.seed["customers"]]
    assert all("@" in e for e in emails) and len(set(emails)) == len(emails)
    assert all(t.split("-")[0].isdigit() for t in tokens) and len(set(tokens)) == len(tokens)


def test_an_app_token_comes_from_the_api_key_and_client_secret(levelup: LevelUp) -> None:
    app = levelup.seed["app"]
    for body in (
        {"api_key": app["api_key"], "client_secret": app["client_secret"]},
        {"access_token": {"api_key": app["api_key"], "client_secret": app["client_secret"]}},
    ):
        answer = levelup.http.post("/v15/access_tokens", json=body).json()["access_token"]
        assert answer["app_id"] == app["id"]
        assert answer["merchant_id"] is None and answer["user_id"] is None
        assert answer["token"] == app["access_token"]


def test_a_wrong_api_key_or_client_secret_is_422(levelup: LevelUp) -> None:
    app = levelup.seed["app"]
    bad_key = {"api_key": "nope", "client_secret": app["client_secret"]}
    response = levelup.http.post("/v15/access_tokens", json=bad_key)
    assert response.status_code == 422
    assert errors_of(response) == [("access_token.api_key", "API Key is invalid.")]
    bad_secret = {"api_key": app["api_key"], "client_secret": "nope"}
    response = levelup.http.post("/v15/access_tokens", json=bad_secret)
    assert errors_of(response) == [("access_token.client_secret", "Client secret is invalid.")]


def test_the_merchant_login_still_answers_on_the_same_path(levelup: LevelUp) -> None:
    body = {
        "access_token": {
            "api_key": levelup.merchant["api_key"],
            "username": levelup.merchant["username"],
            "password": levelup.merchant["password"],
        }
    }
    answer = levelup.http.post("/v15/access_tokens", json=body).json()["access_token"]
    assert answer["token"] == levelup.merchant["access_token"]


def test_app_locations_page_with_link_headers_and_204_past_the_end(levelup: LevelUp) -> None:
    app_id = levelup.seed["app"]["id"]
    auth = _as(_app_token(levelup))
    first = levelup.http.get(f"/v14/apps/{app_id}/locations", headers=auth)
    assert first.status_code == 200
    assert [e["location"]["id"] for e in first.json()] == [19, 20]
    following = first.headers["link"].split(";")[0].strip("<>")
    second = levelup.http.get(following, headers=auth)
    assert [e["location"]["id"] for e in second.json()] == [30]
    assert "link" not in second.headers
    past = levelup.http.get(f"/v14/apps/{app_id}/locations?page=3", headers=auth)
    assert past.status_code == 204 and past.content == b""


def test_app_locations_need_the_apps_own_token(levelup: LevelUp) -> None:
    app_id = levelup.seed["app"]["id"]
    response = levelup.http.get(f"/v14/apps/{app_id}/locations", headers=_as("1-nope"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    other = levelup.http.get(f"/v14/apps/{app_id + 1}/locations", headers=_as(_app_token(levelup)))
    assert other.status_code == 404


def test_an_app_creates_a_user_with_a_token_for_the_permissions_asked(levelup: LevelUp) -> None:
    body = {
        "api_key": levelup.seed["app"]["api_key"],
        "user": {"email": "new.user@customers.example", "first_name": "Nia", "last_name": "New"},
        "permission_keynames": ["read_user_basic_info"],
    }
    response = levelup.http.post("/v15/apps/users", json=body)
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["user"]["last_name"] == "New"
    token = created["access_token"]["token"]
    me = levelup.http.get("/v15/users", headers=_as(token, "user")).json()["user"]
    assert me["email"] == "new.user@customers.example" and me["first_name"] == "Nia"
    # The token has only what was asked for.
    assert levelup.http.get("/v15/qr_codes", headers=_as(token, "user")).status_code == 401
    again = levelup.http.post("/v15/apps/users", json=body)
    assert again.status_code == 422
    assert errors_of(again)[0][0] == "user.email"


def test_creating_a_user_validates_the_body(levelup: LevelUp) -> None:
    body = {"api_key": levelup.seed["app"]["api_key"], "user": {"email": "x@y.example"}}
    response = levelup.http.post("/v15/apps/users", json=body)
    assert response.status_code == 422
    assert ("user.permission_keynames", "Permission keynames can't be blank") in errors_of(response)
    wrong_key = {**body, "api_key": "nope"}
    wrong_key["user"] = {"email": "x@y.example", "first_name": "X", "last_name": "Y"}
    wrong_key["permission_keynames"] = ["create_orders"]
    assert levelup.http.post("/v15/apps/users", json=wrong_key).status_code == 422


def test_a_permissions_request_is_pending_until_accepted(levelup: LevelUp) -> None:
    ada = _customer(levelup, "Ada")
    created = _ask(levelup, ada["email"], ["create_orders", "read_qr_code"])
    assert created.status_code == 200, created.text
    asked = created.json()["permissions_request"]
    assert asked["state"] == "pending" and asked["token"] is None
    assert asked["email"] == ada["email"]
    assert asked["permission_keynames"] == ["create_orders", "read_qr_code"]

    pending = levelup.http.get("/v15/permissions_requests", headers=_as(ada["access_token"]))
    shown = pending.json()["permissions_request"]
    assert shown["id"] == asked["id"] and shown["state"] == "pending"
    assert [p["permission"]["keyname"] for p in shown["permissions"]] == [
        "create_orders",
        "read_qr_code",
    ]

    accepted = levelup.http.post(f"/sandbox/permissions_requests/{asked['id']}/accept")
    assert accepted.status_code == 200
    app_auth = _as(_app_token(levelup))
    now = levelup.http.get(f"/v15/apps/permissions_requests/{asked['id']}", headers=app_auth)
    granted = now.json()["permissions_request"]
    assert granted["state"] == "accepted" and granted["token"]
    qr = levelup.http.get("/v15/qr_codes", headers=_as(granted["token"], "user"))
    assert qr.status_code == 200
    # Only what was granted: not the user's addresses.
    addresses = levelup.http.get("/v15/user_addresses", headers=_as(granted["token"], "user"))
    assert addresses.status_code == 401
    twice = levelup.http.post(f"/sandbox/permissions_requests/{asked['id']}/reject")
    assert twice.status_code == 409


def test_a_rejected_request_grants_nothing(levelup: LevelUp) -> None:
    ben = _customer(levelup, "Ben")
    asked = _ask(levelup, ben["email"]).json()["permissions_request"]
    assert (
        levelup.http.post(f"/sandbox/permissions_requests/{asked['id']}/reject").status_code == 200
    )
    shown = levelup.http.get(
        f"/v15/apps/permissions_requests/{asked['id']}", headers=_as(_app_token(levelup))
    ).json()["permissions_request"]
    assert shown["state"] == "rejected" and shown["token"] is None
    none_pending = levelup.http.get("/v15/permissions_requests", headers=_as(ben["access_token"]))
    assert none_pending.status_code == 404


def test_permissions_request_errors(levelup: LevelUp) -> None:
    unknown = _ask(levelup, "nobody@customers.example")
    assert unknown.status_code == 422
    assert errors_of(unknown)[0][0] == "permissions_request.email"
    bad_key = _ask(levelup, _customer(levelup, "Ada")["email"], ["fly_to_the_moon"])
    assert errors_of(bad_key)[0][0] == "permissions_request.permission_keynames"
    body = {"permissions_request": {"email": "a@b.example", "permission_keynames": ["x"]}}
    no_app = levelup.http.post("/v15/apps/permissions_requests", json=body)
    assert no_app.status_code == 401
    assert no_app.headers["www-authenticate"] == WWW_AUTHENTICATE
    missing = levelup.http.get(
        "/v15/apps/permissions_requests/999", headers=_as(_app_token(levelup))
    )
    assert missing.status_code == 404
    assert levelup.http.post("/sandbox/permissions_requests/999/accept").status_code == 404
    assert levelup.http.post("/sandbox/permissions_requests/1/maybe").status_code == 404


def test_a_new_request_replaces_the_apps_pending_one(levelup: LevelUp) -> None:
    ada = _customer(levelup, "Ada")
    first = _ask(levelup, ada["email"]).json()["permissions_request"]
    second = _ask(levelup, ada["email"]).json()["permissions_request"]
    app_auth = _as(_app_token(levelup))
    earlier = levelup.http.get(f"/v15/apps/permissions_requests/{first['id']}", headers=app_auth)
    assert earlier.json()["permissions_request"]["state"] == "expired"
    pending = levelup.http.get("/v15/permissions_requests", headers=_as(ada["access_token"]))
    assert pending.json()["permissions_request"]["id"] == second["id"]
