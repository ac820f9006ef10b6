"""v15 bodies: the documented example rebuilt from a check, validation, round trips."""

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from pos_app.domain import (
    Check,
    Discount,
    Exemption,
    Fee,
    FeeType,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
)
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.envelope import InvalidPayload
from pos_app.levelup.orders import (
    OrderContext,
    completed_order_request,
    items_from_check,
    proposed_order_request,
)
from pos_app.levelup.wire import (
    AccessToken,
    AccessTokenRequest,
    CompletedOrder,
    CompletedOrderRequest,
    DetachedRefund,
    DetachedRefundRequest,
    ErrorObject,
    GiftCardCredit,
    GiftCardCreditRequest,
    Location,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
    RefundRequest,
    check_receipt_html,
    errors_body,
    parse_errors,
)

EXAMPLE = json.loads(
    (Path(__file__).parent / "fixtures/v15_completed_order_example.json").read_text()
)
CODE = qr.parse(EXAMPLE["request"]["completed_order"]["payment_token_data"])
CONTEXT = OrderContext(
    location_id=19,
    register="3",
    cashier="Bob",
    receipt_message_html="Pick up your order at <strong>counter #4</strong>",
)


def documented_check() -> Check:
    """The check behind the example on the completed-orders page."""
    taxes = TaxTable.of(
        TaxClass("food", Decimal("4.7")),
        TaxClass("delivery", Decimal("10")),
        TaxClass("custom-fee", Decimal("2")),
    )
    hashbrowns = LineItem(
        "Hashbrowns",
        299,
        description="Shredded potatoes griddled to perfection",
        sku="01abc192",
        category="Breakfast Sides",
        tax_class="food",
        modifiers=(
            Modifier("Special Instructions", 0, description="Scattered"),
            Modifier("Onions", 50, description="Smothered"),
            Modifier("Cheese", 50, 2, description="Covered"),
            Modifier("Ham", 50, description="Chunked"),
        ),
    )
    coke = LineItem(
        "Can Coke",
        199,
        2,
        description="12oz Can of Coca-Cola",
        sku="291soo01",
        upc="04963406",
        category="Drinks",
        tax_class="food",
    )
    return (
        Check("001001", taxes)
        .add_item(hashbrowns)
        .add_item(coke)
        .add_fee(Fee("Delivery Fees", FeeType.DELIVERY, 100, "delivery"))
        .add_fee(Fee("Custom Fees", FeeType.CUSTOM, 500, "custom-fee"))
    )


