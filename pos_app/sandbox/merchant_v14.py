"""The merchant endpoints other integrations call: the v14 login, location list and order
lookup, a customer's merchant-funded credit by code, and credit given by email."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from pos_app.levelup.wire import AccessTokenRequest
from pos_app.sandbox import accounts, merchants, views
from pos_app.sandbox.bodies import GiveCreditBody
from pos_app.sandbox.gateway import Caller, endpoint
from pos_app.sandbox.records import SandboxState
from pos_app.sandbox.rejections import Rejection, error


@endpoint("access_token", auth="none", body=AccessTokenRequest, bare_body=True)
def access_tokens(state: SandboxState, _: Caller, body: Any, __: Request) -> Any:
    """The v14 answer has no ``app_id``."""
    token = accounts.login(state, body)
    return {
        "access_token": {
            "merchant_id": token.merchant_id,
            "token": token.token.get_secret_value(),
            "user_id": token.user_id,
        }
    }


@endpoint("location", auth="merchant")
def merchant_locations(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.merchant is not None
    return merchants.merchant_locations(state, caller.merchant, request.path_params["merchant_id"])


@endpoint("order", auth="merchant")
def merchant_order(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.merchant is not None
    params = request.path_params
    found = views.order_details(state, caller.merchant, params["merchant_id"], params["uuid"])
    return found.to_body()


@endpoint("merchant_funded_credit", auth="merchant")
def merchant_funded_credit(state: SandboxState, caller: Caller, _: Any, request: Request) -> Any:
    assert caller.merchant is not None
    code = request.query_params.get("payment_token_data")
    if not code:
        raise Rejection(
            422,
            error(
                "merchant_funded_credit",
                "payment_token_data",
                "Payment token data can't be blank",
                "blank",
            ),
        )
    location_id = request.path_params["location_id"]
    return merchants.merchant_funded_credit(state, caller.merchant, location_id, code)


@endpoint("merchant_funded_credit", auth="merchant", body=GiveCreditBody, changes=True)
def give_credit(state: SandboxState, caller: Caller, body: Any, _: Request) -> Any:
    assert caller.merchant is not None
    return merchants.give_credit(state, caller.merchant, body)


def merchant_routes() -> list[Route]:
    return [
        Route("/v14/access_tokens", access_tokens, methods=["POST"]),
        Route("/v14/merchants/{merchant_id:int}/locations", merchant_locations, methods=["GET"]),
        Route("/v14/merchants/{merchant_id:int}/orders/{uuid}", merchant_order, methods=["GET"]),
        Route(
            "/v15/locations/{location_id:int}/merchant_funded_credit",
            merchant_funded_credit,
            methods=["GET"],
        ),
        Route("/v15/merchant_funded_credits", give_credit, methods=["POST"]),
    ]
