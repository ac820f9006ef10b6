"""Conventions every LevelUp endpoint shares: auth, content types, JSON, error bodies."""

import pytest

from tests.sandbox.support import LOCATION, errors_of

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'


def test_access_token_for_the_merchant(levelup):
    merchant = levelup.merchant
    response = levelup.http.post(
        "/v15/access_tokens",
        json={
            "access_token": {
                "api_key": merchant["api_key"],
                "username": merchant["username"],
                "password": merchant["password"],
            }
        },
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert token["token"] == merchant["access_token"]
    assert token["merchant_id"] == merchant["id"]
    assert set(token) == {"app_id", "merchant_id", "token", "user_id"}


def test_access_token_accepts_client_id_and_any_case_username(levelup):
    merchant = levelup.merchant
    response = levelup.http.post(
        "/v15/access_tokens",
        json={
            "access_token": {
                "client_id": merchant["api_key"],
                "username": merchant["username"].upper(),
                "password": merchant["password"],
            }
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"api_key": "nope"}, "access_token.api_key", "Api key is invalid."),
        (
            {"password": "wrong"},
            "access_token.base",
            "The email address or password you provided is incorrect.",
        ),
        (
            {"username": "someone@else.example"},
            "access_token.base",
            "The email address or password you provided is incorrect.",
        ),
    ],
)
def test_access_token_errors(levelup, change, field, message):
    merchant = levelup.merchant
    login = {
        "api_key": merchant["api_key"],
        "username": merchant["username"],
        "password": merchant["password"],
        **change,
    }
    response = levelup.http.post("/v15/access_tokens", json={"access_token": login})
    assert response.status_code == 422
    assert errors_of(response) == [(field, message)]


