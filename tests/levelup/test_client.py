"""The LevelUp client against the real sandbox over loopback: every method, every error
class, and every retry and no-retry case."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from pos_app.domain import Check, LineItem
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.calls import user_agent
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.levelup.errors import (
    AuthenticationError,
    ClientOutdated,
    CodeNotRecognized,
    ConfigurationError,
    InvalidResponse,
    Maintenance,
    NoAnswer,
    NotFoundError,
    OutcomeUnknown,
    PaymentDeclined,
    RequestRejected,
    ServerError,
    Unreachable,
)
from pos_app.levelup.orders import OrderContext, completed_order_request, proposed_order_request
from pos_app.levelup.wire import CompletedOrderRequest, DetachedRefundRequest
from pos_app.sandbox import RunningSandbox

LOCATION = 19


class World:
    """The seeded sandbox, seen through the project's client and the admin API."""

    def __init__(self, server: RunningSandbox) -> None:
        self.server = server
        self.admin = httpx.Client(base_url=server.url)
        self.seed: dict[str, Any] = self.admin.get("/sandbox/seed").json()
        self.merchant = self.seed["merchants"][0]
        self.sleeps: list[float] = []
        self.client = self.make_client()

    def make_client(self, **config: Any) -> LevelUpClient:
        settings: dict[str, Any] = {
            "base_url": self.server.url,
            "merchant_token": SecretStr(self.merchant["access_token"]),
            **config,
        }
        return LevelUpClient(ClientConfig(**settings), sleep=self.sleeps.append, jitter=lambda: 1.0)

    def code(self, name: str) -> str:
        return next(
            c["payment_token_data"] for c in self.seed["customers"] if c["name"].startswith(name)
        )

    def fault(self, **rule: Any) -> None:
        assert self.admin.post("/sandbox/faults", json=rule).status_code == 201

    def orders(self) -> list[dict[str, Any]]:
        return self.admin.get("/sandbox/orders").json()

    def pay(self, name: str, cents: int, client: LevelUpClient | None = None, **context: Any):
        """Propose and complete a one-item check for ``cents`` (no tax) with the client."""
        client = client or self.client
        code = qr.parse(self.code(name))
        check = Check(context.pop("identifier", "2611230001")).add_item(LineItem("Lunch", cents))
        order_context = OrderContext(location_id=LOCATION, register="3", cashier="Bob", **context)
        proposed = client.propose(
            proposed_order_request(
                check, code, proposed_order_values(cents, 0, 0, cents), order_context
            )
        )
        values = completed_order_values(cents, 0, 0, cents, 0)
        return client.complete(
            completed_order_request(
                check,
                code,
                values,
                order_context,
                proposed_order_uuid=proposed.uuid,
                applied_discount_amount=0,
            )
        )


@pytest.fixture
def world(server: RunningSandbox) -> Iterator[World]:
    server.reset()
    world = World(server)
    yield world
    world.client.close()
    world.admin.close()


# ----- every method --------------------------------------------------------------------------


def test_access_token(world):
    merchant = world.merchant
    with world.make_client(merchant_token=None) as fresh:
        token = fresh.access_token(merchant["api_key"], merchant["username"], merchant["password"])
        assert token.token.get_secret_value() == merchant["access_token"]
        assert token.is_merchant
        with pytest.raises(RequestRejected) as caught:
            fresh.access_token("wrong", merchant["username"], merchant["password"])
        assert caught.value.has_error("access_token.api_key")
        with pytest.raises(ConfigurationError, match="no LevelUp merchant token"):
            fresh.managed_locations()


def test_locations(world):
    locations = world.client.managed_locations()
    assert [loc.id for loc in locations] == [LOCATION, 20]
    assert world.client.location(LOCATION).name == "Demo Café, Main Street"
    with pytest.raises(NotFoundError):
        world.client.location(999)


def test_propose_and_complete(world):
    order = world.pay("Ada", 1500)
    assert (order.spend_amount, order.total_amount) == (1500, 1500)
    [charged] = world.orders()
    assert charged["uuid"] == order.uuid
    assert charged["register_name"] == "3"


def test_refund_with_and_without_a_manager_code(world):
    order = world.pay("Ada", 700)
    refunded = world.client.refund(order.uuid)
    assert refunded.is_refunded
    with pytest.raises(RequestRejected) as caught:
        world.client.refund(order.uuid)
    assert "already been refunded" in caught.value.cashier_message
    with pytest.raises(NotFoundError):
        world.client.refund("0" * 32, manager_confirmation="12345")