def assert_same_json(actual, expected, path="$"):
    """Compare key by key so a difference names its place."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert sorted(actual) == sorted(expected), f"keys differ at {path}"
        for key in expected:
            assert_same_json(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (a, e) in enumerate(zip(actual, expected, strict=False)):
            assert_same_json(a, e, f"{path}[{index}]")
    else:
        assert actual == expected and type(actual) is type(expected), path


def test_check_rebuilds_the_documented_completed_order_body():
    check = documented_check()
    due = check.levelup_due()
    values = completed_order_values(due.outstanding, due.tax, due.exempt, due.outstanding, 0)
    request = completed_order_request(
        check,
        CODE,
        values,
        CONTEXT,
        proposed_order_uuid="53bffba02f5b013523b42adce3309561",
        applied_discount_amount=0,
    )
    assert_same_json(request.to_body(), EXAMPLE["request"])


def test_documented_body_parses_and_reserializes_unchanged():
    request = CompletedOrderRequest.from_body(EXAMPLE["request"])
    assert request.register_name == "3"
    assert request.payment_token_data is not None
    assert request.payment_token_data.get_secret_value() == CODE.data
    assert_same_json(request.to_body(), EXAMPLE["request"])


def test_documented_response_parses():
    order = CompletedOrder.from_body(EXAMPLE["response"])
    assert (order.spend_amount, order.total_amount, order.uuid) == (
        1559,
        1559,
        "5a1z9x2h31ah7g8a9i9h8g7f6e5d4c4a21o",
    )
    assert order.to_body() == EXAMPLE["response"]


def test_proposed_order_carries_the_same_check_without_completion_fields():
    check = documented_check()
    due = check.levelup_due()
    values = proposed_order_values(due.outstanding, due.tax, due.exempt, 1000)
    body = proposed_order_request(check, CODE, values, CONTEXT).to_body()["proposed_order"]
    assert body["spend_amount"] == 1000 and body["tax_amount"] == 0
    assert "proposed_order_uuid" not in body and "applied_discount_amount" not in body
    assert body["items"] == EXAMPLE["request"]["completed_order"]["items"]


def test_applied_discount_is_sent_as_null_when_discounts_are_off():
    check = documented_check()
    values = completed_order_values(1559, 62, 0, 1559, None)
    body = completed_order_request(
        check, CODE, values, CONTEXT, proposed_order_uuid="u", applied_discount_amount=None
    ).to_body()["completed_order"]
    assert body["applied_discount_amount"] is None
    assert "receipt_message_html" in body and "upc" not in body["items"][0]["item"]


def test_a_check_without_fees_sends_no_fees_and_quantities_multiply_into_children():
    check = Check("x1").add_item(LineItem("Burger", 500, 3, modifiers=(Modifier("Egg", 100),)))
    values = proposed_order_values(1800, 0, 0, 1800)
    body = proposed_order_request(check, CODE, values, OrderContext(location_id=1)).to_body()
    order = body["proposed_order"]
    assert "fees" not in order and "cashier" not in order
    assert order["items"][0]["item"]["description"] == "Burger"
    assert order["items"][0]["item"]["children"] == [
        {"item": {"name": "Egg", "description": "", "charged_price_amount": 300, "quantity": 3}}
    ]


def test_credentials_never_show_in_repr_or_str():
    request = CompletedOrderRequest.from_body(EXAMPLE["request"])
    login = AccessTokenRequest(
        api_key=SecretStr("key-123"), username="m@example.com", password=SecretStr("hunter2")
    )
    token = AccessToken.from_body({"access_token": {"token": "981-64eef337", "merchant_id": 34}})
    refund = RefundRequest(manager_confirmation=SecretStr("87168"))
    for model in (request, login, token, refund):
        for text in (repr(model), str(model)):
            for secret in (CODE.data, "key-123", "hunter2", "981-64eef337", "87168"):
                assert secret not in text
    assert login.to_body() == {
        "access_token": {"api_key": "key-123", "username": "m@example.com", "password": "hunter2"}
    }
    assert refund.to_body() == {"refund": {"manager_confirmation": "87168"}}
    assert token.is_merchant


def test_validation_errors_do_not_echo_the_input():
    with pytest.raises(ValidationError) as caught:
        AccessTokenRequest.model_validate({"api_key": "key-123", "password": 5})
    assert "key-123" not in str(caught.value)


def test_client_id_is_accepted_for_api_key():
    login = AccessTokenRequest.from_body(
        {"access_token": {"client_id": "old-key", "username": "u", "password": "p"}}
    )
    assert login.api_key.get_secret_value() == "old-key"


def order_body(**changes):
    body = json.loads(json.dumps(EXAMPLE["request"]))
    body["completed_order"].update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"identifier_from_merchant": "12345678901"}, "identifier_from_merchant"),
        ({"identifier_from_merchant": ""}, "identifier_from_merchant"),
        ({"spend_amount": "1559"}, "spend_amount"),
        ({"spend_amount": 15.59}, "spend_amount"),
        ({"spend_amount": -1}, "spend_amount"),
        ({"tax_amount": True}, "tax_amount"),
        ({"spend_amount": 2**31}, "spend_amount"),
        ({"location_id": 0}, "location_id"),
        ({"payment_token_data": ""}, "payment_token_data"),
        ({"proposed_order_uuid": ""}, "proposed_order_uuid"),
        ({"receipt_message_html": "<script>x</script>"}, "receipt_message_html"),
        ({"receipt_message_html": "x" * 1001}, "receipt_message_html"),
        ({"cashier": "c" * 256}, "cashier"),
        ({"fees": [{"fee": {"type": "service", "charged_price_amount": 1}}]}, "type"),
        (
            {"fees": [{"fee": {"type": "custom", "charged_price_amount": 1, "collector": "x"}}]},
            "collector",
        ),
        (
            {"items": [{"item": {"name": "A", "description": "", "charged_price_amount": 1}}]},
            "needs a quantity",
        ),
        (
            {
                "items": [
                    {
                        "item": {
                            "name": "",
                            "description": "",
                            "charged_price_amount": 1,
                            "quantity": 1,
                        }
                    }
                ]
            },
            "name",
        ),
    ],
)
def test_completed_order_validation_mirrors_the_docs(changes, field):
    with pytest.raises(InvalidPayload, match=field):
        CompletedOrderRequest.from_body(order_body(**changes))


def test_missing_required_fields_are_named():
    """``payment_token_data`` is not among them: an order paid by user token has none."""
    body = order_body()
    for required in (
        "location_id",
        "spend_amount",
        "tax_amount",
        "proposed_order_uuid",
        "applied_discount_amount",
    ):
        del body["completed_order"][required]
    with pytest.raises(InvalidPayload) as caught:
        CompletedOrderRequest.from_body(body)
    missing = {error["loc"][0] for error in caught.value.errors if error["type"] == "missing"}
    assert missing == {
        "location_id",
        "spend_amount",
        "tax_amount",
        "proposed_order_uuid",
        "applied_discount_amount",
    }


def test_unknown_fields_and_explicit_nulls_are_accepted():
    body = order_body(some_future_field=1, receipt_message_html=None, cashier=None)
    request = CompletedOrderRequest.from_body(body)
    assert request.cashier is None


@pytest.mark.parametrize(
    "html",
    ["", "plain", "<p>Hi<br>there</p>", '<a href="https://x.test">x</a>', "<STRONG>x</STRONG>"],
)
def test_receipt_html_allows_the_documented_tags(html):
    assert check_receipt_html(html) == html


def test_receipt_html_names_the_tags_it_refuses():
    with pytest.raises(ValueError, match=r"not <div>, <img>"):
        check_receipt_html("<div><img src=x></div>")


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (ProposedOrder, {"proposed_order": {"uuid": "1b3b3c4d", "discount_amount": 2578}}),
        (GiftCardCredit, {"merchant_funded_gift_card_credit": {"total_amount": 2000}}),
        (
            Location,
            {
                "location": {
                    "id": 19,
                    "name": "Cafe",
                    "merchant_id": 3,
                    "tip_preference": "expected",
                }
            },
        ),
        (
            MerchantOrder,
            {
                "order": {
                    "uuid": "abc",
                    "created_at": "2015-01-22T11:29:22-05:00",
                    "refunded_at": "2015-01-22T12:00:00-05:00",
                    "identifier_from_merchant": "001001",
                    "register": "3",
                    "spend_amount": 1000,
                    "items": [
                        {
                            "item": {
                                "name": "A",
                                "description": "b",
                                "charged_price_amount": 1,
                                "quantity": 1,
                            }
                        }
                    ],
                }
            },
        ),
        (
            DetachedRefund,
            {
                "detached_refund": {
                    "credit_amount": 500,
                    "location_id": 19,
                    "register": "3",
                    "refunded_at": "2015-01-22T11:29:22-05:00",
                    "cashier": None,
                    "customer_facing_reason": None,
                    "identifier_from_merchant": None,
                    "internal_reason": None,
                }
            },
        ),
    ],
)
def test_responses_round_trip(model, body):
    parsed = model.from_body(body)
    assert parsed.to_body() == body


def test_merchant_order_knows_when_it_was_refunded():
    order = MerchantOrder.from_body({"order": {"uuid": "a", "refunded_at": None}})
    assert not order.is_refunded
    assert MerchantOrder.from_body(
        {"order": {"uuid": "a", "refunded_at": "2015-01-22T11:29:22Z"}}
    ).is_refunded


def test_naive_timestamps_are_refused():
    with pytest.raises(InvalidPayload, match="timezone"):
        MerchantOrder.from_body({"order": {"uuid": "a", "created_at": "2015-01-22T11:29:22"}})


def test_lists_of_envelopes_parse():
    body = [{"location": {"id": 1}}, {"location": {"id": 2, "name": "B"}}]
    assert [loc.id for loc in Location.list_from_body(body)] == [1, 2]
    with pytest.raises(ValueError, match="list of 'location'"):
        Location.list_from_body({"location": {"id": 1}})


@pytest.mark.parametrize("body", [None, [], {"order": {}}, {"wrong": {"uuid": "a"}}, "text"])
def test_wrong_shapes_are_refused(body):
    with pytest.raises(ValueError, match=r"uuid|key 'order'"):
        CompletedOrder.from_body(body)


def test_requests_other_than_orders_serialize():
    assert GiftCardCreditRequest(payment_token_data=SecretStr(CODE.data)).to_body() == {
        "get_merchant_funded_gift_card_credit": {"payment_token_data": CODE.data}
    }
    refund = DetachedRefundRequest.from_body(
        {
            "detached_refund": {
                "location_id": 19,
                "payment_token_data": CODE.data,
                "credit_amount": 500,
                "register": "3",
                "internal_reason": "late",
            }
        }
    )
    assert refund.to_body()["detached_refund"]["register"] == "3"
    with pytest.raises(InvalidPayload, match="credit_amount"):
        DetachedRefundRequest.from_body(
            {"detached_refund": {"location_id": 19, "payment_token_data": "x", "credit_amount": 0}}
        )
    assert RefundRequest().to_body() == {"refund": {}}
    assert (
        ProposedOrderRequest.from_body(
            {
                "proposed_order": {
                    "location_id": 1,
                    "payment_token_data": "x",
                    "spend_amount": 1,
                    "tax_amount": 0,
                }
            }
        ).to_body()["proposed_order"]["spend_amount"]
        == 1
    )


def test_error_envelope_round_trips():
    body = [
        {"error": {"object": "order", "property": "base", "message": "Sorry."}},
        {
            "error": {
                "object": "order",
                "property": "location_id",
                "code": "not_found",
                "message": "Location can't be blank",
                "origin": "levelup",
            }
        },
    ]
    errors = parse_errors(body)
    assert [e.field for e in errors] == ["order.base", "order.location_id"]
    assert errors_body(*errors) == body
    assert ErrorObject(message="x").field == ""
    bads: list[object] = [{"errors": []}, [{"err": {}}], "error"]
    for bad in bads:
        with pytest.raises(ValueError, match=r"list of errors|key 'error'"):
            parse_errors(bad)


amounts = st.integers(min_value=0, max_value=2**31 - 1)


@given(
    spend=amounts,
    tax=amounts,
    exempt=amounts,
    tip=amounts,
    discount=st.one_of(st.none(), amounts),
    partial=st.booleans(),
    identifier=st.text("0123456789ABCDEFabc-_.", min_size=1, max_size=10),
    register=st.one_of(st.none(), st.text(max_size=255)),
)
def test_completed_order_bodies_round_trip(
    spend, tax, exempt, tip, discount, partial, identifier, register
):
    request = CompletedOrderRequest.model_validate(
        {
            "location_id": 19,
            "payment_token_data": SecretStr(CODE.data),
            "spend_amount": spend,
            "tax_amount": tax,
            "exemption_amount": exempt,
            "tip_amount": tip,
            "applied_discount_amount": discount,
            "partial_authorization_allowed": partial,
            "identifier_from_merchant": identifier,
            "register": register,
            "proposed_order_uuid": "53bffba02f5b013523b42adce3309561",
        }
    )
    body = json.loads(json.dumps(request.to_body()))
    assert CompletedOrderRequest.from_body(body) == request


def test_item_prices_are_after_check_coupons():
    check = (
        Check("x1")
        .add_item(LineItem("Burger", 1000, modifiers=(Modifier("Bacon", 500),)))
        .add_item(LineItem("Soda", 500))
        .add_discount(Discount("Coupon", 400))
    )
    items = [entry.item for entry in items_from_check(check)]
    burger, soda = items
    assert burger.charged_price_amount == 800 and burger.standard_price_amount == 1000
    assert burger.children is not None and burger.children[0].item.charged_price_amount == 400
    assert soda.charged_price_amount == 400


prices = st.integers(min_value=0, max_value=20_000)


@given(
    lines=st.lists(
        st.tuples(prices, st.integers(1, 5), st.lists(prices, max_size=3), st.booleans()),
        max_size=8,
    ),
    coupon=st.integers(min_value=1, max_value=50_000),
)
def test_item_prices_add_up_to_the_discounted_subtotal(lines, coupon):
    check = Check("x1")
    for price, quantity, modifier_prices, exempt in lines:
        check = check.add_item(
            LineItem(
                "Item",
                price,
                quantity,
                exemption=Exemption.TOBACCO if exempt else None,
                modifiers=tuple(Modifier("Mod", p) for p in modifier_prices),
            )
        )
    check = replace(check, discounts=(Discount("Coupon", coupon),))  # may be over the check
    sent = 0
    for entry in items_from_check(check):
        sent += entry.item.charged_price_amount
        sent += sum(child.item.charged_price_amount for child in entry.item.children or [])
    assert sent == check.totals.subtotal - check.totals.check_discount


@pytest.mark.parametrize(
    ("model", "body", "secret"),
    [
        (CompletedOrderRequest, {"completed_order": {"payment_token_data": CODE.data}}, CODE.data),
        (
            CompletedOrderRequest,
            order_body(
                items=[{"item": {"name": "A", "description": "", "charged_price_amount": 1}}]
            ),
            CODE.data,
        ),
        (RefundRequest, {"refund": {"manager_confirmation": ["87168"]}}, "87168"),
        (AccessTokenRequest, {"access_token": {"password": "hunter2", "username": 5}}, "hunter2"),
    ],
)
def test_invalid_payloads_never_carry_the_input(model, body, secret):
    with pytest.raises(InvalidPayload) as caught:
        model.from_body(body)
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.errors)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
