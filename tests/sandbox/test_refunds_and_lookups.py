"""Refunds, detached refunds, gift card credit, and finding an order again."""

import httpx
import pytest

from tests.sandbox.support import LOCATION, errors_of

ALREADY = (
    "order.base",
    "The refund was unsuccessful. Perhaps this order has already been refunded or was "
    "unsuccessful.",
)


def test_refund_gives_back_every_part_of_the_order(levelup):
    code = levelup.code("Dev")  # $20 gift card, card, $3 of credit
    order = levelup.pay(code, 2500, 0).json()["order"]
    before = levelup.customer("Dev")
    assert (before["gift_card_amount"], before["discount_amount"]) == (0, 0)

    response = levelup.post(f"/v15/orders/{order['uuid']}/refund")
    assert response.status_code == 200
    refunded = response.json()["order"]
    assert refunded["uuid"] == order["uuid"]
    assert refunded["refunded_at"] is not None
    assert refunded["spend_amount"] == 2500
    assert refunded["user_display_name"] == "Dev G."
    assert {
        "created_at",
        "location_id",
        "loyalty_id",
        "earn_amount",
        "total_amount",
        "tip_amount",
        "merchant_funded_credit_amount",
    } <= set(refunded)
    after = levelup.customer("Dev")
    assert (after["gift_card_amount"], after["discount_amount"], after["card_charged_amount"]) == (
        2000,
        300,
        0,
    )
    [listed] = levelup.orders()
    assert listed["refunded_at"] is not None


def test_refund_with_a_null_confirmation_body(levelup):
    order = levelup.pay(levelup.code("Ada"), 100).json()["order"]
    response = levelup.post(
        f"/v15/orders/{order['uuid']}/refund", {"refund": {"manager_confirmation": None}}
    )
    assert response.status_code == 200


def test_a_second_refund_is_422(levelup):
    order = levelup.pay(levelup.code("Ada"), 100).json()["order"]
    levelup.post(f"/v15/orders/{order['uuid']}/refund")
    again = levelup.post(f"/v15/orders/{order['uuid']}/refund")
    assert again.status_code == 422
    assert errors_of(again) == [ALREADY]


def test_refund_of_an_unknown_or_proposed_order_is_404_with_no_body(levelup):
    proposed = levelup.propose(levelup.code("Ada"), 100).json()["proposed_order"]["uuid"]
    for uuid in ("aaa", proposed):
        response = levelup.post(f"/v15/orders/{uuid}/refund")
        assert response.status_code == 404
        assert response.content == b""


def other_merchant_order(levelup):
    """An order at the other merchant, whose refunds need the manager code 87168."""
    token = levelup.other_merchant["access_token"]
    headers = {"Authorization": f'token merchant="{token}"'}
    code = levelup.code("Ada")
    proposed = levelup.post(
        "/v15/proposed_orders",
        {
            "proposed_order": {
                "location_id": 30,
                "payment_token_data": code,
                "spend_amount": 100,
                "tax_amount": 0,
            }
        },
        headers=headers,
    ).json()["proposed_order"]
    order = levelup.post(
        "/v15/completed_orders",
        {
            "completed_order": {
                "location_id": 30,
                "payment_token_data": code,
                "spend_amount": 100,
                "tax_amount": 0,
                "applied_discount_amount": 0,
                "proposed_order_uuid": proposed["uuid"],
            }
        },
        headers=headers,
    ).json()["order"]
    return order["uuid"], headers


def test_manager_confirmation_is_checked_where_the_merchant_has_one(levelup):
    uuid, headers = other_merchant_order(levelup)
    wrong = levelup.post(
        f"/v15/orders/{uuid}/refund", {"refund": {"manager_confirmation": "11111"}}, headers=headers
    )
    assert wrong.status_code == 422
    assert errors_of(wrong) == [
        ("refund.manager_confirmation", "Manager confirmation was incorrect.")
    ]
    assert levelup.post(f"/v15/orders/{uuid}/refund", headers=headers).status_code == 422
    right = levelup.post(
        f"/v15/orders/{uuid}/refund", {"refund": {"manager_confirmation": "87168"}}, headers=headers
    )
    assert right.status_code == 200


