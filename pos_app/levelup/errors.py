"""What can go wrong talking to LevelUp, told twice: once for the cashier, once for the
maintainer.

Every error carries ``cashier_message`` (plain words: what happened and what to do next) and
``detail`` (status, LevelUp's error objects, request id), which is also ``str(error)``.
Neither ever contains a payment code, token or password.

    LevelUpError
    ├── ApiError                  LevelUp answered with an error status
    │   ├── AuthenticationError   401: the merchant token is missing, wrong or revoked
    │   ├── NotFoundError         404: no such order, location or merchant
    │   ├── RequestRejected       422: LevelUp refused the request (the error list says why)
    │   │   ├── PaymentDeclined   the customer's card could not be charged
    │   │   └── CodeNotRecognized the QR code is invalid, expired or used
    │   ├── ClientOutdated        501: LevelUp no longer serves this API version
    │   ├── Maintenance           503: LevelUp is down for maintenance
    │   ├── ServerError           other 5xx
    │   └── UnexpectedStatus      any other status (400, 406, ...)
    ├── InvalidResponse           an answer that is not the JSON LevelUp sends
    ├── ConfigurationError        the client cannot be set up as asked
    └── TransportError            no answer came
        ├── Unreachable           the request provably never reached LevelUp (after retries)
        ├── NoAnswer              it may have reached LevelUp, but cannot have moved money
        └── OutcomeUnknown        it may have charged or refunded: reconcile before any retry
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pos_app.levelup.redact import redact
from pos_app.levelup.wire import ErrorObject, parse_errors

_BODY_EXCERPT = 200


class LevelUpError(Exception):
    """Base of every LevelUp failure. Its detail and cashier message are masked here, once,
    since both are logged, journaled and shown: an answer or a transport error may echo a
    code or a token, and LevelUp's own wording may quote the request."""

    cashier_message: str = "LevelUp could not complete this. Try again or use another tender."

    def __init__(self, detail: str, *, cashier_message: str | None = None) -> None:
        detail = redact(detail)
        super().__init__(detail)
        self.detail = detail
        if cashier_message is not None:
            self.cashier_message = redact(cashier_message)


class ApiError(LevelUpError):
    """LevelUp answered ``status`` with ``errors`` (possibly none: some errors have no body)."""

    def __init__(
        self,
        status: int,
        errors: Sequence[ErrorObject] = (),
        *,
        request_id: str | None = None,
        what: str = "",
        cashier_message: str | None = None,
    ) -> None:
        self.status = status
        self.errors = tuple(errors)
        self.request_id = request_id
        parts = [f"{what}: " if what else "", f"HTTP {status}"]
        if errors:
            parts.append(": " + "; ".join(_describe(e) for e in errors))
        if request_id:
            parts.append(f" (request id {request_id})")
        super().__init__(
            "".join(parts), cashier_message=cashier_message or self._fallback_cashier_message()
        )

    def _fallback_cashier_message(self) -> str | None:
        """A cashier message built from the answer, where the class's own does not fit."""
        return None

    @property
    def messages(self) -> list[str]:
        """LevelUp's own messages, meant for people."""
        return [redact(e.message) for e in self.errors if e.message]

    def has_error(self, field: str) -> bool:
        """Whether LevelUp named ``field`` (``object.property``, e.g. ``order.base``)."""
        return any(e.field == field for e in self.errors)


class AuthenticationError(ApiError):
    cashier_message = (
        "This register is not signed in to LevelUp. Take another payment method and ask a "
        "manager to sign the register in again."
    )


class CustomerNotAuthorized(AuthenticationError):
    """401 for the customer's user token (paying by email): withdrawn, or not for orders."""

    cashier_message = (
        "LevelUp did not accept the customer's permission (it may have been withdrawn). Ask "
        "them again by email, or take another payment method."
    )


class NotFoundError(ApiError):
    cashier_message = "LevelUp could not find that order or location."


class RequestRejected(ApiError):
    """422. The cashier sees LevelUp's own messages, which are written for people."""

    def _fallback_cashier_message(self) -> str | None:
        if type(self) is not RequestRejected or not self.messages:
            return None
        return "LevelUp did not accept this: " + " ".join(self.messages)


class PaymentDeclined(RequestRejected):
    cashier_message = "The customer's card was declined. Ask for another payment method."


class CodeNotRecognized(RequestRejected):
    cashier_message = (
        "LevelUp did not recognize that code. Ask the customer to refresh the code in the "
        "LevelUp app and scan again."
    )


class ClientOutdated(ApiError):
    cashier_message = (
        "This register's software is too old for LevelUp. Take another payment method and "
        "ask a manager to update the register."
    )


class Maintenance(ApiError):
    cashier_message = (
        "LevelUp is down for maintenance. Try again in a few minutes, or take another "
        "payment method."
    )


