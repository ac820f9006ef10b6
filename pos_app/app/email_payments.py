"""Paying by email: the register, as a LevelUp app, asks a customer for ``create_orders`` and
waits for them to accept in their LevelUp app; the user token granted then pays the check
through the same proposed → completed order as a scan
(:class:`~pos_app.levelup.orders.CustomerToken`).

:class:`EmailPayments` asks and waits, off the engine's lane (nothing is journaled while the
customer decides). The app's API key and client secret are in the secret store; its app token
and the customer's user token are kept in memory only, and masked in every log line. The
customer's email is never kept: what the journal, receipts and logs see is it masked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from pos_app.host.logs import register_secret
from pos_app.host.secrets import APP_API_KEY, APP_CLIENT_SECRET, SecretStore
from pos_app.levelup.app_wire import CREATE_ORDERS, PermissionsRequest
from pos_app.levelup.client import LevelUpClient
from pos_app.levelup.errors import (
    AuthenticationError,
    LevelUpError,
    NoAnswer,
    RequestRejected,
    TransportError,
)
from pos_app.levelup.orders import CustomerToken
from pos_app.receipts.mail import check_email, mask_email

POLL_EVERY = 0.25
"""Seconds between two looks at the permissions request: the register sees an acceptance at
most this long after it, and asks LevelUp 4 times a second while the customer decides."""


class EmailPaymentError(Exception):
    """The customer's permission could not be had; the message says why in the cashier's
    words, and that nothing was charged. ``setup``: the register's app credentials need a
    manager."""

    def __init__(self, message: str, *, setup: bool = False) -> None:
        super().__init__(message)
        self.setup = setup


@dataclass(frozen=True)
class Waiting:
    """How the wait for the customer goes: for the window's progress bar."""

    customer: str
    """Whom the register waits for, as the cashier may see it (``ada@…``)."""
    waited: float
    timeout: float


def shown_to_cashier(email: str) -> str:
    """``ada.card@customers.example`` → ``ada.card@…``: the cashier typed it, the customer
    standing there recognises it, and the domain is not shown."""
    return email.partition("@")[0] + "@…"


@dataclass(frozen=True)
class AppCredentials:
    api_key: SecretStr
    client_secret: SecretStr

    @classmethod
    def of(cls, secrets: SecretStore) -> AppCredentials | None:
        """The register's LevelUp app credentials, if a manager set them up."""
        api_key, client_secret = secrets.get(APP_API_KEY), secrets.get(APP_CLIENT_SECRET)
        if not api_key or not client_secret:
            return None
        for secret in (api_key, client_secret):
            register_secret(secret)
        return cls(SecretStr(api_key), SecretStr(client_secret))


def keep_app_credentials(secrets: SecretStore, api_key: str, client_secret: str) -> None:
    """Keep the register's LevelUp app credentials in the secret store."""
    secrets.set(APP_API_KEY, api_key)
    secrets.set(APP_CLIENT_SECRET, client_secret)


