"""API errors: the right kind for each answer, plain words for the cashier, detail for the
maintainer, and never a credential in either."""

import json

import pytest

from pos_app.levelup.errors import (
    ApiError,
    AuthenticationError,
    ClientOutdated,
    CodeNotRecognized,
    InvalidResponse,
    LevelUpError,
    Maintenance,
    NotFoundError,
    PaymentDeclined,
    RequestRejected,
    ServerError,
    UnexpectedStatus,
    Unreachable,
    error_for_response,
)
from pos_app.levelup.wire import ErrorObject


def errors(*entries: tuple[str, str, str]) -> bytes:
    return json.dumps(
        [{"error": {"object": o, "property": p, "message": m}} for o, p, m in entries]
    ).encode()


DECLINED = errors(("order", "base", "Sorry. We cannot charge the credit card at this time."))


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, b"", AuthenticationError),
        (
            401,
            errors(("order", "merchant_token", "Not authorized to create orders")),
            AuthenticationError,
        ),
        (404, b"", NotFoundError),
        (404, b"   ", NotFoundError),
        (422, DECLINED, PaymentDeclined),
        (
            422,
            errors(
                (
                    "order",
                    "base",
                    "We couldn't recognize that as a valid LevelUp Code. Perhaps scan again?",
                )
            ),
            CodeNotRecognized,
        ),
        (
            422,
            errors(("order", "payment_token_data", "Payment token is invalid.")),
            CodeNotRecognized,
        ),
        (
            422,
            errors(("refund", "manager_confirmation", "Manager confirmation was incorrect.")),
            RequestRejected,
        ),
        (501, b"", ClientOutdated),
        (503, b"", Maintenance),
        (503, b"<html>Service Unavailable</html>", Maintenance),
        (500, b"<html>oops</html>", ServerError),
        (502, b"", ServerError),
        (400, errors(("request", "base", "Unparseable JSON")), UnexpectedStatus),
        (406, b"", UnexpectedStatus),
    ],
)
def test_each_answer_maps_to_its_kind(status, body, kind):
    error = error_for_response(status, body, what="POST /v15/completed_orders")
    assert type(error) is kind
    assert isinstance(error, ApiError) and error.status == status
    assert str(error).startswith(f"POST /v15/completed_orders: HTTP {status}")


def test_decline_speaks_plainly_to_the_cashier_and_fully_to_the_maintainer():
    error = error_for_response(422, DECLINED, request_id="req-7", what="POST /v15/completed_orders")
    assert isinstance(error, PaymentDeclined)
    assert error.cashier_message == (
        "The customer's card was declined. Ask for another payment method."
    )
    assert error.detail == (
        "POST /v15/completed_orders: HTTP 422: order.base: Sorry. We cannot charge the credit "
        "card at this time. (request id req-7)"
    )
    assert error.has_error("order.base") and not error.has_error("order.location_id")
    assert error.messages == ["Sorry. We cannot charge the credit card at this time."]


def test_other_rejections_show_levelups_own_words():
    error = error_for_response(
        422, errors(("refund", "manager_confirmation", "Manager confirmation was incorrect."))
    )
    assert error.cashier_message == (
        "LevelUp did not accept this: Manager confirmation was incorrect."
    )


def test_rejection_without_messages_falls_back_to_a_general_message():
    error = error_for_response(422, b"[]")
    assert type(error) is RequestRejected
    assert error.cashier_message == LevelUpError.cashier_message


def test_codes_and_origins_reach_the_maintainer():
    body = json.dumps(
        [
            {
                "error": {
                    "object": "order",
                    "property": "location_id",
                    "code": "not_found",
                    "message": "Location can't be blank",
                    "origin": "levelup",
                }
            }
        ]
    )
    error = error_for_response(422, body.encode())
    assert "order.location_id [not_found]: Location can't be blank (from levelup)" in str(error)


@pytest.mark.parametrize("body", [b"<html>proxy</html>", b'{"error": "x"}', b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_levelups_error_list_is_an_invalid_response(body):
    error = error_for_response(422, body, what="POST /v15/proposed_orders")
    assert isinstance(error, InvalidResponse)
    assert error.status == 422
    assert "not a LevelUp error list" in error.detail
    assert "cannot read" in error.cashier_message


def test_invalid_response_quotes_only_the_start_of_the_body():
    error = InvalidResponse(200, "not JSON", b"x" * 1000, what="GET /v15/managed_locations")
    assert len(error.detail) < 300
    assert error.detail.startswith("GET /v15/managed_locations: HTTP 200: not JSON")


@pytest.mark.parametrize(
    "kind",
    [
        AuthenticationError,
        NotFoundError,
        ClientOutdated,
        Maintenance,
        ServerError,
        PaymentDeclined,
        CodeNotRecognized,
        InvalidResponse,
    ],
)
def test_every_kind_has_a_cashier_message_that_says_what_to_do(kind):
    message = kind.cashier_message
    assert message != LevelUpError.cashier_message
    assert message.endswith(".")
    assert "HTTP" not in message


def test_cashier_message_can_be_given():
    assert LevelUpError("detail", cashier_message="Say this.").cashier_message == "Say this."
    assert ApiError(418).detail == "HTTP 418"


def test_invalid_response_excerpt_hides_credentials():
    body = b'{"access_token": {"app_id": 1, "token": "981-64eef337a9b1c2d3'
    error = error_for_response(200, body, what="POST /v15/access_tokens")
    assert "981-64eef337" not in str(error)
    assert '"token": "***"' in str(error)


def test_a_detail_echoing_a_code_or_token_is_masked_wherever_it_goes():
    error = ApiError(
        422,
        [
            ErrorObject(
                object="order", property="base", message="LU0200018SECH4O89A4NBOT7030000LU was used"
            )
        ],
    )
    unreachable = Unreachable("POST /v15/orders", 'ConnectError (token merchant="1-abcdef")', 1)
    for text in (error.detail, str(error), unreachable.detail, str(unreachable)):
        assert "SECH4O89" not in text and "1-abcdef" not in text
    assert "1-abcdef" not in unreachable.cause
