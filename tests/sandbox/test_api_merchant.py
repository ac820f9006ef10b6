"""Contract tests of the merchant endpoints other integrations call: the v14 login, location
list and order lookup, merchant-funded credit by code, and credit given by email."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.support import LOCATION, LevelUp, errors_of

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'


def _untagged(levelup: LevelUp) -> dict[str, str]:
    return {"Authorization": f"token {levelup.merchant['access_token']}"}


def _login(levelup: LevelUp, **changes: str) -> Any:
    fields = {
        "api_key": levelup.merchant["api_key"],
        "username": levelup.merchant["username"],
        "password": levelup.merchant["password"],
        **changes,
    }
    return levelup.http.post("/v14/access_tokens", json={"access_token": fields})


def test_the_v14_login_answers_without_an_app_id(levelup: LevelUp) -> None:
    response = _login(levelup)
    assert response.status_code == 200
    assert response.json() == {
        "access_token": {
            "merchant_id": levelup.merchant["id"],
            "token": levelup.merchant["access_token"],
            "user_id": 101,
        }
    }
    bare = {"api_key": levelup.merchant["api_key"], "username": levelup.merchant["username"]}
    bare["password"] = levelup.merchant["password"]
    assert levelup.http.post("/v14/access_tokens", json=bare).status_code == 200


def test_v14_login_errors(levelup: LevelUp) -> None:
    assert errors_of(_login(levelup, api_key="nope")) == [
        ("access_token.api_key", "Api key is invalid.")
    ]
    assert errors_of(_login(levelup, password="wrong")) == [
        ("access_token.base", "The email address or password you provided is incorrect.")
    ]
    blank = levelup.http.post("/v14/access_tokens", json={"access_token": {}})
    assert blank.status_code == 422


def test_v14_merchant_locations(levelup: LevelUp) -> None:
    merchant_id = levelup.merchant["id"]
    for auth in (_untagged(levelup), levelup.auth):
        response = levelup.http.get(f"/v14/merchants/{merchant_id}/locations", headers=auth)
        assert response.status_code == 200
        assert response.json()[0] == {
            "location": {
                "id": 19,
                "merchant_tip_preference": "expected",
                "name": "Demo Café, Main Street",
            }
        }
    other = levelup.http.get("/v14/merchants/2/locations", headers=_untagged(levelup))
    assert other.status_code == 401
    missing = levelup.http.get("/v14/merchants/99/locations", headers=_untagged(levelup))
    assert missing.status_code == 404
    assert errors_of(missing) == [("merchant.id", "Merchant not found.")]
    anonymous = levelup.http.get(f"/v14/merchants/{merchant_id}/locations")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == WWW_AUTHENTICATE


def test_v14_merchant_order_lookup(levelup: LevelUp) -> None:
    paid = levelup.pay(levelup.code("Ada"), 1000, identifier_from_merchant="check-14")
    uuid = paid.json()["order"]["uuid"]
    merchant_id = levelup.merchant["id"]
    response = levelup.http.get(
        f"/v14/merchants/{merchant_id}/orders/{uuid}", headers=_untagged(levelup)
    )
    assert response.status_code == 200
    order = response.json()["order"]
    assert order["uuid"] == uuid and order["identifier_from_merchant"] == "check-14"
    missing = levelup.http.get(
        f"/v14/merchants/{merchant_id}/orders/nope", headers=_untagged(levelup)
    )
    assert missing.status_code == 404
    assert errors_of(missing) == [("order.id", "Order not found.")]


def test_merchant_funded_credit_by_code(levelup: LevelUp) -> None:
    response = levelup.get(
        f"/v15/locations/{LOCATION}/merchant_funded_credit",
        params={"payment_token_data": levelup.code("Dev")},
    )
    assert response.status_code == 200
    assert response.json() == {
        "merchant_funded_credit": {
            "discount_amount": 300,
            "gift_card_amount": 2000,
            "total_amount": 2300,
        }
    }


@pytest.mark.parametrize(
    ("location", "params", "status"),
    [
        (LOCATION, {"payment_token_data": "LU02NOTACODE"}, 404),
        (LOCATION, {}, 422),
        (30, {"payment_token_data": "x"}, 401),
    ],
)
def test_merchant_funded_credit_errors(
    levelup: LevelUp, location: int, params: dict[str, str], status: int
) -> None:
    response = levelup.get(f"/v15/locations/{location}/merchant_funded_credit", params=params)
    assert response.status_code == status


def _give(levelup: LevelUp, **changes: Any) -> Any:
    credit = {
        "email": levelup.customer("Ada")["email"],
        "merchant_id": levelup.merchant["id"],
        "value_amount": 250,
        "message": "Thanks for visiting",
        **changes,
    }
    return levelup.post("/v15/merchant_funded_credits", {"merchant_funded_credit": credit})


def test_credit_given_by_email_becomes_a_discount(levelup: LevelUp) -> None:
    response = _give(levelup)
    assert response.status_code == 200, response.text
    assert response.json()["merchant_funded_credit"]["value_amount"] == 250
    assert levelup.customer("Ada")["discount_amount"] == 250
    proposed = levelup.propose(levelup.code("Ada"), 1000)
    assert proposed.json()["proposed_order"]["discount_amount"] == 250


@pytest.mark.parametrize(
    ("changes", "status", "prop"),
    [
        ({"email": "nobody@customers.example"}, 422, "merchant_funded_credit.email"),
        ({"value_amount": 0}, 422, "merchant_funded_credit.value_amount"),
        ({"email": "not-an-email"}, 422, "merchant_funded_credit.email"),
        ({"merchant_id": 2}, 401, "merchant_funded_credit.merchant_token"),
        ({"merchant_id": 99}, 404, "merchant.id"),
    ],
)
def test_giving_credit_errors(
    levelup: LevelUp, changes: dict[str, Any], status: int, prop: str
) -> None:
    response = _give(levelup, **changes)
    assert response.status_code == status
    assert errors_of(response)[0][0] == prop
    assert levelup.customer("Ada")["discount_amount"] == 0


def test_unparseable_json_and_unacceptable_accept(levelup: LevelUp) -> None:
    broken = levelup.http.post(
        "/v15/merchant_funded_credits",
        content=b"{",
        headers={**levelup.auth, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    xml = levelup.http.get(
        "/v14/merchants/1/locations", headers={**levelup.auth, "Accept": "application/xml"}
    )
    assert xml.status_code == 406
