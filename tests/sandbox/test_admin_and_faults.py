"""The admin API, and the faults it injects into LevelUp's endpoints."""

import asyncio
import time

import httpx
import pytest

from pos_app.levelup import qr
from pos_app.sandbox import create_app
from tests.sandbox.support import errors_of


def test_seed_names_the_demo_merchant_and_customers(levelup):
    seed = levelup.seed
    merchant = seed["merchants"][0]
    assert set(merchant) >= {"id", "access_token", "api_key", "username", "password", "locations"}
    assert merchant["locations"][0] == {"id": 19, "name": "Demo Café, Main Street"}
    profiles = {
        (c["card"], c["card_declines"], c["gift_card_amount"] > 0, c["discount_amount"] > 0)
        for c in seed["customers"]
    }
    assert (True, False, False, False) in profiles  # card only
    assert (False, False, True, False) in profiles  # gift card only
    assert (False, False, False, True) in profiles  # loyalty only
    assert (True, True, False, False) in profiles  # card that declines
    for customer in seed["customers"]:
        assert len(customer["payment_token_data"]) == 32
        qr.parse(customer["payment_token_data"])


def test_new_customers_get_a_code_whose_preferences_carry_the_tip(levelup):
    response = levelup.http.post(
        "/sandbox/customers",
        json={
            "name": "Pat Percent",
            "card": True,
            "gift_card_amount": 250,
            "discount_amount": 100,
            "tip_percent": 20,
        },
    )
    assert response.status_code == 201
    customer = response.json()["customer"]
    code = qr.parse(customer["payment_token_data"])
    assert code.tip == qr.PercentTip(20)
    assert (customer["gift_card_amount"], customer["discount_amount"]) == (250, 100)

    cents = levelup.http.post("/sandbox/customers", json={"name": "Cy Cents", "tip_amount": 250})
    assert qr.parse(cents.json()["customer"]["payment_token_data"]).tip == qr.CentTip(250)

    listed = levelup.http.get("/sandbox/customers").json()
    assert [c["name"] for c in listed][-2:] == ["Pat Percent", "Cy Cents"]
    assert set(listed[-1]) >= {
        "name",
        "card",
        "card_declines",
        "gift_card_amount",
        "discount_amount",
        "tip_percent",
        "tip_amount",
        "payment_token_data",
    }


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "X", "tip_percent": 10, "tip_amount": 100},
        {"name": "X", "tip_percent": 101},
        {"name": "X", "gift_card_amount": -1},
        {"name": "X", "card": "yes"},
        {"name": "X", "nickname": "Y"},
    ],
)
def test_bad_customers_are_422_with_reasons(levelup, body):
    response = levelup.http.post("/sandbox/customers", json=body)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_admin_body_that_is_not_json_is_422(levelup):
    response = levelup.http.post("/sandbox/customers", content=b"{")
    assert response.json() == {"errors": ["the body is not JSON"]}


def test_admin_api_off_loopback_needs_a_merchant_token(levelup):
    app = create_app()
    token = levelup.merchant["access_token"]

    async def get(client_host: str, **headers: str) -> int:
        transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            return (await client.get("/sandbox/seed", headers=headers)).status_code

    assert asyncio.run(get("192.0.2.10")) == 401
    assert asyncio.run(get("192.0.2.10", authorization=f'token merchant="{token}"')) == 200
    assert asyncio.run(get("::1")) == 200
    assert asyncio.run(get("testclient")) == 401