class EmailPayments:
    """Asks customers by email for permission to charge them, and waits for their answer."""

    def __init__(
        self,
        client: LevelUpClient,
        credentials: Callable[[], AppCredentials | None],
        *,
        timeout: float,
        poll_every: float = POLL_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._credentials = credentials
        self.timeout = timeout
        self.poll_every = poll_every
        self._clock = clock
        self._app_token: SecretStr | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether the register has the app credentials paying by email needs."""
        return self._credentials() is not None

    def ask(
        self,
        email: str,
        cancelled: threading.Event,
        progress: Callable[[Waiting], None] = lambda waiting: None,
    ) -> CustomerToken:
        """The customer's user token once they accept; :class:`EmailPaymentError` when they
        reject it, the request expires, ``timeout`` passes or ``cancelled`` is set first.
        ``email`` is checked before anything is sent (``ValueError`` in plain words)."""
        address = check_email(email)
        customer = shown_to_cashier(address)
        started = self._clock()
        try:
            asked = self._call(
                lambda token: self._client.request_permissions(token, address, [CREATE_ORDERS])
            )
        except (TransportError, NoAnswer) as error:
            raise EmailPaymentError(f"{error.cashier_message} Nothing was charged.") from None
        while True:
            if asked.state == "accepted" and asked.token is not None:
                register_secret(asked.token.get_secret_value())
                return CustomerToken(asked.token, mask_email(address))
            if asked.state != "pending":
                raise EmailPaymentError(_ENDED[asked.state].format(customer=customer))
            waited = self._clock() - started
            progress(Waiting(customer, waited, self.timeout))
            if waited >= self.timeout:
                raise EmailPaymentError(
                    f"{customer} did not accept in LevelUp within {self.timeout:.0f} seconds. "
                    "Nothing was charged: ask them to open their LevelUp app and try again, or "
                    "take another payment method."
                )
            if cancelled.wait(min(self.poll_every, max(0.0, self.timeout - waited))):
                raise EmailPaymentError(f"Cancelled: nothing was charged to {customer}.")
            asked = self._look(asked)

    def _look(self, asked: PermissionsRequest) -> PermissionsRequest:
        """The request as LevelUp has it now; as it was, when LevelUp does not answer (a blip
        while the customer decides: the wait goes on until its timeout)."""
        try:
            return self._call(lambda token: self._client.permissions_request(token, asked.id))
        except (TransportError, NoAnswer):
            return asked

    def _call(self, call: Callable[[SecretStr], PermissionsRequest]) -> PermissionsRequest:
        """``call`` with the app's token; a token LevelUp no longer takes is renewed once.
        No answer (:class:`TransportError`, :class:`NoAnswer`) is raised as it is."""
        for attempt in (1, 2):
            token = self._token(renew=attempt == 2)
            try:
                return call(token)
            except AuthenticationError:
                if attempt == 2:
                    raise EmailPaymentError(_NOT_AN_APP, setup=True) from None
            except RequestRejected as error:
                raise EmailPaymentError(_rejected_words(error)) from None
            except (TransportError, NoAnswer):
                raise
            except LevelUpError as error:
                raise EmailPaymentError(f"{error.cashier_message} Nothing was charged.") from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _token(self, *, renew: bool) -> SecretStr:
        with self._lock:
            if self._app_token is None or renew:
                credentials = self._credentials()
                if credentials is None:
                    raise EmailPaymentError(_NO_CREDENTIALS, setup=True)
                try:
                    token = self._client.app_token(credentials.api_key, credentials.client_secret)
                except (AuthenticationError, RequestRejected):
                    raise EmailPaymentError(_NOT_AN_APP, setup=True) from None
                except LevelUpError as error:
                    raise EmailPaymentError(
                        f"{error.cashier_message} Nothing was charged."
                    ) from None
                register_secret(token.token.get_secret_value())
                self._app_token = token.token
            return self._app_token


def _rejected_words(error: RequestRejected) -> str:
    if any(e.property == "email" for e in error.errors):
        return (
            "LevelUp has no customer with that email. Check the spelling with the customer, or "
            "take another payment method."
        )
    return f"{error.cashier_message} Nothing was charged."


_ENDED = {
    "rejected": "{customer} declined the request in LevelUp. Nothing was charged: take another "
    "payment method.",
    "expired": "The request to {customer} expired in LevelUp (a newer request replaced it). "
    "Nothing was charged: ask again.",
    "accepted": "LevelUp said {customer} accepted but sent no permission. Nothing was charged: "
    "ask again.",
}
_NO_CREDENTIALS = (
    "Paying by email is not set up on this register: a manager adds the LevelUp app's API key "
    "and client secret with `levelup-pos pay-by-email setup`. Take another payment method."
)
_NOT_AN_APP = (
    "LevelUp refused this register's app credentials for paying by email: a manager sets them "
    "again with `levelup-pos pay-by-email setup`. Take another payment method."
)
