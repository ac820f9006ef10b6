"""What the client says about each exchange, and how it reads an answer: the ``levelup``
logger's lines (one INFO line a call; bodies at DEBUG, every credential masked) and the
parsing of a JSON answer into a model, a failure becoming :class:`InvalidResponse`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from pos_app.levelup.calls import Call
from pos_app.levelup.errors import InvalidResponse
from pos_app.levelup.redact import redact

log = logging.getLogger("levelup")

_T = TypeVar("_T")


def log_body(call: Call, content: bytes | None) -> None:
    """The body sent, masked, at DEBUG."""
    if content is not None and log.isEnabledFor(logging.DEBUG):
        log.debug("%s body %s", call.what, redact(content.decode()))


def log_answer(call: Call, response: httpx.Response, attempt: int, started: float) -> None:
    log.info(
        "%s %s %d in %.1f ms (attempt %d)",
        call.method,
        urlsplit(str(response.url)).path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
        attempt,
    )
    if log.isEnabledFor(logging.DEBUG) and response.content:
        log.debug("%s answer %s", call.what, redact(response.text))


def log_failure(
    call: Call, cause: str, attempt: int, attempts: int, started: float, *, final: bool = False
) -> None:
    outcome = (
        "no retry: it may have reached LevelUp"
        if final
        else ("giving up" if attempt == attempts else "will retry")
    )
    log.warning(
        "%s failed in %.1f ms (attempt %d of %d): %s; %s",
        call.what,
        (time.perf_counter() - started) * 1000,
        attempt,
        attempts,
        cause,
        outcome,
    )


def describe(exc: httpx.HTTPError) -> str:
    detail = str(exc) or "no detail"
    return f"{type(exc).__name__} ({detail})"  # masked by the error it becomes, and the log


def request_id(response: httpx.Response) -> str | None:
    found: str | None = response.headers.get("x-request-id")
    return found


def parse(call: Call, response: httpx.Response, read: Callable[[Any], _T]) -> _T:
    """``read`` (a model's ``from_body`` or ``list_from_body``) applied to the JSON answer."""
    try:
        document = response.json()
    except ValueError as exc:
        raise InvalidResponse(
            response.status_code, f"not JSON ({exc})", response.content, what=call.what
        ) from None
    try:
        return read(document)
    except ValueError as exc:
        raise InvalidResponse(
            response.status_code, f"unexpected shape ({exc})", response.content, what=call.what
        ) from None
