"""Contract tests of the user endpoints (a user token): the user, addresses, cards, LevelUp
codes, credit, their orders; and ``POST /v15/orders`` paid with a user token, and its refund."""

from __future__ import annotations

from typing import Any

import pytest

from pos_app.levelup import qr
from tests.sandbox.support import LOCATION, LevelUp, errors_of

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'


def _customer(levelup: LevelUp, name: str) -> dict[str, Any]:
    return next(c for c in levelup.seed["customers"] if c["name"].startswith(name))


def _user(levelup: LevelUp, name: str) -> dict[str, str]:
    return {"Authorization": f'token user="{_customer(levelup, name)["access_token"]}"'}


def _both(levelup: LevelUp, name: str) -> dict[str, str]:
    user = _customer(levelup, name)["access_token"]
    return {"Authorization": f'token merchant="{levelup.merchant["access_token"]}", user="{user}"'}


def _order(levelup: LevelUp, name: str, spend: int, **fields: Any) -> Any:
    body = {"order": {"location_id": LOCATION, "spend_amount": spend, **fields}}
    return levelup.http.post("/v15/orders", json=body, headers=_both(levelup, name))


@pytest.mark.parametrize(
    "path",
    [
        "/v15/users",
        "/v15/users/orders",
        "/v15/user_addresses",
        "/v15/credit_cards",
        "/v15/qr_codes",
        f"/v15/locations/{LOCATION}/credit",
        "/v15/permissions_requests",
    ],
)
def test_user_endpoints_need_a_user_token(levelup: LevelUp, path: str) -> None:
    for headers in ({}, {"Authorization": 'token user="1-nope"'}, levelup.auth):
        response = levelup.http.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
        assert response.json()[0]["error"]["code"] == "not_authorized"


def test_the_user_in_every_token_form(levelup: LevelUp) -> None:
    token = _customer(levelup, "Ada")["access_token"]
    for header in (f'token user="{token}"', f"token user={token}", f"token {token}"):
        user = levelup.http.get("/v15/users", headers={"Authorization": header}).json()["user"]
        assert (user["first_name"], user["last_name"]) == ("Ada", "Card")
        assert user["email"] == _customer(levelup, "Ada")["email"]


def test_addresses_are_created_then_listed(levelup: LevelUp) -> None:
    auth = _user(levelup, "Ada")
    assert levelup.http.get("/v15/user_addresses", headers=auth).json() == []
    address = {
        "address_type": "home",
        "street_address": "1 Main Street",
        "extended_address": "Apt 1",
        "locality": "Boston",
        "region": "MA",
        "postal_code": "02110",
    }
    created = levelup.http.post("/v15/user_addresses", json={"user_address": address}, headers=auth)
    assert created.status_code == 200, created.text
    body = created.json()["user_address"]
    assert body["street_address"] == "1 Main Street" and body["id"] >= 1
    listed = levelup.http.get("/v15/user_addresses", headers=auth).json()
    assert listed == [created.json()]
    # Another customer does not see it.
    assert levelup.http.get("/v15/user_addresses", headers=_user(levelup, "Ben")).json() == []


def test_an_invalid_address_is_422(levelup: LevelUp) -> None:
    bad = {"user_address": {"address_type": "castle", "street_address": "x"}}
    response = levelup.http.post("/v15/user_addresses", json=bad, headers=_user(levelup, "Ada"))
    assert response.status_code == 422
    props = [prop for prop, _ in errors_of(response)]
    assert props == ["user_address.address_type", "user_address.postal_code"]


def test_credit_cards_are_listed_and_added(levelup: LevelUp) -> None:
    cards = levelup.http.get("/v15/credit_cards", headers=_user(levelup, "Ada")).json()
    assert [c["credit_card"]["state"] for c in cards] == ["active"]
    cora = _user(levelup, "Cora")
    assert levelup.http.get("/v15/credit_cards", headers=cora).json() == []
    card = {
        "encrypted_cvv": "enc-cvv",
        "encrypted_expiration_month": "enc-month",
        "encrypted_expiration_year": "enc-year",
        "encrypted_number": "enc-number",
        "postal_code": "02110",
    }
    added = levelup.http.post("/v15/credit_cards", json={"credit_card": card}, headers=cora)
    assert added.status_code == 200, added.text
    assert added.json()["credit_card"]["last_4"] == "1111"
    assert len(levelup.http.get("/v15/credit_cards", headers=cora).json()) == 1
    # The card now pays the part gift card credit does not cover ($5 of gift card).
    paid = _order(levelup, "Cora", 800)
    assert paid.status_code == 200, paid.text
    assert paid.json()["order"]["gift_card_total_amount"] == 500
    incomplete = levelup.http.post(
        "/v15/credit_cards", json={"credit_card": {"postal_code": "1"}}, headers=cora
    )
    assert incomplete.status_code == 422


def test_a_qr_code_carries_the_preferences_asked_for(levelup: LevelUp) -> None:
    auth = _user(levelup, "Ada")
    plain = levelup.http.get("/v15/qr_codes", headers=auth).json()["qr_code"]["code"]
    assert qr.parse(plain).tip == qr.PercentTip(0)
    tipped = levelup.http.get(
        "/v15/qr_codes",
        params={"preferences[color]": "3", "preferences[tip_percent]": "10"},
        headers=auth,
    ).json()["qr_code"]["code"]
    code = qr.parse(tipped)
    assert code.tip == qr.PercentTip(10) and code.color == 3
    # It pays as the customer's code: the tip comes from it.
    paid = levelup.pay(tipped, 1000)
    assert paid.json()["order"]["tip_amount"] == 100
    cents = levelup.http.get(
        "/v15/qr_codes", params={"preferences[tip_amount]": "150"}, headers=auth
    ).json()["qr_code"]["code"]
    assert qr.parse(cents).tip == qr.CentTip(150)