@pytest.mark.parametrize(
    "template",
    [
        'token merchant="{t}"',
        "token merchant={t}",
        'token user="123-abc", merchant="{t}"',
        'token user="123-abc",merchant="{t}"',
        'token merchant="{t}", user="123-abc"',
        "token {t}",
        'Token merchant="{t}"',
    ],
)
def test_every_documented_authorization_form_is_accepted(levelup, template):
    header = template.format(t=levelup.merchant["access_token"])
    response = levelup.http.get("/v15/managed_locations", headers={"Authorization": header})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "token", 'token merchant="1-deadbeef"', "Bearer abc", 'token user="123-abc"'],
)
def test_a_missing_or_wrong_token_is_401_with_www_authenticate(levelup, header):
    headers = {"Authorization": header} if header else {}
    response = levelup.http.post(
        "/v15/proposed_orders", json={"proposed_order": {}}, headers=headers
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert errors_of(response)[0][0] == "order.merchant_token"
    assert response.json()[0]["error"]["code"] == "not_authorized"


def test_unparseable_json_is_400(levelup):
    response = levelup.http.post(
        "/v15/proposed_orders", content=b'{"proposed_order": ', headers=levelup.auth
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        ("request.body", "The request contained invalid, unparseable JSON.")
    ]


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml, text/plain", "application/jsonx", "*/*;q=0"]
)
def test_an_accept_header_that_cannot_be_satisfied_is_406(levelup, accept):
    response = levelup.get("/v15/managed_locations", headers={"Accept": accept})
    assert response.status_code == 406


@pytest.mark.parametrize(
    "accept",
    ["application/json", "*/*", "application/json; charset=utf-8", "text/html, */*;q=0.1"],
)
def test_json_accept_headers_are_satisfied(levelup, accept):
    assert levelup.get("/v15/managed_locations", headers={"Accept": accept}).status_code == 200


def test_responses_say_they_come_from_levelup(levelup):
    response = levelup.get("/v15/managed_locations")
    assert response.headers["server"] == "LevelUp"
    assert response.headers["content-type"].startswith("application/json")
    assert len(response.headers["x-request-id"]) == 16


def test_missing_required_fields_are_named(levelup):
    response = levelup.post("/v15/completed_orders", {"completed_order": {"location_id": 19}})
    assert response.status_code == 422
    errors = dict(errors_of(response))
    assert errors["order.spend_amount"] == "Spend amount can't be blank"
    assert {  # payment_token_data is not among them: a user token may pay instead
        "order.tax_amount",
        "order.proposed_order_uuid",
        "order.applied_discount_amount",
    } <= set(errors)
    assert {e["error"]["code"] for e in response.json()} == {"blank"}


def test_invalid_fields_are_named_without_echoing_input(levelup):
    code = levelup.code("Ada")
    response = levelup.propose(
        code,
        "1000",
        identifier_from_merchant="12345678901",
        receipt_message_html="<script>1</script>",
    )
    assert response.status_code == 422
    fields = [field for field, _ in errors_of(response)]
    assert fields == [
        "order.spend_amount",
        "order.identifier_from_merchant",
        "order.receipt_message_html",
    ]
    assert code not in response.text


def test_explicit_nulls_are_accepted_for_optional_fields(levelup):
    response = levelup.propose(
        levelup.code("Ada"),
        1000,
        exemption_amount=None,
        receipt_message_html=None,
        cashier=None,
        register=None,
        items=None,
        partial_authorization_allowed=None,
    )
    assert response.status_code == 200


def test_a_body_that_is_not_an_object_is_422(levelup):
    response = levelup.post("/v15/proposed_orders", [1, 2])
    assert response.status_code == 422
    assert errors_of(response)[0][0] == "order.base"


def test_managed_locations(levelup):
    response = levelup.get("/v15/managed_locations")
    locations = [entry["location"] for entry in response.json()]
    assert [loc["id"] for loc in locations] == [LOCATION, 20]
    assert set(locations[0]) >= {
        "id",
        "merchant_id",
        "merchant_name",
        "name",
        "address",
        "tip_preference",
    }


def test_location_details(levelup):
    response = levelup.get(f"/v15/locations/{LOCATION}")
    assert response.json()["location"]["name"] == "Demo Café, Main Street"
    missing = levelup.get("/v15/locations/999")
    assert missing.status_code == 404
    assert errors_of(missing) == [("location.id", "Location not found.")]


def test_unknown_paths_are_404_in_levelups_shape(levelup):
    response = levelup.get("/v15/nothing_here")
    assert response.status_code == 404
    assert errors_of(response) == [("request.path", "No such endpoint: /v15/nothing_here")]


def test_a_valid_token_on_someone_elses_location_is_401_without_www_authenticate(levelup):
    response = levelup.get("/v14/locations/30/orders")
    assert response.status_code == 401
    assert "www-authenticate" not in response.headers


def test_deeply_nested_json_is_a_400_not_a_500(levelup):
    """Red team D18."""
    body = b"[" * 100_000 + b"]" * 100_000
    response = levelup.http.post(
        "/v15/proposed_orders",
        content=body,
        headers={**levelup.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        ("request.body", "The request contained invalid, unparseable JSON.")
    ]


def test_a_body_past_a_megabyte_is_refused_unread(levelup):
    """Red team D18: a 50 MB body was parsed."""
    body = b'{"proposed_order": {"x": "' + b"a" * (2 << 20) + b'"}}'
    response = levelup.http.post(
        "/v15/proposed_orders",
        content=body,
        headers={**levelup.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_tax_above_the_spend_is_refused(levelup):
    """Red team D18."""
    response = levelup.propose(levelup.code("Ada"), 500, tax=600)
    assert response.status_code == 422
    assert errors_of(response) == [
        ("order.tax_amount", "Tax amount cannot be more than the spend.")
    ]


def test_another_merchants_location_is_not_found(levelup):
    """Red team D18: merchant 2 read merchant 1's location."""
    other = {"Authorization": f'token merchant="{levelup.other_merchant["access_token"]}"'}
    response = levelup.http.get(f"/v15/locations/{LOCATION}", headers=other)
    assert response.status_code == 404
    assert levelup.get(f"/v15/locations/{LOCATION}").status_code == 200


def test_two_merchant_tokens_in_one_header_are_refused(levelup):
    mine, theirs = levelup.merchant["access_token"], levelup.other_merchant["access_token"]
    header = f'token merchant="{theirs}", merchant="{mine}"'
    response = levelup.http.get("/v15/managed_locations", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_tip_no_code_could_ask_for_and_a_negative_discount_are_refused(levelup):
    code = levelup.code("Ada")
    proposed = levelup.propose(code, 500).json()["proposed_order"]
    tipped = levelup.complete(code, proposed["uuid"], 500, tip_amount=10**9)
    assert tipped.status_code == 422 and errors_of(tipped)[0][0] == "order.tip_amount"
    negative = levelup.complete(code, proposed["uuid"], 500, discount=-500)
    assert negative.status_code == 422
    assert errors_of(negative)[0][0] == "order.applied_discount_amount"
    assert levelup.orders() == []


def test_sign_ins_are_throttled_after_ten_wrong_passwords_a_minute(levelup):
    merchant = levelup.merchant

    def sign_in(password: str) -> int:
        body = {
            "api_key": merchant["api_key"],
            "username": merchant["username"],
            "password": password,
        }
        return levelup.http.post("/v15/access_tokens", json={"access_token": body}).status_code

    assert [sign_in(f"guess {n}") for n in range(10)] == [422] * 10
    assert sign_in("guess 11") == 429
    assert sign_in(merchant["password"]) == 429  # even the right one, until the minute passes