def test_gift_card_credit_and_detached_refund(world):
    assert world.client.gift_card_credit(LOCATION, world.code("Dev")).total_amount == 2000
    world.pay("Ada", 1000)
    refund = world.client.detached_refund(
        DetachedRefundRequest(
            location_id=LOCATION,
            payment_token_data=SecretStr(world.code("Ada")),
            credit_amount=250,
            register_name="3",
            customer_facing_reason="Sorry about the wait",
        )
    )
    assert refund.credit_amount == 250
    assert refund.register_name == "3"


def test_order_details(world):
    order = world.pay("Ada", 900, identifier="2611230099")
    details = world.client.order_details(world.merchant["id"], order.uuid)
    assert details.identifier_from_merchant == "2611230099"
    assert details.register_name == "3"
    assert details.created_at is not None and details.created_at.tzinfo is not None


def test_location_orders_follow_pages_lazily_until_204(world, caplog):
    for number in range(1, 13):
        world.pay("Ada", 100 + number, identifier=f"26112300{number:02d}")
    caplog.set_level(logging.INFO, logger="levelup")
    listing = world.client.location_orders(LOCATION)
    first_three = [next(listing).identifier_from_merchant for _ in range(3)]
    assert first_three == ["2611230012", "2611230011", "2611230010"]
    assert sum("GET /v14/locations/19/orders" in r.getMessage() for r in caplog.records) == 1
    rest = list(listing)
    assert [o.spend_amount for o in rest][-2:] == [102, 101]
    assert len(rest) == 9
    assert list(world.client.location_orders(20)) == []


# ----- answers that are errors -----------------------------------------------------------------


def test_a_wrong_token_is_an_authentication_error(world):
    with (
        world.make_client(merchant_token=SecretStr("1-deadbeef")) as wrong,
        pytest.raises(AuthenticationError) as caught,
    ):
        wrong.managed_locations()
    assert caught.value.status == 401
    assert "signed in" in caught.value.cashier_message


def test_a_declined_card(world):
    with pytest.raises(PaymentDeclined) as caught:
        world.pay("Finn", 1000)
    assert caught.value.cashier_message == (
        "The customer's card was declined. Ask for another payment method."
    )
    assert caught.value.has_error("order.base")
    assert "HTTP 422" in caught.value.detail and "request id" in caught.value.detail


def test_a_code_that_is_no_customers(world):
    check = Check("x1").add_item(LineItem("Tea", 300))
    unknown = qr.build("ZZZZZZZZZZZZZZZZZZZZ")
    request = proposed_order_request(
        check, unknown, proposed_order_values(300, 0, 0, 300), OrderContext(location_id=LOCATION)
    )
    with pytest.raises(CodeNotRecognized):
        world.client.propose(request)


def test_maintenance_is_retried_then_reported(world):
    world.fault(path="/v15/managed_locations", status=503, times=2)
    assert len(world.client.managed_locations()) == 2
    assert world.sleeps == [0.25, 0.5]

    world.sleeps.clear()
    world.fault(path="*", status=503)
    with pytest.raises(Maintenance) as caught:
        world.client.managed_locations()
    assert world.sleeps == [0.25, 0.5, 1.0]
    assert "maintenance" in caught.value.cashier_message


def test_maintenance_on_a_charge_is_maintenance_not_unknown(world):
    """503 means LevelUp did nothing, so the register may take another tender at once."""
    world.fault(path="/v15/completed_orders", status=503)
    with pytest.raises(Maintenance):
        world.pay("Ada", 100)
    assert world.orders() == []
    assert world.sleeps == [0.25, 0.5, 1.0]


def test_a_server_error_on_a_lookup_is_reported_not_retried(world):
    world.fault(path="/v15/managed_locations", status=500, times=1)
    with pytest.raises(ServerError):
        world.client.managed_locations()
    assert world.sleeps == []


# ----- no answer ---------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_is_retried_three_times_then_unreachable(world, caplog):
    caplog.set_level(logging.WARNING, logger="levelup")
    with (
        world.make_client(base_url=f"http://127.0.0.1:{closed_port()}") as client,
        pytest.raises(Unreachable) as caught,
    ):
        client.managed_locations()
    assert caught.value.attempts == 4
    assert world.sleeps == [0.25, 0.5, 1.0]
    assert "ConnectError" in caught.value.detail
    assert "can't be reached" in caught.value.cashier_message
    assert len([r for r in caplog.records if "failed" in r.getMessage()]) == 4