def test_another_merchants_order_cannot_be_refunded(levelup):
    uuid, _ = other_merchant_order(levelup)
    assert levelup.post(f"/v15/orders/{uuid}/refund").status_code == 404


def test_gift_card_credit(levelup):
    path = f"/v15/locations/{LOCATION}/get_merchant_funded_gift_card_credit"
    response = levelup.post(
        path, {"get_merchant_funded_gift_card_credit": {"payment_token_data": levelup.code("Dev")}}
    )
    assert response.json() == {"merchant_funded_gift_card_credit": {"total_amount": 2000}}
    bad = levelup.post(
        path, {"get_merchant_funded_gift_card_credit": {"payment_token_data": "LU02nope"}}
    )
    assert bad.status_code == 404
    foreign = levelup.post(
        "/v15/locations/30/get_merchant_funded_gift_card_credit",
        {"get_merchant_funded_gift_card_credit": {"payment_token_data": levelup.code("Dev")}},
    )
    assert foreign.status_code == 401


def detached(levelup, credit, **fields):
    body = {
        "location_id": LOCATION,
        "payment_token_data": levelup.code("Ada"),
        "credit_amount": credit,
        **fields,
    }
    return levelup.post("/v15/detached_refunds", {"detached_refund": body})


def test_detached_refund_credits_a_customer_who_spent_here(levelup):
    levelup.pay(levelup.code("Ada"), 1000)
    response = detached(
        levelup,
        300,
        cashier="Bob",
        register="3",
        identifier_from_merchant="2611230001",
        customer_facing_reason="Cold fries",
        internal_reason="ticket 7",
    )
    assert response.status_code == 200
    body = response.json()["detached_refund"]
    assert body["credit_amount"] == 300
    assert body["register"] == "3" and body["cashier"] == "Bob"
    assert body["refunded_at"] is not None
    assert levelup.customer("Ada")["discount_amount"] == 300


def test_detached_refund_errors(levelup):
    never = detached(levelup, 100)
    assert never.status_code == 422
    assert errors_of(never) == [
        (
            "detached_refund.base",
            "You can't refund Ada C. because they've never transacted at Demo Café.",
        )
    ]
    levelup.pay(levelup.code("Ada"), 1000)
    too_much = detached(levelup, 1001)
    assert errors_of(too_much) == [
        (
            "detached_refund.credit_amount",
            "Credit amount cannot be more than Ada C. has ever spent at Demo Café.",
        )
    ]
    foreign = levelup.post(
        "/v15/detached_refunds",
        {
            "detached_refund": {
                "location_id": 30,
                "payment_token_data": levelup.code("Ada"),
                "credit_amount": 1,
            }
        },
    )
    assert foreign.status_code == 401
    assert foreign.content == b""
    bad_code = levelup.post(
        "/v15/detached_refunds",
        {
            "detached_refund": {
                "location_id": LOCATION,
                "payment_token_data": "LU02000ROETEST_BAD_QR_DATA_D40200A0LU",
                "credit_amount": 1,
            }
        },
    )
    assert bad_code.status_code == 422


def test_detached_refund_without_a_token_is_401_with_no_body(levelup):
    response = levelup.http.post("/v15/detached_refunds", json={"detached_refund": {}})
    assert response.status_code == 401
    assert response.content == b""
    assert "www-authenticate" in response.headers


def test_order_details_name_the_check(levelup):
    order = levelup.pay(
        levelup.code("Ada"),
        1559,
        62,
        identifier_from_merchant="2611230042",
        cashier="Bob",
        register="3",
        items=[
            {
                "item": {
                    "name": "Coke",
                    "description": "Can",
                    "charged_price_amount": 199,
                    "quantity": 1,
                }
            }
        ],
    ).json()
    uuid = order["order"]["uuid"]
    response = levelup.get(f"/v15/merchants/1/orders/{uuid}")
    details = response.json()["order"]
    assert details["identifier_from_merchant"] == "2611230042"
    assert (details["cashier"], details["register"]) == ("Bob", "3")
    assert (details["spend_amount"], details["tax_amount"]) == (1559, 62)
    assert details["merchant_name"] == "Demo Café"
    assert details["items"][0]["item"]["name"] == "Coke"
    assert details["refunded_at"] is None
    untagged = levelup.http.get(
        f"/v15/merchants/1/orders/{uuid}",
        headers={"Authorization": f"token {levelup.merchant['access_token']}"},
    )
    assert untagged.status_code == 200


