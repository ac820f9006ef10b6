"""Proposed and completed orders: discounts, gift cards, cards, partial authorization, tips,
declines, and the money each one moves."""

import pytest

from pos_app.levelup import qr
from tests.sandbox.support import LOCATION, errors_of

DECLINED = "Sorry. We cannot charge the credit card at this time."


def test_card_customer_pays_in_full(levelup):
    proposed = levelup.propose(levelup.code("Ada"), 1559, 62, identifier_from_merchant="001001")
    assert proposed.status_code == 200
    body = proposed.json()["proposed_order"]
    assert body["discount_amount"] == 0
    assert len(body["uuid"]) == 32

    completed = levelup.complete(
        levelup.code("Ada"), body["uuid"], 1559, 62, 0, identifier_from_merchant="001001"
    )
    assert completed.status_code == 200
    order = completed.json()["order"]
    assert order == {
        "uuid": order["uuid"],
        "spend_amount": 1559,
        "tip_amount": 0,
        "total_amount": 1559,
        "gift_card_total_amount": 0,
        "gift_card_tip_amount": 0,
    }
    assert order["uuid"] != body["uuid"]
    assert levelup.customer("Ada")["card_charged_amount"] == 1559


def test_discount_comes_from_merchant_funded_credit_and_is_spent(levelup):
    code = levelup.code("Ben")  # $5.00 of credit
    proposed = levelup.propose(code, 1100, 100).json()["proposed_order"]
    assert proposed["discount_amount"] == 500
    # after the discount the POS recomputes tax: 600 + 60 tax, so spend = 660 + 500
    completed = levelup.complete(code, proposed["uuid"], 1160, 60, 500).json()["order"]
    assert completed["spend_amount"] == 1160
    ben = levelup.customer("Ben")
    assert ben["discount_amount"] == 0
    assert ben["card_charged_amount"] == 660


def test_discount_is_limited_by_tax_and_exemptions(levelup):
    code = levelup.code("Ben")
    assert (
        levelup.propose(code, 1000, 100, exemption_amount=700).json()["proposed_order"][
            "discount_amount"
        ]
        == 200
    )
    assert levelup.propose(code, 300, 300).json()["proposed_order"]["discount_amount"] == 0


def test_partial_authorization_approves_what_the_gift_card_holds(levelup):
    """The page's example: $5 of gift card credit, no card, $10 asked → 200 with 500."""
    response = levelup.pay(levelup.code("Cora"), 1000, partial_authorization_allowed=True)
    assert response.status_code == 200
    order = response.json()["order"]
    assert (order["spend_amount"], order["gift_card_total_amount"], order["total_amount"]) == (
        500,
        500,
        500,
    )
    assert levelup.customer("Cora")["gift_card_amount"] == 0


@pytest.mark.parametrize("partial", [False, None])
def test_without_partial_authorization_an_unfunded_order_is_refused(levelup, partial):
    fields = {} if partial is None else {"partial_authorization_allowed": partial}
    response = levelup.pay(levelup.code("Cora"), 1000, **fields)
    assert response.status_code == 422
    assert response.json()[0]["error"]["code"] == "no_credit_card"
    assert levelup.customer("Cora")["gift_card_amount"] == 500
    assert levelup.orders() == []


def test_two_touch_loyalty_approves_only_the_discount(levelup):
    code = levelup.code("Eve")  # no payment method, $2.00 of credit
    response = levelup.pay(code, 1000, partial_authorization_allowed=True)
    assert response.json()["order"]["spend_amount"] == 200
    # with the credit spent, she still gets a 200, approving nothing
    again = levelup.pay(code, 1000, partial_authorization_allowed=True)
    assert again.status_code == 200
    assert again.json()["order"]["spend_amount"] == 0


def test_discount_only_applies_the_discount_and_nothing_else(levelup):
    code = levelup.code("Dev")  # $20 gift card, card, $3 credit
    response = levelup.pay(code, 2500, discount_only=True, partial_authorization_allowed=True)
    order = response.json()["order"]
    assert (order["spend_amount"], order["gift_card_total_amount"]) == (300, 0)
    dev = levelup.customer("Dev")
    assert (dev["gift_card_amount"], dev["card_charged_amount"], dev["discount_amount"]) == (
        2000,
        0,
        0,
    )


def test_discount_only_without_partial_authorization_is_refused_when_short(levelup):
    response = levelup.pay(levelup.code("Dev"), 2500, discount_only=True)
    assert response.status_code == 422
    assert errors_of(response)[0][0] == "order.base"