def test_backoff_is_capped(world):
    with (
        world.make_client(
            base_url=f"http://127.0.0.1:{closed_port()}", retries=5, backoff=1.0, backoff_cap=3.0
        ) as client,
        pytest.raises(Unreachable),
    ):
        client.managed_locations()
    assert world.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_a_completed_order_dropped_before_commit_is_unknown_and_not_resent(world):
    world.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        world.pay("Ada", 800, identifier="2611230042")
    unknown = caught.value
    assert unknown.attempts == 1
    assert "RemoteProtocolError" in unknown.cause
    assert isinstance(unknown.request, CompletedOrderRequest)
    assert unknown.request.identifier_from_merchant == "2611230042"
    assert unknown.request.spend_amount == 800
    assert unknown.sent_at.tzinfo is not None
    assert world.orders() == []  # not charged, and not sent again (it would have succeeded)
    assert world.sleeps == []


def test_a_completed_order_dropped_after_commit_is_unknown_and_was_charged(world):
    world.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        world.pay("Ada", 800, identifier="2611230043")
    [charged] = world.orders()
    assert charged["identifier_from_merchant"] == caught.value.request.identifier_from_merchant
    assert charged["spend_amount"] == 800
    found = [
        o
        for o in world.client.location_orders(LOCATION)
        if o.identifier_from_merchant == "2611230043"
    ]
    assert [o.uuid for o in found] == [charged["uuid"]]


def test_an_answer_slower_than_the_read_timeout_is_unknown(world):
    world.fault(path="/v15/completed_orders", latency_ms=600, times=1)
    with (
        world.make_client(order_read_timeout=0.2) as impatient,
        pytest.raises(OutcomeUnknown) as caught,
    ):
        world.pay("Ada", 650, client=impatient)
    assert "ReadTimeout" in caught.value.cause


def test_a_server_error_to_a_charge_is_unknown(world):
    world.fault(path="/v15/completed_orders", status=500, times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        world.pay("Ada", 100)
    assert "HTTP 500" in caught.value.cause
    assert "Don't charge the customer again" in caught.value.cashier_message


def test_a_refund_that_gets_no_answer_is_unknown(world):
    order = world.pay("Ada", 300)
    world.fault(path=f"/v15/orders/{order.uuid}/refund", drop="after_commit", times=1)
    with pytest.raises(OutcomeUnknown):
        world.client.refund(order.uuid)
    assert world.orders()[0]["refunded_at"] is not None


@pytest.mark.parametrize("drop", ["before_commit", "after_commit"])
def test_no_answer_to_a_proposal_or_lookup_is_safe_to_repeat(world, drop):
    world.fault(path="/v15/proposed_orders", drop=drop, times=1)
    with pytest.raises(NoAnswer) as caught:
        world.pay("Ada", 100)
    assert "try again" in caught.value.cashier_message.lower()
    world.fault(path="/v15/managed_locations", drop=drop, times=1)
    with pytest.raises(NoAnswer):
        world.client.managed_locations()
    assert world.pay("Ada", 100).spend_amount == 100


# ----- what only a mock transport can produce ---------------------------------------------------


def mock_client(handler, world: World, **config: Any) -> LevelUpClient:
    settings = {
        "base_url": "https://levelup.example",
        "merchant_token": SecretStr("9-abc"),
        **config,
    }
    return LevelUpClient(
        ClientConfig(**settings),
        transport=httpx.MockTransport(handler),
        sleep=world.sleeps.append,
        jitter=lambda: 1.0,
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectTimeout("timed out"),
        httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
    ],
    ids=["dns", "connect timeout", "tls handshake"],
)
def test_failures_before_sending_are_retried(world, failure):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            raise failure
        return httpx.Response(200, json=[{"location": {"id": 1}}])

    with mock_client(handler, world) as client:
        assert [loc.id for loc in client.managed_locations()] == [1]
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (httpx.Response(200, content=b"{not json"), InvalidResponse),
        (httpx.Response(200, json={"unexpected": True}), InvalidResponse),
        (httpx.Response(200, json={"order": {"uuid": 5}}), InvalidResponse),
        (httpx.Response(501, content=b""), ClientOutdated),
        (httpx.Response(502, content=b"<html>Bad Gateway</html>"), ServerError),
    ],
)
def test_answers_the_sandbox_cannot_give(world, answer, kind):
    with mock_client(lambda request: answer, world) as client, pytest.raises(kind):
        client.order_details(1, "abc")


def undecodable(request: httpx.Request) -> httpx.Response:
    stream = httpx.ByteStream(b"\x1f\x8b not gzip at all")
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=stream)


