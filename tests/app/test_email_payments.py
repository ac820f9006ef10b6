"""Asking a customer, by email, for permission to charge them: the register signs in as its
LevelUp app, sends a permissions request for ``create_orders`` and waits for the customer's
answer, against the sandbox over real HTTP."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from pos_app.app.email_payments import (
    AppCredentials,
    EmailPaymentError,
    EmailPayments,
    Waiting,
    shown_to_cashier,
)
from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.sandbox import RunningSandbox


class Desk:
    """The register's side (an :class:`EmailPayments`) and the customer's (the admin API)."""

    def __init__(self, server: RunningSandbox) -> None:
        self.admin = SandboxAdmin(server.url)
        seed = self.admin.seed()
        self.app = seed["app"]
        merchant = SecretStr(seed["merchants"][0]["access_token"])
        self.client = LevelUpClient(
            ClientConfig(base_url=server.url, merchant_token=merchant, retries=1, backoff=0)
        )
        self.credentials: AppCredentials | None = AppCredentials(
            SecretStr(self.app["api_key"]), SecretStr(self.app["client_secret"])
        )
        self.payments = EmailPayments(
            self.client, lambda: self.credentials, timeout=5.0, poll_every=0.02
        )
        self.cancel = threading.Event()
        self.seen: list[Waiting] = []

    def customer(self, name: str) -> dict[str, Any]:
        return next(c for c in self.admin.customers() if c["name"].startswith(name))

    def ask(self, name: str, answer: Any = None) -> Any:
        """Ask ``name`` by email; ``answer(customer)`` runs once the request waits for them."""
        customer = self.customer(name)

        def progress(waiting: Waiting) -> None:
            self.seen.append(waiting)
            if answer is not None and len(self.seen) == 1:
                answer(customer)

        return self.payments.ask(customer["email"], self.cancel, progress)

    def close(self) -> None:
        self.client.close()
        self.admin.close()


@pytest.fixture
def desk(server: RunningSandbox) -> Iterator[Desk]:
    server.reset()
    made = Desk(server)
    yield made
    made.close()


def accepts(desk: Desk):
    return lambda customer: desk.admin.answer_permissions(customer, accept=True)


def test_an_accepted_request_gives_a_token_that_pays_for_orders(desk):
    token = desk.ask("Ada", accepts(desk))
    assert token.label == "a•••@c•••.example"
    assert "access_token" not in repr(token) and token.token.get_secret_value() not in repr(token)
    assert desk.seen[0].customer == "ada.card@…"
    assert desk.payments.available
    # the token granted is the customer's, with create_orders and nothing more needed
    answer = desk.client._http.get(
        "/v15/users", headers={"Authorization": f'token user="{token.token.get_secret_value()}"'}
    )
    assert answer.status_code == 401  # only create_orders was asked for, not read_user_basic_info


def test_a_rejected_request_is_said_in_plain_words(desk):
    with pytest.raises(EmailPaymentError, match=r"ada\.card@… declined the request in LevelUp"):
        desk.ask("Ada", lambda customer: desk.admin.answer_permissions(customer, accept=False))


def test_a_request_replaced_by_a_newer_one_has_expired(desk):
    def ask_again(customer: dict[str, Any]) -> None:
        other = EmailPayments(desk.client, lambda: desk.credentials, timeout=1.0)
        other_cancel = threading.Event()
        other_cancel.set()  # the second request is sent, then not waited for
        with pytest.raises(EmailPaymentError, match="Cancelled"):
            other.ask(customer["email"], other_cancel)

    with pytest.raises(EmailPaymentError, match="expired"):
        desk.ask("Ada", ask_again)


def test_a_customer_who_does_not_answer_times_out(desk):
    desk.payments.timeout = 0.3
    with pytest.raises(EmailPaymentError, match="did not accept in LevelUp within 0 seconds"):
        desk.ask("Ada")
    assert desk.seen[-1].waited >= 0.3


def test_the_cashier_cancels_while_waiting(desk):
    with pytest.raises(EmailPaymentError, match=r"Cancelled: nothing was charged to ada\.card@…"):
        desk.ask("Ada", lambda customer: desk.cancel.set())


def test_an_email_no_customer_has_is_refused_before_waiting(desk):
    with pytest.raises(EmailPaymentError, match="no customer with that email"):
        desk.payments.ask("nobody@customers.example", desk.cancel)


@pytest.mark.parametrize("text", ["", "ada", "ada@", "two@@at.example"])
def test_text_that_is_not_an_email_is_refused_before_anything_is_sent(desk, text):
    with pytest.raises(ValueError, match="email"):
        desk.payments.ask(text, desk.cancel)
    assert desk.seen == []


def test_a_register_without_app_credentials_says_who_sets_them_up(desk):
    desk.credentials = None
    assert not desk.payments.available
    with pytest.raises(EmailPaymentError, match="pay-by-email setup") as caught:
        desk.ask("Ada")
    assert caught.value.setup


def test_a_wrong_client_secret_is_a_setup_problem(desk):
    desk.credentials = AppCredentials(SecretStr(desk.app["api_key"]), SecretStr("wrong-secret"))
    with pytest.raises(
        EmailPaymentError, match="refused this register's app credentials"
    ) as caught:
        desk.ask("Ada")
    assert caught.value.setup


def test_an_app_token_levelup_no_longer_takes_is_renewed(desk):
    desk.payments._app_token = SecretStr("1-revoked-app-token")
    assert desk.ask("Ada", accepts(desk)).label == "a•••@c•••.example"


def test_levelup_unreachable_at_first_is_a_clear_refusal(desk):
    desk.admin.add_fault(path="/v15/apps/permissions_requests", status=503, times=5)
    with pytest.raises(EmailPaymentError, match=r"maintenance.*Nothing was charged"):
        desk.ask("Ada")


def test_a_blip_while_the_customer_decides_does_not_end_the_wait(desk):
    desk.admin.add_fault(path="/v15/apps/permissions_requests/*", drop="before_commit", times=3)
    assert desk.ask("Ada", accepts(desk)).label == "a•••@c•••.example"


def test_no_email_or_token_is_logged(desk, caplog):
    caplog.set_level(logging.DEBUG, logger="levelup")
    token = desk.ask("Ada", accepts(desk))
    customer = desk.customer("Ada")
    logged = caplog.text
    assert "permissions_requests" in logged
    assert customer["email"] not in logged
    assert token.token.get_secret_value() not in logged
    assert desk.app["client_secret"] not in logged


def test_what_the_cashier_sees_of_an_email():
    assert shown_to_cashier("ada.card@customers.example") == "ada.card@…"
