"""Faults a register meets in the field, on demand: latency, error statuses, dropped
connections before or after an order is committed, and answers dripped a byte at a time.

Rules apply to the LevelUp paths (``/v15/...``, ``/v14/...``), never to the admin API. A rule
matches one path or ``"*"``, and applies to the next ``times`` matching requests (to all of
them until cleared when ``times`` is not given). A drop closes the connection without sending
a single byte of response; ``after_commit`` lets the request do its work first, so an order
is charged and its answer lost. ``drip_ms`` lets it do its work too, then sends the answer's
body one byte every ``drip_ms`` milliseconds (a slow proxy, a failing link).
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import threading
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ABORT_EXTENSION = "levelup.sandbox.abort"
"""The scope extension through which the server lets the app cut a connection."""

MAINTENANCE_BODY = [
    {
        "error": {
            "object": "api",
            "property": "base",
            "message": "The server is currently down for maintenance. Please try again later.",
        }
    }
]


class FaultRule(BaseModel):
    """One rule of ``POST /sandbox/faults``."""

    model_config = ConfigDict(extra="forbid")

    path: Annotated[str, Field(pattern=r"^(\*|/\S*)$")] = "*"
    """A path, or a pattern where ``*`` stands for any run of characters
    (``/v15/orders/*/refund``); ``*`` alone is every LevelUp path."""
    status: Annotated[StrictInt, Field(ge=400, le=599)] | None = None
    latency_ms: Annotated[StrictInt, Field(ge=0, le=600_000)] = 0
    drop: Literal["before_commit", "after_commit"] | None = None
    drip_ms: Annotated[StrictInt, Field(ge=0, le=60_000)] = 0
    times: Annotated[StrictInt, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Self:
        if self.status is None and self.drop is None and not (self.latency_ms or self.drip_ms):
            raise ValueError("a fault needs a status, a drop, a latency or a drip")
        if self.status is not None and self.drop is not None:
            raise ValueError("a fault either answers with a status or drops, not both")
        return self

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.path)


class FaultBook:
    """The rules in force, first added first applied."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [rule.model_copy() for rule in self._rules]

    def take(self, path: str) -> FaultRule | None:
        """The rule for a request to ``path``, counting it as used."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.matches(path):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times == 0:
                            del self._rules[index]
                    return rule
        return None


class FaultMiddleware:
    """Applies the :class:`FaultBook` to LevelUp requests."""

    def __init__(self, app: ASGIApp, book: FaultBook) -> None:
        self.app = app
        self.book = book

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        rule = None
        if scope["type"] == "http" and path.startswith(("/v15/", "/v14/")):
            rule = self.book.take(path)
        if rule is None:
            await self.app(scope, receive, send)
            return
        # The request has arrived whole before the server is slow, drops or fails: a client
        # that gives up meanwhile does not take it back.
        receive = await _buffered(receive)
        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule.drop == "before_commit":
            await _drop(scope, receive)
        elif rule.drop == "after_commit":
            await self.app(scope, receive, _discard)
            await _drop(scope, receive)
        elif rule.status is not None:
            await _answer(send, rule.status)
        elif rule.drip_ms:
            await self.app(scope, receive, _dripping(send, rule.drip_ms / 1000))
        else:
            await self.app(scope, receive, send)


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now; the returned ``receive`` replays it, then waits for
    the client to go."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


def _dripping(send: Send, every: float) -> Send:
    """A ``send`` that passes the headers at once and the body one byte every ``every`` s."""

    async def drip(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        for index in range(len(body)):
            await send(
                {"type": "http.response.body", "body": body[index : index + 1], "more_body": True}
            )
            await asyncio.sleep(every)
        await send({"type": "http.response.body", "body": b"", "more_body": more})

    return drip


async def _discard(message: Message) -> None:
    """A ``send`` that sends nothing: the answer of an ``after_commit`` drop."""


async def _drop(scope: Scope, receive: Receive) -> None:
    abort = scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is None:
        raise RuntimeError("dropping a connection needs the sandbox's own server")
    abort()
    while (await receive())["type"] != "http.disconnect":
        pass


async def _answer(send: Send, status: int) -> None:
    body: Any = MAINTENANCE_BODY if status == 503 else None
    if body is None and status < 500:
        body = [{"error": {"object": "api", "property": "base", "message": "Injected fault."}}]
    if body is None:
        payload, content_type = b"<html><body>Internal Server Error</body></html>", b"text/html"
    else:
        payload, content_type = json.dumps(body).encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
