"""The one module that talks to LevelUp: a typed, synchronous client over httpx.

It is used from worker threads (never the GUI thread); one :class:`LevelUpClient` holds one
keep-alive connection pool, and the application makes one per process.

What it promises about failure:

- A request that provably never reached LevelUp (connection refused, DNS failure, connect
  timeout, TLS handshake failure) and a 503 (maintenance) are retried, up to ``retries`` more
  times with exponential backoff and jitter; then :class:`Unreachable` or
  :class:`Maintenance`.
- A request that may have reached LevelUp (read timeout, reset, dropped connection, or a 5xx
  to a call that charges or refunds) is never resent here. If the call moves money it raises
  :class:`OutcomeUnknown`, carrying the request and when it was sent so the engine can look
  the order up; otherwise :class:`NoAnswer`, which is safe to repeat.
- Every other answer is a typed model, or the :class:`ApiError` for its status.

Logs go to the ``levelup`` logger: one INFO line a call (method, path, status, time,
attempt), bodies at DEBUG with every credential masked.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from pos_app.levelup.app_wire import (
    AppTokenRequest,
    PermissionsRequest,
    PermissionsRequestBody,
)
from pos_app.levelup.calls import (
    Call,
    ClientConfig,
    may_have_charged,
    order_uuid,
    retry_delay,
    user_agent,
)
from pos_app.levelup.client_log import (
    describe,
    log_answer,
    log_body,
    log_failure,
    parse,
    read_answer,
    request_id,
)
from pos_app.levelup.deadline import deadline_transport, within
from pos_app.levelup.envelope import Request, Response
from pos_app.levelup.errors import (
    ConfigurationError,
    InvalidResponse,
    LevelUpError,
    NoAnswer,
    OutcomeUnknown,
    Unreachable,
    error_for_response,
)
from pos_app.levelup.wire import (
    AccessToken,
    AccessTokenRequest,
    CompletedOrder,
    CompletedOrderRequest,
    DetachedRefund,
    DetachedRefundRequest,
    GiftCardCredit,
    GiftCardCreditRequest,
    Location,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
    RefundRequest,
)

log = logging.getLogger("levelup")

_R = TypeVar("_R", bound=Response)

# Failures before a single byte of the request left: always safe to try again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class LevelUpClient:
    """LevelUp's v15 API for a register. Thread-safe; close it (or use ``with``) when done.

    ``sleep`` and ``jitter`` are seams for tests of the retry schedule.
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = lambda: random.uniform(0.5, 1.0),  # noqa: S311 - not crypto
    ) -> None:
        scheme = urlsplit(config.base_url).scheme
        if scheme not in ("http", "https"):
            raise ConfigurationError(
                f"LevelUp's address must be http(s)://, not {config.base_url!r}."
            )
        if scheme == "http" and not config.is_loopback:
            raise ConfigurationError(
                f"{config.base_url} is not on this machine, so it must use https://."
            )
        if not _token_shaped(config.merchant_token):
            raise ConfigurationError(
                "The merchant token has characters a LevelUp token never has; sign in again."
            )
        self.config = config
        self._sleep = sleep
        self._jitter = jitter
        self._http = httpx.Client(
            base_url=config.base_url.rstrip("/"),
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                "User-Agent": user_agent(),
            },
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            # A proxy from the environment may serve the internet, never the local sandbox.
            trust_env=not config.is_loopback,
            transport=transport
            or deadline_transport(
                # Certificates are always checked; loopback HTTP (the sandbox) has none.
                verify=config.ca_bundle or True,
                # Shorter than servers' idle timeouts (uvicorn: 5 s), so a pooled connection
                # is not reused just as the server closes it.
                limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=4.0),
            ),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LevelUpClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ----- endpoints ------------------------------------------------------------------------

    def access_token(self, api_key: str, username: str, password: str) -> AccessToken:
        """Exchange the merchant's login for their long-lived token (the login is not kept)."""
        body = AccessTokenRequest(
            api_key=SecretStr(api_key), username=username, password=SecretStr(password)
        )
        return self._send(self._v15("POST", "access_tokens"), AccessToken, body, authorization="")

    def app_token(self, api_key: SecretStr, client_secret: SecretStr) -> AccessToken:
        """The register's token as a LevelUp app (for permissions requests)."""
        body = AppTokenRequest(api_key=api_key, client_secret=client_secret)
        return self._send(self._v15("POST", "access_tokens"), AccessToken, body, authorization="")

    def request_permissions(
        self, app_token: SecretStr, email: str, permissions: Sequence[str]
    ) -> PermissionsRequest:
        """Ask the customer with ``email`` for ``permissions``; they answer in their app."""
        body = PermissionsRequestBody(email=email, permission_keynames=list(permissions))
        call = self._v15("POST", "apps/permissions_requests")
        return self._send(call, PermissionsRequest, body, authorization=_app(app_token))

    def permissions_request(self, app_token: SecretStr, request_id: int) -> PermissionsRequest:
        """A permissions request's state, and the user token once accepted."""
        call = self._v15("GET", f"apps/permissions_requests/{request_id}")
        return self._send(call, PermissionsRequest, authorization=_app(app_token))

    def managed_locations(self) -> list[Location]:
        return self._send_list(self._v15("GET", "managed_locations"), Location)

    def location(self, location_id: int) -> Location:
        return self._send(self._v15("GET", f"locations/{location_id}"), Location)

    def propose(
        self, request: ProposedOrderRequest, user_token: SecretStr | None = None
    ) -> ProposedOrder:
        """``user_token``: the customer's, paying in place of a code (paying by email)."""
        call = self._v15("POST", "proposed_orders", order=True)
        authorization = self._authorization(user_token)
        return self._send(call, ProposedOrder, request, authorization=authorization)

    def complete(
        self, request: CompletedOrderRequest, user_token: SecretStr | None = None
    ) -> CompletedOrder:
        """Charge the customer. A lost answer raises :class:`OutcomeUnknown`, never a resend."""
        call = self._v15("POST", "completed_orders", order=True, money=True)
        authorization = self._authorization(user_token)
        return self._send(call, CompletedOrder, request, authorization=authorization)

    def refund(self, order_uuid: str, manager_confirmation: str | None = None) -> MerchantOrder:
        """Refund a whole order."""
        body = None
        if manager_confirmation is not None:
            body = RefundRequest(manager_confirmation=SecretStr(manager_confirmation))
        call = replace(
            self._v15("POST", f"orders/{_in_path(order_uuid)}/refund", order=True, money=True),
            order_uuid=order_uuid,
        )
        return self._send(call, MerchantOrder, body)

    def gift_card_credit(self, location_id: int, payment_token_data: str) -> GiftCardCredit:
        body = GiftCardCreditRequest(payment_token_data=SecretStr(payment_token_data))
        call = self._v15("POST", f"locations/{location_id}/get_merchant_funded_gift_card_credit")
        return self._send(call, GiftCardCredit, body)

    def detached_refund(self, request: DetachedRefundRequest) -> DetachedRefund:
        call = self._v15("POST", "detached_refunds", order=True, money=True)
        return self._send(call, DetachedRefund, request)

    def order_details(self, merchant_id: int, order_uuid: str) -> MerchantOrder:
        return self._send(
            self._v15("GET", f"merchants/{merchant_id}/orders/{_in_path(order_uuid)}"),
            MerchantOrder,
        )

    def location_orders(self, location_id: int) -> Iterator[MerchantOrder]:
        """The location's orders, newest first, fetched a page at a time as they are read
        (``GET /v14/locations/:id/orders``, the only listing LevelUp has)."""
        url: str | None = f"/v14/locations/{location_id}/orders"
        while url is not None:
            call = Call("GET", urlsplit(url).path)
            response, _ = self._exchange(call, url, None, self._authorization())
            if response.status_code == 204:
                return
            yield from parse(call, response, MerchantOrder.list_from_body)
            link = response.links.get("next", {}).get("url")
            url = None if link is None else self._same_origin(call, response, link)

    def _same_origin(self, call: Call, response: httpx.Response, link: str) -> str:
        """A paging link, refused unless it stays on LevelUp's scheme, host and port (the
        merchant token goes with it)."""
        base = self._http.base_url
        target = base.join(link)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise InvalidResponse(
                response.status_code,
                f"a next-page link to another host ({target.scheme}://{target.host})",
                b"",
                what=call.what,
            )
        return str(target)

    # ----- the exchange ---------------------------------------------------------------------

    def _v15(self, method: str, path: str, *, order: bool = False, money: bool = False) -> Call:
        return Call(method, f"/{self.config.api_version}/{path}", money, order)

    def _send(
        self,
        call: Call,
        model: type[_R],
        body: Request | None = None,
        *,
        authorization: str | None = None,
    ) -> _R:
        """``authorization``: the header to send; None, the merchant's; "", none at all."""
        if authorization is None:
            authorization = self._authorization()
        response, sent_at = self._exchange(call, call.path, body, authorization)
        try:
            return parse(call, response, model.from_body)
        except InvalidResponse as error:
            if call.moves_money:  # LevelUp acted, and what it said cannot be read
                raise self._unanswered(call, error.detail, 1, body, sent_at) from None
            raise

    def _send_list(self, call: Call, model: type[_R]) -> list[_R]:
        response, _ = self._exchange(call, call.path, None, self._authorization())
        return parse(call, response, model.list_from_body)

    def _exchange(
        self, call: Call, url: str, body: Request | None, authorization: str
    ) -> tuple[httpx.Response, datetime]:
        """The answer to ``call`` and when its (last) request was sent."""
        headers = {"Authorization": authorization} if authorization else {}
        content = json.dumps(body.to_body()).encode() if body is not None else None
        log_body(call, content)
        timeout = self._http.timeout
        deadline = self.config.deadline
        if call.order_call:
            timeout = httpx.Timeout(
                self.config.order_read_timeout, connect=self.config.connect_timeout
            )
            deadline = self.config.order_deadline
        attempts = 1 + max(0, self.config.retries)
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            sent_at = datetime.now(UTC)
            try:
                with within(deadline) as running:
                    response = read_answer(self._http, call.method, url, content, headers, timeout)
            except _NOT_SENT as exc:
                cause = describe(exc)
                log_failure(call, cause, attempt, attempts, started)
                if attempt == attempts:
                    raise Unreachable(call.what, cause, attempt) from None
            except httpx.HTTPError as exc:  # sent: a read, a reset, an undecodable body, ...
                cause = describe(exc)
                if running.passed:
                    cause = f"no whole answer within {deadline:g} s ({cause})"
                log_failure(call, cause, attempt, attempts, started, final=True)
                raise self._unanswered(call, cause, attempt, body, sent_at) from None
            else:
                log_answer(call, response, attempt, started)
                if response.status_code == 503 and attempt < attempts:
                    self._backoff(call, attempt)
                    continue
                if response.status_code >= 400:
                    error = error_for_response(
                        response.status_code,
                        response.content,
                        request_id=request_id(response),
                        what=call.what,
                    )
                    if may_have_charged(call, response.status_code):
                        raise self._unanswered(call, error.detail, attempt, body, sent_at)
                    raise error
                return response, sent_at
            self._backoff(call, attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _unanswered(
        self, call: Call, cause: str, attempt: int, body: Request | None, sent_at: datetime
    ) -> LevelUpError:
        if call.moves_money:
            return OutcomeUnknown(
                call.what, cause, attempt, request=body, sent_at=sent_at, order_uuid=call.order_uuid
            )
        return NoAnswer(call.what, cause, attempt)

    def _authorization(self, user_token: SecretStr | None = None) -> str:
        """The merchant's token, and the customer's when they pay with it."""
        token = self.config.merchant_token
        if token is None:
            raise ConfigurationError("The register has no LevelUp merchant token yet.")
        header = f'token merchant="{token.get_secret_value()}"'
        if user_token is None:
            return header
        if not _token_shaped(user_token):
            raise ConfigurationError("The customer's LevelUp token has characters no token has.")
        return f'{header}, user="{user_token.get_secret_value()}"'

    def _backoff(self, call: Call, attempt: int) -> None:
        delay = retry_delay(self.config, attempt, self._jitter())
        log.info("%s: retrying in %.2f s", call.what, delay)
        self._sleep(delay)


def _token_shaped(token: SecretStr | None) -> bool:
    """Whether ``token`` could be a LevelUp token (printable ASCII, no quote or comma): it
    goes into an ``Authorization`` header as is."""
    text = token.get_secret_value() if token is not None else ""
    return all(33 <= ord(c) < 127 and c not in '",' for c in text)


def _in_path(uuid: str) -> str:
    try:
        return order_uuid(uuid)
    except ValueError as exc:
        raise ConfigurationError(f"{exc}: it is not sent.") from None


def _app(app_token: SecretStr) -> str:
    """The ``Authorization`` header of an app's calls: its token, untagged."""
    if not app_token.get_secret_value() or not _token_shaped(app_token):
        raise ConfigurationError("The register's LevelUp app token is not a token.")
    return f"token {app_token.get_secret_value()}"


__all__ = [
    "ClientConfig",
    "LevelUpClient",
]