def test_funds_come_from_discount_then_gift_card_then_card(levelup):
    response = levelup.pay(levelup.code("Dev"), 2500, 0)
    order = response.json()["order"]
    assert order["spend_amount"] == 2500
    assert order["gift_card_total_amount"] == 2000
    dev = levelup.customer("Dev")
    assert (dev["discount_amount"], dev["gift_card_amount"], dev["card_charged_amount"]) == (
        0,
        0,
        200,
    )


def test_percent_tip_from_the_code(levelup):
    code = levelup.code("Gia")  # 15 %
    assert qr.parse(code).tip == qr.PercentTip(15)
    order = levelup.pay(code, 1000).json()["order"]
    assert (order["spend_amount"], order["tip_amount"], order["total_amount"]) == (1000, 150, 1150)
    assert levelup.customer("Gia")["card_charged_amount"] == 1150


def test_fixed_tip_from_the_code(levelup):
    order = levelup.pay(levelup.code("Hal"), 1000).json()["order"]
    assert (order["tip_amount"], order["total_amount"]) == (100, 1100)


def test_pos_tip_is_used_when_the_code_has_none(levelup):
    order = levelup.pay(levelup.code("Ada"), 1000, tip_amount=200).json()["order"]
    assert (order["tip_amount"], order["total_amount"]) == (200, 1200)


def test_ten_percent_of_ten_cents_is_one_cent(levelup):
    """LevelUp's own sandbox test: a 10 % tip on a spend of 10."""
    customer = levelup.http.post(
        "/sandbox/customers", json={"name": "Ten Percent", "tip_percent": 10}
    ).json()["customer"]
    order = levelup.pay(customer["payment_token_data"], 10).json()["order"]
    assert order["tip_amount"] == 1


def test_gift_card_pays_the_tip_it_can(levelup):
    customer = levelup.http.post(
        "/sandbox/customers",
        json={"name": "Gift Tipper", "card": False, "gift_card_amount": 1050, "tip_percent": 10},
    ).json()["customer"]
    order = levelup.pay(
        customer["payment_token_data"], 1000, partial_authorization_allowed=True
    ).json()["order"]
    assert (order["spend_amount"], order["tip_amount"]) == (1000, 50)
    assert (order["gift_card_total_amount"], order["gift_card_tip_amount"]) == (1050, 50)


def test_a_declined_card_is_422_and_moves_no_money(levelup):
    code = levelup.code("Finn")
    proposed = levelup.propose(code, 1000).json()["proposed_order"]
    response = levelup.complete(code, proposed["uuid"], 1000, partial_authorization_allowed=True)
    assert response.status_code == 422
    assert errors_of(response) == [("order.base", DECLINED)]
    assert levelup.customer("Finn")["card_charged_amount"] == 0
    assert levelup.orders() == []


def test_a_completed_order_needs_an_open_proposal_of_the_same_location_and_customer(levelup):
    ada, ben = levelup.code("Ada"), levelup.code("Ben")
    proposed = levelup.propose(ada, 1000).json()["proposed_order"]["uuid"]
    other_location = levelup.post(
        "/v15/proposed_orders",
        {
            "proposed_order": {
                "location_id": 20,
                "payment_token_data": ada,
                "spend_amount": 1000,
                "tax_amount": 0,
            }
        },
    ).json()["proposed_order"]["uuid"]
    cases = [
        (ada, "0" * 32, "Proposed order is not a proposed order."),
        (ben, proposed, "Proposed order was proposed for another location or customer."),
        (ada, other_location, "Proposed order was proposed for another location or customer."),
    ]
    for code, uuid, message in cases:
        response = levelup.complete(code, uuid, 1000)
        assert response.status_code == 422
        assert errors_of(response) == [("order.proposed_order_uuid", message)]
    assert levelup.complete(ada, proposed, 1000).status_code == 200
    reused = levelup.complete(ada, proposed, 1000)
    assert errors_of(reused) == [
        ("order.proposed_order_uuid", "Proposed order was already completed.")
    ]


def test_completed_order_uuid_is_not_a_proposal(levelup):
    code = levelup.code("Ada")
    order_uuid = levelup.pay(code, 100).json()["order"]["uuid"]
    assert levelup.complete(code, order_uuid, 100).status_code == 422


def test_applied_discount_cannot_exceed_what_was_offered(levelup):
    code = levelup.code("Ben")
    proposed = levelup.propose(code, 1000).json()["proposed_order"]
    response = levelup.complete(code, proposed["uuid"], 1000, 0, 600)
    assert errors_of(response) == [
        (
            "order.applied_discount_amount",
            "Applied discount cannot be more than the 500 cents offered.",
        )
    ]


