"""Proposed and completed orders paid with a customer's user token (``user="…"`` beside the
merchant's token, no ``payment_token_data``): paying by email, over raw HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.support import LOCATION, LevelUp, errors_of
from tests.sandbox.test_admin_and_faults import add_fault
from tests.sandbox.test_api_apps import _app_token, _as, _ask

WWW_AUTHENTICATE = 'OAuth2 realm="levelup", error="invalid_token"'


def _header(levelup: LevelUp, user: str, between: str = ", ", user_first: bool = False) -> dict:
    pair = [f'merchant="{levelup.merchant["access_token"]}"', f'user="{user}"']
    return {"Authorization": "token " + between.join(reversed(pair) if user_first else pair)}


def _order(spend: int, **fields: Any) -> dict[str, Any]:
    return {"location_id": LOCATION, "spend_amount": spend, "tax_amount": 0, **fields}


def pay(
    levelup: LevelUp,
    user: str,
    spend: int,
    *,
    header: tuple[str, bool] = (", ", False),
    **fields: Any,
) -> httpx.Response:
    """Propose, then complete with the discount offered, by ``user``'s token (``header``: what
    is between the tokens, and whether the user's comes first)."""
    headers = _header(levelup, user, *header)
    proposed = levelup.http.post(
        "/v15/proposed_orders", json={"proposed_order": _order(spend, **fields)}, headers=headers
    )
    assert proposed.status_code == 200, proposed.text
    offer = proposed.json()["proposed_order"]
    completed = _order(
        spend, proposed_order_uuid=offer["uuid"], applied_discount_amount=offer["discount_amount"]
    )
    return levelup.http.post(
        "/v15/completed_orders", json={"completed_order": {**completed, **fields}}, headers=headers
    )


def token_of(levelup: LevelUp, name: str) -> str:
    return levelup.customer(name)["access_token"]


@pytest.mark.parametrize("user_first", [False, True], ids=["merchant first", "user first"])
@pytest.mark.parametrize("between", [", ", ","], ids=["comma space", "comma"])
def test_a_customer_pays_with_their_token_in_every_header_form(
    levelup: LevelUp, between: str, user_first: bool
) -> None:
    answer = pay(levelup, token_of(levelup, "Ada"), 1200, header=(between, user_first))
    assert answer.status_code == 200, answer.text
    order = answer.json()["order"]
    assert (order["spend_amount"], order["total_amount"]) == (1200, 1200)
    [charged] = levelup.orders()
    assert charged["uuid"] == order["uuid"]
    details = levelup.get(f"/v15/merchants/1/orders/{order['uuid']}").json()["order"]
    assert details["user_display_name"] == "Ada C."
    listed = levelup.get(f"/v14/locations/{LOCATION}/orders").json()
    assert [o["order"]["uuid"] for o in listed] == [order["uuid"]]


def test_a_granted_token_with_create_orders_pays_and_is_refunded(levelup: LevelUp) -> None:
    ada = levelup.customer("Ada")
    asked = _ask(levelup, ada["email"]).json()["permissions_request"]
    levelup.http.post(f"/sandbox/permissions_requests/{asked['id']}/accept")
    shown = levelup.http.get(
        f"/v15/apps/permissions_requests/{asked['id']}", headers=_as(_app_token(levelup))
    ).json()["permissions_request"]
    answer = pay(levelup, shown["token"], 800)
    assert answer.status_code == 200, answer.text
    uuid = answer.json()["order"]["uuid"]
    refund = levelup.post(f"/v15/orders/{uuid}/refund")
    assert refund.status_code == 200 and refund.json()["order"]["refunded_at"]


def test_the_tip_is_the_tip_amount_asked(levelup: LevelUp) -> None:
    # Gia's code asks for 15%; with her token there is no code, so the tip is what is sent
    answer = pay(levelup, token_of(levelup, "Gia"), 1000, tip_amount=250)
    assert answer.json()["order"]["tip_amount"] == 250
    assert answer.json()["order"]["total_amount"] == 1250


