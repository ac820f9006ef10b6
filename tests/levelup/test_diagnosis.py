"""``check_connection``: each failure a register meets, told with what to do about it."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.levelup.diagnosis import check_connection


@pytest.fixture
def sandbox(server):
    server.reset()
    token = server.ledger.seed_view()["merchants"][0]["access_token"]
    admin = httpx.Client(base_url=server.url)
    yield server, token, admin
    admin.close()


def client_for(url: str, token: str = "9-abc", **transport) -> LevelUpClient:
    config = ClientConfig(base_url=url, merchant_token=SecretStr(token), retries=0)
    return LevelUpClient(config, **transport)


def texts(steps):
    return [(step.ok, step.text) for step in steps]


def test_all_good(sandbox):
    server, token, _ = sandbox
    with client_for(server.url, token) as client:
        steps = check_connection(client, 19)
    assert [ok for ok, _ in texts(steps)] == [True, True, True]
    assert "manages 2 location(s)" in steps[1].text
    assert (
        steps[2].text
        == "Location 19 (Demo Café, Main Street) of Demo Café belongs to this merchant."
    )


def test_no_location_set_lists_the_choices(sandbox):
    server, token, _ = sandbox
    with client_for(server.url, token) as client:
        last = check_connection(client, None)[-1]
    assert not last.ok
    assert "No location is set" in last.text and "20 (Demo Café, Harbour)" in last.text


def test_someone_elses_location(sandbox):
    server, token, _ = sandbox
    with client_for(server.url, token) as client:
        last = check_connection(client, 30)[-1]
    assert not last.ok and "Location 30 is not one this merchant manages" in last.text


def test_a_revoked_token(sandbox):
    server, _, _ = sandbox
    with client_for(server.url, "1-revoked") as client:
        steps = check_connection(client, 19)
    assert texts(steps)[0][0] is True
    assert not steps[-1].ok and "refused the merchant token (401)" in steps[-1].text


def test_maintenance(sandbox):
    server, token, admin = sandbox
    admin.post("/sandbox/faults", json={"path": "*", "status": 503})
    with client_for(server.url, token) as client:
        steps = check_connection(client, 19)
    assert "down for maintenance" in steps[-1].text


def test_no_answer(sandbox):
    server, token, admin = sandbox
    admin.post("/sandbox/faults", json={"path": "*", "drop": "before_commit", "times": 1})
    with client_for(server.url, token) as client:
        [step] = check_connection(client, 19)
    assert "did not answer" in step.text


def test_unreachable():
    with client_for("http://127.0.0.1:1") as client:
        [step] = check_connection(client, 19)
    assert not step.ok
    assert "Cannot reach http://127.0.0.1:1" in step.text and "TCP 443" in step.text


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (httpx.Response(200, content=b"<html>Sign in to Wi-Fi</html>"), "not as LevelUp does"),
        (httpx.Response(501, content=b""), "too old (501)"),
        (
            httpx.Response(
                400, json=[{"error": {"object": "x", "property": "y", "message": "Bad."}}]
            ),
            "x.y: Bad.",
        ),
    ],
)
def test_answers_that_are_not_right(answer, says):
    with client_for(
        "https://levelup.example", transport=httpx.MockTransport(lambda r: answer)
    ) as client:
        steps = check_connection(client, 19)
    assert not steps[-1].ok and says in steps[-1].text