@pytest.mark.parametrize(
    "handler",
    [
        lambda request: httpx.Response(
            200, content=b'{"order": {"uuid": "a", "spend_amount": 1.5}}'
        ),
        undecodable,
    ],
    ids=["wrong shape", "undecodable body"],
)
def test_an_unreadable_answer_to_a_charge_is_unknown(world, handler):
    """LevelUp answered, so it acted; what it did cannot be read, so it must be looked up."""
    with mock_client(handler, world) as client, pytest.raises(OutcomeUnknown) as caught:
        client.refund("a")
    assert caught.value.order_uuid == "a"


def test_a_refund_that_gets_no_answer_names_its_order(world):
    order = world.pay("Ada", 300)
    world.fault(path="/v15/orders/*/refund", drop="before_commit", times=1)
    with pytest.raises(OutcomeUnknown) as caught:
        world.client.refund(order.uuid)
    assert caught.value.order_uuid == order.uuid


def test_a_next_page_on_another_host_is_refused(world):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(
            200,
            json=[{"order": {"uuid": "a"}}],
            headers={"Link": '<http://attacker.example/v14/locations/5/orders?page=2>; rel="next"'},
        )

    with (
        mock_client(handler, world) as client,
        pytest.raises(InvalidResponse, match="another host"),
    ):
        list(client.location_orders(5))
    assert seen == ["https://levelup.example/v14/locations/5/orders"]


@pytest.mark.parametrize("token", ["1-abcé", 'x" evil="y', "two words"])
def test_tokens_with_characters_a_token_never_has_are_refused(token):
    with pytest.raises(ConfigurationError, match="sign in again"):
        LevelUpClient(ClientConfig(base_url="https://x.example", merchant_token=SecretStr(token)))


def test_requests_carry_levelups_headers(world):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"order": {"uuid": "a"}})

    with mock_client(handler, world) as client:
        client.refund("a", manager_confirmation="87168")
    [request] = seen
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == 'token merchant="9-abc"'
    assert request.headers["user-agent"] == user_agent()
    assert request.headers["user-agent"].startswith("LevelUp-POS/")
    assert json.loads(request.content) == {"refund": {"manager_confirmation": "87168"}}
    assert str(request.url) == "https://levelup.example/v15/orders/a/refund"


def test_link_headers_without_angle_brackets_are_followed(world):
    pages = {
        "/v14/locations/5/orders": httpx.Response(
            200,
            json=[{"order": {"uuid": "new"}}],
            headers={"Link": "https://levelup.example/v14/locations/5/orders?page=2; rel=next"},
        ),
        "/v14/locations/5/orders?page=2": httpx.Response(200, json=[{"order": {"uuid": "old"}}]),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        key = request.url.path + (f"?{request.url.query.decode()}" if request.url.query else "")
        return pages[key]

    with mock_client(handler, world) as client:
        assert [o.uuid for o in client.location_orders(5)] == ["new", "old"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://api.thelevelup.com", False),
        ("ftp://127.0.0.1", False),
        ("https://api.thelevelup.com", True),
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://[::1]:8765", True),
    ],
)
def test_plain_http_only_on_this_machine(url, ok):
    if ok:
        LevelUpClient(ClientConfig(base_url=url)).close()
    else:
        with pytest.raises(ConfigurationError):
            LevelUpClient(ClientConfig(base_url=url))


# ----- logs ---------------------------------------------------------------------------------------


def test_logs_name_every_call_and_never_a_credential(world, caplog):
    caplog.set_level(logging.DEBUG, logger="levelup")
    merchant = world.merchant
    with world.make_client(merchant_token=None) as fresh:
        fresh.access_token(merchant["api_key"], merchant["username"], merchant["password"])
    order = world.pay("Gia", 1000)
    world.client.refund(order.uuid, manager_confirmation="55555")
    world.client.gift_card_credit(LOCATION, world.code("Dev"))
    with pytest.raises(PaymentDeclined):
        world.pay("Finn", 100)
    world.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    with pytest.raises(OutcomeUnknown):
        world.pay("Ada", 100)

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /v15/completed_orders 200 in" in text and "(attempt 1)" in text
    assert "POST /v15/access_tokens 200" in text
    secrets = [merchant["access_token"], merchant["password"], merchant["api_key"], "55555"]
    secrets += [c["payment_token_data"] for c in world.seed["customers"]]
    secrets += [c["payment_token_data"][4:24] for c in world.seed["customers"]]
    for secret in secrets:
        assert secret not in text
    assert '"payment_token_data": "***"' in text