def test_discount_gift_card_partial_and_decline_as_for_a_code(levelup: LevelUp) -> None:
    assert pay(levelup, token_of(levelup, "Ben"), 2000).status_code == 200
    assert levelup.customer("Ben")["discount_amount"] == 0  # his $5 credit taken as a discount
    cora = pay(levelup, token_of(levelup, "Cora"), 1000, partial_authorization_allowed=True)
    assert cora.json()["order"]["spend_amount"] == 500
    finn = pay(levelup, token_of(levelup, "Finn"), 1000)
    assert finn.status_code == 422
    assert errors_of(finn)[0][0] == "order.base"


@pytest.mark.parametrize("token", ["1-unknown-user-token", "read-only"])
def test_a_token_that_cannot_create_orders_is_401(levelup: LevelUp, token: str) -> None:
    if token == "read-only":
        ada = levelup.customer("Ada")
        asked = _ask(levelup, ada["email"], ["read_qr_code"]).json()["permissions_request"]
        levelup.http.post(f"/sandbox/permissions_requests/{asked['id']}/accept")
        token = levelup.http.get(
            f"/v15/apps/permissions_requests/{asked['id']}", headers=_as(_app_token(levelup))
        ).json()["permissions_request"]["token"]
    answer = levelup.http.post(
        "/v15/proposed_orders",
        json={"proposed_order": _order(1000)},
        headers=_header(levelup, token),
    )
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert errors_of(answer)[0][0] == "order.user_token"


@pytest.mark.parametrize("kind", ["proposed_order", "completed_order"])
def test_neither_a_token_nor_a_code_is_422(levelup: LevelUp, kind: str) -> None:
    order = _order(1000, proposed_order_uuid="x", applied_discount_amount=0)
    answer = levelup.post(f"/v15/{kind}s", {kind: order})
    assert answer.status_code == 422
    assert answer.json() == [
        {
            "error": {
                "object": "order",
                "property": "payment_token_data",
                "message": "Payment token data can't be blank",
                "code": "blank",
            }
        }
    ]


def test_the_user_token_wins_over_a_code_in_the_body(levelup: LevelUp) -> None:
    answer = pay(levelup, token_of(levelup, "Ada"), 700, payment_token_data=levelup.code("Ben"))
    assert answer.status_code == 200, answer.text
    assert levelup.customer("Ada")["card_charged_amount"] == 700
    assert levelup.customer("Ben")["card_charged_amount"] == 0


def test_a_proposal_by_code_is_not_completed_by_another_customers_token(levelup: LevelUp) -> None:
    proposed = levelup.propose(levelup.code("Ada"), 1000).json()["proposed_order"]
    completed = _order(1000, proposed_order_uuid=proposed["uuid"], applied_discount_amount=0)
    answer = levelup.http.post(
        "/v15/completed_orders",
        json={"completed_order": completed},
        headers=_header(levelup, token_of(levelup, "Hal")),
    )
    assert answer.status_code == 422
    assert errors_of(answer)[0][0] == "order.proposed_order_uuid"


def test_fault_rules_apply_to_orders_paid_by_token(levelup: LevelUp) -> None:
    add_fault(levelup, path="/v15/completed_orders", drop="after_commit", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        pay(levelup, token_of(levelup, "Ada"), 500)
    [order] = levelup.orders()
    assert order["total_amount"] == 500


def test_a_completion_by_another_customer_than_the_proposal_is_refused(levelup: LevelUp) -> None:
    proposed = levelup.http.post(
        "/v15/proposed_orders",
        json={"proposed_order": _order(1000)},
        headers=_header(levelup, token_of(levelup, "Ada")),
    ).json()["proposed_order"]
    completed = _order(1000, proposed_order_uuid=proposed["uuid"], applied_discount_amount=0)
    answer = levelup.http.post(
        "/v15/completed_orders",
        json={"completed_order": completed},
        headers=_header(levelup, token_of(levelup, "Hal")),
    )
    assert answer.status_code == 422
    assert errors_of(answer)[0][0] == "order.proposed_order_uuid"
    assert levelup.orders() == []


def test_the_merchant_token_is_still_needed(levelup: LevelUp) -> None:
    answer = levelup.http.post(
        "/v15/proposed_orders",
        json={"proposed_order": _order(1000)},
        headers={"Authorization": f'token user="{token_of(levelup, "Ada")}"'},
    )
    assert answer.status_code == 401