@pytest.mark.parametrize(
    "params",
    [
        {"preferences[tip_percent]": "101"},
        {"preferences[color]": "blue"},
        {"preferences[tip_percent]": "10", "preferences[tip_amount]": "100"},
    ],
)
def test_impossible_preferences_are_422(levelup: LevelUp, params: dict[str, str]) -> None:
    response = levelup.http.get("/v15/qr_codes", params=params, headers=_user(levelup, "Ada"))
    assert response.status_code == 422
    assert response.json()[0]["error"]["object"] == "qr_code"


def test_credit_at_a_location(levelup: LevelUp) -> None:
    dev = levelup.http.get(f"/v15/locations/{LOCATION}/credit", headers=_user(levelup, "Dev"))
    assert dev.json() == {"credit": {"total_amount": 2300}}
    ada = levelup.http.get(f"/v15/locations/{LOCATION}/credit", headers=_user(levelup, "Ada"))
    assert ada.json() == {"credit": {"total_amount": 0}}
    missing = levelup.http.get("/v15/locations/999/credit", headers=_user(levelup, "Ada"))
    assert missing.status_code == 404


def test_an_order_paid_with_a_user_token_and_its_refund(levelup: LevelUp) -> None:
    paid = _order(levelup, "Ben", 1200, tax_amount=100, applied_discount_amount=500, tip_amount=50)
    assert paid.status_code == 200, paid.text
    order = paid.json()["order"]
    assert (order["spend_amount"], order["tip_amount"], order["total_amount"]) == (1200, 50, 1250)
    ben = levelup.customer("Ben")
    assert ben["discount_amount"] == 0 and ben["card_charged_amount"] == 750
    refunded = levelup.post(f"/v15/orders/{order['uuid']}/refund", {"refund": {}})
    assert refunded.status_code == 200, refunded.text
    ben = levelup.customer("Ben")
    assert ben["discount_amount"] == 500 and ben["card_charged_amount"] == 0


def test_an_order_with_a_code_in_the_body_needs_no_user_token(levelup: LevelUp) -> None:
    body = {
        "order": {
            "location_id": LOCATION,
            "spend_amount": 1000,
            "payment_token_data": levelup.code("Gia"),
        }
    }
    paid = levelup.post("/v15/orders", body)
    assert paid.status_code == 200, paid.text
    assert paid.json()["order"]["tip_amount"] == 150  # Gia tips 15 % from her code


def test_order_declines_and_partial_authorization(levelup: LevelUp) -> None:
    declined = _order(levelup, "Finn", 500)
    assert declined.status_code == 422
    assert "cannot charge" in errors_of(declined)[0][1]
    no_card = _order(levelup, "Cora", 800)
    assert no_card.status_code == 422
    partial = _order(levelup, "Cora", 800, partial_authorization_allowed=True)
    assert partial.json()["order"]["total_amount"] == 500


def test_order_errors(levelup: LevelUp) -> None:
    no_user = levelup.post("/v15/orders", {"order": {"location_id": LOCATION, "spend_amount": 100}})
    assert no_user.status_code == 422
    assert errors_of(no_user)[0][0] == "order.payment_token_data"
    too_much = _order(levelup, "Ben", 1000, applied_discount_amount=600)
    assert errors_of(too_much)[0][0] == "order.applied_discount_amount"
    other_location = _order(levelup, "Ada", 100, location_id=30)
    assert other_location.status_code == 401
    bad_user = levelup.http.post(
        "/v15/orders",
        json={"order": {"location_id": LOCATION, "spend_amount": 100}},
        headers={
            "Authorization": f'token merchant="{levelup.merchant["access_token"]}", user="1-x"'
        },
    )
    assert bad_user.status_code == 401
    assert bad_user.headers["www-authenticate"] == WWW_AUTHENTICATE
    no_merchant = levelup.http.post(
        "/v15/orders",
        json={"order": {"location_id": LOCATION, "spend_amount": 100}},
        headers=_user(levelup, "Ada"),
    )
    assert no_merchant.status_code == 401
    zero = _order(levelup, "Ada", 0)
    assert errors_of(zero)[0][0] == "order.spend_amount"


def test_the_users_orders_are_paged_newest_first(levelup: LevelUp) -> None:
    auth = _user(levelup, "Ada")
    assert levelup.http.get("/v15/users/orders", headers=auth).status_code == 204
    uuids = [_order(levelup, "Ada", 100 + n).json()["order"]["uuid"] for n in range(11)]
    first = levelup.http.get("/v15/users/orders", headers=auth)
    listed = [e["order"]["uuid"] for e in first.json()]
    assert listed == uuids[::-1][:10]
    following = first.headers["link"].split(";")[0].strip("<>")
    second = levelup.http.get(following, headers=auth)
    assert [e["order"]["uuid"] for e in second.json()] == [uuids[0]]
    assert second.json()[0]["order"]["merchant_name"] == levelup.merchant["name"]
    assert levelup.http.get("/v15/users/orders?page=3", headers=auth).status_code == 204
    assert levelup.http.get("/v15/users/orders?page=0", headers=auth).status_code == 422