def add_fault(levelup, **rule):
    response = levelup.http.post("/sandbox/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()["fault"]


def test_maintenance_is_503_everywhere_until_cleared(levelup):
    add_fault(levelup, path="*", status=503)
    for _ in range(3):
        response = levelup.get("/v15/managed_locations")
        assert response.status_code == 503
        assert errors_of(response) == [
            ("api.base", "The server is currently down for maintenance. Please try again later.")
        ]
    assert levelup.propose(levelup.code("Ada"), 100).status_code == 503
    assert levelup.http.get("/sandbox/seed").status_code == 200
    assert len(levelup.http.get("/sandbox/faults").json()) == 1
    assert levelup.http.delete("/sandbox/faults").status_code == 204
    assert levelup.get("/v15/managed_locations").status_code == 200


def test_a_rule_applies_to_its_path_and_the_next_times_requests(levelup):
    add_fault(levelup, path="/v15/proposed_orders", status=500, times=2)
    assert levelup.get("/v15/managed_locations").status_code == 200
    first = levelup.propose(levelup.code("Ada"), 100)
    assert first.status_code == 500
    assert first.headers["content-type"] == "text/html"
    assert levelup.propose(levelup.code("Ada"), 100).status_code == 500
    assert levelup.propose(levelup.code("Ada"), 100).status_code == 200
    assert levelup.http.get("/sandbox/faults").json() == []


def test_other_statuses_answer_with_an_error_list(levelup):
    add_fault(levelup, path="/v15/managed_locations", status=422, times=1)
    response = levelup.get("/v15/managed_locations")
    assert response.status_code == 422
    assert errors_of(response)[0][0] == "api.base"


def test_latency_delays_the_answer(levelup):
    add_fault(levelup, path="/v15/managed_locations", latency_ms=300, times=1)
    start = time.monotonic()
    assert levelup.get("/v15/managed_locations").status_code == 200
    assert time.monotonic() - start >= 0.3


def test_latency_beyond_the_client_timeout_still_charges(levelup):
    """The client gives up; the server carries on, as a real one would."""
    code = levelup.code("Ada")
    proposed = levelup.propose(code, 700).json()["proposed_order"]["uuid"]
    add_fault(levelup, path="/v15/completed_orders", latency_ms=400, times=1)
    order = {
        "location_id": 19,
        "payment_token_data": code,
        "spend_amount": 700,
        "tax_amount": 0,
        "applied_discount_amount": 0,
        "proposed_order_uuid": proposed,
    }
    with pytest.raises(httpx.ReadTimeout):
        levelup.post("/v15/completed_orders", {"completed_order": order}, timeout=0.1)
    deadline = time.monotonic() + 5
    while not levelup.orders() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [o["spend_amount"] for o in levelup.orders()] == [700]


def test_drop_before_commit_answers_nothing_and_charges_nothing(levelup):
    code = levelup.code("Ada")
    proposed = levelup.propose(code, 500).json()["proposed_order"]["uuid"]
    add_fault(levelup, path="/v15/completed_orders", drop="before_commit", times=1)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        levelup.complete(code, proposed, 500)
    assert levelup.orders() == []
    assert levelup.customer("Ada")["card_charged_amount"] == 0
    assert levelup.complete(code, proposed, 500).status_code == 200


def test_drop_after_commit_leaves_the_order_charged(levelup):
    code = levelup.code("Ada")
    proposed = levelup.propose(code, 500, identifier_from_merchant="2611230007")
    uuid = proposed.json()["proposed_order"]["uuid"]
    add_fault(levelup, path="/v15/completed_orders", drop="after_commit", times=1)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        levelup.complete(code, uuid, 500, identifier_from_merchant="2611230007")
    [order] = levelup.orders()
    assert (order["proposed_order_uuid"], order["identifier_from_merchant"]) == (uuid, "2611230007")
    assert levelup.customer("Ada")["card_charged_amount"] == 500
    listed = levelup.get("/v14/locations/19/orders").json()
    assert listed[0]["order"]["identifier_from_merchant"] == "2611230007"


@pytest.mark.parametrize(
    "rule",
    [
        {"path": "*"},
        {"path": "*", "status": 503, "drop": "after_commit"},
        {"path": "/x", "status": 200},
        {"path": "nope", "status": 503},
        {"path": "*", "drop": "sometimes"},
        {"path": "*", "status": 503, "times": 0},
        {"path": "*", "latency_ms": -1},
    ],
)
def test_bad_fault_rules_are_422(levelup, rule):
    assert levelup.http.post("/sandbox/faults", json=rule).status_code == 422


def test_reset_brings_back_the_seeded_world(levelup):
    levelup.pay(levelup.code("Ada"), 100)
    levelup.http.post("/sandbox/customers", json={"name": "Temporary"})
    add_fault(levelup, path="*", status=503)
    assert levelup.http.post("/sandbox/reset").status_code == 204
    assert levelup.orders() == []
    assert [c["name"] for c in levelup.http.get("/sandbox/customers").json()] == [
        c["name"] for c in levelup.seed["customers"]
    ]
    assert levelup.get("/v15/managed_locations").status_code == 200


def test_fault_paths_may_be_patterns(levelup):
    order = levelup.pay(levelup.code("Ada"), 100).json()["order"]
    add_fault(levelup, path="/v15/orders/*/refund", status=503, times=1)
    assert levelup.post(f"/v15/orders/{order['uuid']}/refund").status_code == 503
    assert levelup.post(f"/v15/orders/{order['uuid']}/refund").status_code == 200
