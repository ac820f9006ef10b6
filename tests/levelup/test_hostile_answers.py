"""The client against a hostile server on loopback (red team D3, D4, D16): answers dripped a
byte at a time, huge, gzip bombs, nested past any parser, and errors quoting the request
back. Each ends in a typed error, in time, and no credential survives into what the register
stores or shows."""

from __future__ import annotations

import gzip
import json
import socket
import time

import pytest
from pydantic import SecretStr

from pos_app.levelup.calls import MAX_ANSWER_BYTES, ClientConfig
from pos_app.levelup.client import LevelUpClient
from pos_app.levelup.errors import InvalidResponse, NoAnswer, OutcomeUnknown, RequestRejected
from tests.hostile_server import hostile_server, http_response

TOKEN = "1001-" + "0449ab" * 10
CODE = "LU02000TESTCODE0000000000LU"


def client_for(url: str, **config: object) -> LevelUpClient:
    settings: dict[str, object] = {
        "base_url": url,
        "merchant_token": SecretStr(TOKEN),
        "retries": 0,
        **config,
    }
    return LevelUpClient(ClientConfig(**settings))  # type: ignore[arg-type]


def drip(response: bytes, every: float):
    def answer(conn: socket.socket, request: bytes) -> None:
        for i in range(len(response)):
            conn.sendall(response[i : i + 1])
            time.sleep(every)

    return answer


def test_a_body_dripped_a_byte_at_a_time_meets_the_deadline():
    """Each byte comes well inside the read timeout; the call still ends at its deadline."""
    body = json.dumps({"location": {"id": 19, "name": "x" * 200}}).encode()
    with (
        hostile_server(drip(http_response(200, body), 0.05)) as url,
        client_for(url, deadline=1.0, read_timeout=5.0) as client,
    ):
        started = time.monotonic()
        with pytest.raises(NoAnswer) as caught:
            client.location(19)
        took = time.monotonic() - started
    assert took < 2.0, f"held {took:.1f} s past a 1 s deadline"
    assert "no whole answer within 1 s" in caught.value.detail


def test_headers_dripped_hold_a_completed_order_no_longer_than_its_deadline():
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(f"X-{i}: y\r\n".encode() for i in range(200))
    with (
        hostile_server(drip(head, 0.02)) as url,
        client_for(url, deadline=1.0, order_deadline=1.0, order_read_timeout=5.0) as client,
    ):
        started = time.monotonic()
        with pytest.raises(NoAnswer):
            client.location(19)
        with pytest.raises(OutcomeUnknown):
            client.refund("0b1e2c3d-0000-4000-8000-000000000000")
        took = time.monotonic() - started
    assert took < 4.0, f"two calls held {took:.1f} s past their 1 s deadlines"


def test_the_default_deadlines_are_inside_the_settle_window():
    from pos_app.engine.model import EngineSettings

    config = ClientConfig()
    settle = EngineSettings(location_id=19, merchant_id=1, register="1").settle_after
    assert config.connect_timeout + config.order_deadline < settle.total_seconds()
    assert config.order_read_timeout < config.order_deadline


@pytest.mark.parametrize(
    "answer",
    [
        http_response(200, b"[" + b" " * (MAX_ANSWER_BYTES + 10) + b"]"),
        http_response(200, gzip.compress(b" " * (64 * 2**20)), "Content-Encoding: gzip"),
    ],
    ids=["huge", "gzip bomb"],
)
def test_an_answer_too_big_is_refused_as_it_streams_in(answer):
    with (
        hostile_server(lambda conn, request: conn.sendall(answer)) as url,
        client_for(url) as client,
        pytest.raises(NoAnswer) as caught,
    ):
        client.location(19)
    assert "over 4 MiB" in caught.value.detail


@pytest.mark.parametrize("status", [200, 422])
def test_json_nested_past_any_parser_is_an_invalid_answer(status):
    deep = b"[" * 100_000 + b"]" * 100_000
    with (
        hostile_server(lambda conn, request: conn.sendall(http_response(status, deep))) as url,
        client_for(url) as client,
        pytest.raises(InvalidResponse),
    ):
        client.location(19)


def test_an_error_quoting_the_request_back_is_masked_in_every_word():
    """LevelUp's own message (shown to the cashier, kept on the tender) quotes the header, a
    bare token and the code; none of them survives."""

    def quote_back(conn: socket.socket, request: bytes) -> None:
        text = request.decode(errors="replace").replace('"', "'")
        message = f"Bad request from {text}; rejected credential {TOKEN} and code {CODE}"
        body = json.dumps([{"error": {"object": "order", "property": "x", "message": message}}])
        conn.sendall(http_response(422, body.encode()))

    with (
        hostile_server(quote_back) as url,
        client_for(url) as client,
        pytest.raises(RequestRejected) as caught,
    ):
        client.location(19)
    error = caught.value
    for text in (error.cashier_message, error.detail, str(error), *error.messages):
        assert TOKEN not in text and TOKEN[5:] not in text
        assert CODE not in text and CODE[4:] not in text
    assert "LevelUp did not accept this" in error.cashier_message