def test_null_applied_discount_means_none(levelup):
    code = levelup.code("Ben")
    proposed = levelup.propose(code, 1000).json()["proposed_order"]
    order = levelup.complete(code, proposed["uuid"], 1000, 0, None).json()["order"]
    assert order["spend_amount"] == 1000
    assert levelup.customer("Ben")["discount_amount"] == 500


def test_spent_credit_cannot_be_applied_twice(levelup):
    code = levelup.code("Ben")
    first = levelup.propose(code, 1000).json()["proposed_order"]
    second = levelup.propose(code, 1000).json()["proposed_order"]
    assert levelup.complete(code, first["uuid"], 1000, 0, 500).status_code == 200
    response = levelup.complete(code, second["uuid"], 1000, 0, 500)
    assert errors_of(response) == [
        (
            "order.applied_discount_amount",
            "Applied discount is no longer available to this customer.",
        )
    ]


@pytest.mark.parametrize("path", ["/v15/proposed_orders", "/v15/completed_orders"])
def test_location_rules(levelup, path):
    envelope = path.rsplit("/", 1)[1][:-1]
    base = {
        "payment_token_data": levelup.code("Ada"),
        "spend_amount": 100,
        "tax_amount": 0,
        "applied_discount_amount": 0,
        "proposed_order_uuid": "x",
    }
    foreign = levelup.post(path, {envelope: {**base, "location_id": 30}})
    assert foreign.status_code == 401
    assert errors_of(foreign) == [
        ("order.merchant_token", "Not authorized to create orders for this merchant.")
    ]
    unknown = levelup.post(path, {envelope: {**base, "location_id": 999}})
    assert unknown.status_code == 422
    assert unknown.json() == [
        {
            "error": {
                "object": "order",
                "property": "location_id",
                "message": "Location can't be blank",
                "code": "not_found",
            }
        }
    ]


@pytest.mark.parametrize(
    ("code", "field", "message"),
    [
        (
            "bad_qr_code",
            "order.base",
            "We couldn't recognize that as a valid LevelUp Code. Perhaps scan again?",
        ),
        (
            "LU02000ROETEST_BAD_QR_DATA_D40200A0LU",
            "order.base",
            "We couldn't recognize that as a valid LevelUp Code. Perhaps scan again?",
        ),
        (
            "LU0200018SECH4O89A4NBOT7030000LU",
            "order.payment_token_data",
            "Payment token is invalid.",
        ),
    ],
)
def test_codes_that_are_not_a_customers_are_refused(levelup, code, field, message):
    response = levelup.propose(code, 1000)
    assert response.status_code == 422
    assert errors_of(response) == [(field, message)]


def test_zero_spend_is_refused(levelup):
    response = levelup.propose(levelup.code("Ada"), 0)
    assert errors_of(response) == [("order.spend_amount", "Spend amount must be greater than 0.")]


def test_every_charged_order_is_listed_for_the_admin(levelup):
    levelup.pay(levelup.code("Ada"), 1000, identifier_from_merchant="2611230001", register="3")
    [order] = levelup.orders()
    assert order["identifier_from_merchant"] == "2611230001"
    assert order["location_id"] == LOCATION
    assert order["register_name"] == "3"
    assert {
        "uuid",
        "proposed_order_uuid",
        "spend_amount",
        "tip_amount",
        "total_amount",
        "gift_card_total_amount",
        "gift_card_tip_amount",
        "created_at",
        "refunded_at",
    } <= set(order)


@pytest.mark.parametrize(("spend", "tax"), [(300, 0), (500, 500)])
def test_applied_discount_never_pays_tax_or_more_than_the_spend(levelup, spend, tax):
    code = levelup.code("Ben")
    proposed = levelup.propose(code, 1000).json()["proposed_order"]
    response = levelup.complete(code, proposed["uuid"], spend, tax, 500)
    assert errors_of(response) == [
        (
            "order.applied_discount_amount",
            "Applied discount cannot be more than the spend less tax and exemptions.",
        )
    ]


def test_tips_over_a_hundred_percent_are_refused(levelup):
    customer = levelup.http.post("/sandbox/customers", json={"name": "Greedy"}).json()["customer"]
    token = qr.parse(customer["payment_token_data"]).data[4:24]
    greedy = qr.build(token, qr.PercentTip(101)).data
    response = levelup.propose(greedy, 1000)
    assert errors_of(response) == [("order.payment_token_data", "Payment preferences are invalid.")]
