"""What the client says about each exchange, and how it reads an answer: the ``levelup``
logger's lines (one INFO line a call; bodies at DEBUG, every credential masked) and the
reading of an answer, bounded in time and size, and its parsing into a model, a failure
becoming :class:`InvalidResponse`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from pos_app.levelup.calls import MAX_ANSWER_BYTES, Call
from pos_app.levelup.errors import InvalidResponse
from pos_app.levelup.redact import redact

log = logging.getLogger("levelup")

_T = TypeVar("_T")

# What no longer describes the body once it is read whole and decompressed.
_DECODED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def read_answer(
    http: httpx.Client,
    method: str,
    url: str,
    content: bytes | None,
    headers: dict[str, str],
    timeout: httpx.Timeout,
) -> httpx.Response:
    """The whole answer to one request, read within ``timeout`` and at most
    :data:`MAX_ANSWER_BYTES` once decompressed: a huge body or a gzip bomb is refused as it
    streams in."""
    request = http.build_request(method, url, content=content, headers=headers, timeout=timeout)
    response = http.send(request, stream=True)
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise httpx.DecodingError(
                    f"the answer is over {MAX_ANSWER_BYTES // 2**20} MiB", request=request
                )
    finally:
        response.close()
    kept = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in _DECODED_HEADERS
    ]
    return httpx.Response(response.status_code, headers=kept, content=bytes(body), request=request)


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
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        raise InvalidResponse(
            response.status_code, f"not JSON ({exc})", response.content, what=call.what
        ) from None
    try:
        return read(document)
    except ValueError as exc:
        raise InvalidResponse(
            response.status_code, f"unexpected shape ({exc})", response.content, what=call.what
        ) from None