def test_order_details_errors(levelup):
    uuid = levelup.pay(levelup.code("Ada"), 100).json()["order"]["uuid"]
    assert errors_of(levelup.get(f"/v15/merchants/99/orders/{uuid}")) == [
        ("merchant.id", "Merchant not found.")
    ]
    assert levelup.get(f"/v15/merchants/2/orders/{uuid}").status_code == 401
    missing = levelup.get("/v15/merchants/1/orders/nope")
    assert missing.status_code == 404
    assert errors_of(missing) == [("order.id", "Order not found.")]


def test_location_orders_page_newest_first_until_204(levelup):
    code = levelup.code("Ada")
    for number in range(1, 13):
        levelup.pay(code, 100 + number, identifier_from_merchant=f"26112300{number:02d}")
    first = levelup.get(f"/v14/locations/{LOCATION}/orders")
    assert first.status_code == 200
    identifiers = [entry["order"]["identifier_from_merchant"] for entry in first.json()]
    assert identifiers == [f"26112300{n:02d}" for n in range(12, 2, -1)]
    link = first.headers["link"]
    assert link.endswith('>; rel="next"') and link.startswith("<http://")
    second = levelup.get(link[1 : link.index(">")])
    assert [e["order"]["spend_amount"] for e in second.json()] == [102, 101]
    assert "link" not in second.headers
    third = levelup.get(f"/v14/locations/{LOCATION}/orders", params={"page": 3})
    assert third.status_code == 204
    assert third.content == b""
    entry = first.json()[0]["order"]
    assert {
        "uuid",
        "created_at",
        "spend_amount",
        "tip_amount",
        "total_amount",
        "refunded_at",
        "loyalty_id",
        "user_display_name",
        "merchant_funded_credit_amount",
    } <= set(entry)


def test_location_orders_of_an_empty_location_and_errors(levelup):
    assert levelup.get("/v14/locations/20/orders").status_code == 204
    foreign = levelup.get("/v14/locations/30/orders")
    assert (foreign.status_code, foreign.content) == (401, b"")
    assert levelup.get(f"/v14/locations/{LOCATION}/orders?page=0").status_code == 422
    assert levelup.get(f"/v14/locations/{LOCATION}/orders?page=x").status_code == 422


@pytest.mark.parametrize("path", ["/v15/managed_locations", f"/v14/locations/{LOCATION}/orders"])
def test_listing_needs_a_token(levelup, path):
    assert levelup.http.get(path).status_code == 401


def test_raw_client_sees_only_json_or_nothing(levelup):
    """Every answer above is JSON or empty: a POS never has to parse HTML from the sandbox."""
    response = levelup.http.get("/v15/managed_locations", headers=levelup.auth)
    assert isinstance(response, httpx.Response)
    assert response.headers["content-type"] == "application/json"


def test_detached_refunds_never_exceed_what_was_spent_and_kept(levelup):
    order = levelup.pay(levelup.code("Ada"), 1000).json()["order"]
    assert detached(levelup, 600).status_code == 200
    assert detached(levelup, 400).status_code == 200
    assert errors_of(detached(levelup, 1))[0][0] == "detached_refund.credit_amount"
    levelup.pay(levelup.code("Ada"), 500)
    levelup.post(f"/v15/orders/{order['uuid']}/refund")
    # 1500 spent, 1000 of it refunded, 1000 already credited: nothing more may be credited
    assert errors_of(detached(levelup, 1))[0][0] == "detached_refund.credit_amount"