class ServerError(ApiError):
    cashier_message = (
        "LevelUp had a problem on its side. Try again, or take another payment method."
    )


class UnexpectedStatus(ApiError):
    pass


class InvalidResponse(LevelUpError):
    """An answer that does not parse as what LevelUp sends (HTML from a proxy, cut-off JSON)."""

    cashier_message = (
        "LevelUp sent an answer this register cannot read. Try again; if it keeps happening, "
        "take another payment method and call support."
    )

    def __init__(self, status: int, reason: str, body: bytes, *, what: str = "") -> None:
        self.status = status
        excerpt = body[:_BODY_EXCERPT].decode("utf-8", errors="replace")
        prefix = f"{what}: " if what else ""
        super().__init__(f"{prefix}HTTP {status}: {reason}; body starts {excerpt!r}")


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthenticationError,
    404: NotFoundError,
    422: RequestRejected,
    501: ClientOutdated,
    503: Maintenance,
}

_DECLINE_PHRASES = ("cannot charge", "declined", "could not be charged")
_CODE_PHRASES = ("valid levelup code", "payment token is invalid", "qr code")


def error_for_response(
    status: int, body: bytes, *, request_id: str | None = None, what: str = ""
) -> LevelUpError:
    """The error for an unsuccessful answer: ``status`` and its raw ``body``.

    ``what`` names the call (``"POST /v15/completed_orders"``) for the maintainer. An empty
    body is fine (LevelUp sends none for some 401s and 404s); a body that is not LevelUp's
    error list becomes :class:`InvalidResponse`, except for 5xx, where proxies answer too.
    """
    errors: list[ErrorObject] = []
    if body.strip():
        try:
            errors = parse_errors(json.loads(body))
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            if status < 500:
                return InvalidResponse(status, f"not a LevelUp error list ({exc})", body, what=what)
    kind = _BY_STATUS.get(status) or (ServerError if status >= 500 else UnexpectedStatus)
    if kind is RequestRejected:
        kind = _refine_rejection(errors)
    if kind is AuthenticationError and any(e.property == "user_token" for e in errors):
        kind = CustomerNotAuthorized
    return kind(status, errors, request_id=request_id, what=what)


def _refine_rejection(errors: Sequence[ErrorObject]) -> type[RequestRejected]:
    for error in errors:
        text = error.message.lower()
        if error.field == "order.payment_token_data" or any(p in text for p in _CODE_PHRASES):
            return CodeNotRecognized
        if error.field == "order.base" and any(p in text for p in _DECLINE_PHRASES):
            return PaymentDeclined
    return RequestRejected


def _describe(error: ErrorObject) -> str:
    code = f" [{error.code}]" if error.code else ""
    origin = f" (from {error.origin})" if error.origin else ""
    return f"{error.field or '?'}{code}: {error.message}{origin}"


class ConfigurationError(LevelUpError):
    """The client cannot be set up as asked (say, plain HTTP to a host on the internet)."""

    cashier_message = "The register's LevelUp settings are wrong. Ask a manager to check them."


class TransportError(LevelUpError):
    """No answer came. ``what`` names the call, ``cause`` says what the network did, and
    ``attempts`` how many times it was sent or tried."""

    def __init__(self, what: str, cause: str, attempts: int) -> None:
        self.what = what
        self.cause = redact(cause)
        self.attempts = attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{what}: {cause}{tries}")


class Unreachable(TransportError):
    """Connection refused, DNS failure, connect timeout or TLS handshake failure, every time:
    nothing reached LevelUp, so nothing happened there."""

    cashier_message = (
        "LevelUp can't be reached. Check the register's network connection, or take another "
        "payment method."
    )


class NoAnswer(TransportError):
    """The request was sent and no answer came, but the call cannot move money (a lookup, a
    proposed order): it is safe to make again."""

    cashier_message = "LevelUp did not answer in time. Try again."


class OutcomeUnknown(TransportError):
    """A call that charges or refunds was sent and no answer came (read timeout, reset,
    dropped connection, server error): LevelUp may have done it. Never resend blindly: look
    the order up first.

    ``request`` is the body that was sent (credentials stay masked in its ``repr``),
    ``order_uuid`` the order a refund was for, and ``sent_at`` when it was sent, which is what
    reconciliation searches by.
    """

    cashier_message = (
        "LevelUp did not confirm this payment. Don't charge the customer again yet: the "
        "register is checking whether it went through."
    )

    def __init__(
        self,
        what: str,
        cause: str,
        attempts: int,
        *,
        request: Any,
        sent_at: datetime,
        order_uuid: str | None = None,
    ) -> None:
        super().__init__(what, cause, attempts)
        self.request = request
        self.sent_at = sent_at
        self.order_uuid = order_uuid
