"""A total deadline for each attempt of a LevelUp call (red team D4).

httpx's timeouts bound each socket operation, so a server that drips its headers or body a
byte at a time holds a call for as long as it likes. Here every connect, read and write of
the calling thread's attempt waits at most until the deadline set by :func:`within`: the
transport's connections are made by :class:`DeadlineBackend`, whose streams cut each wait to
what is left.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx

_attempt = threading.local()


@dataclass
class Attempt:
    """The deadline of the running attempt (a :func:`time.monotonic` instant)."""

    deadline: float

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.deadline


@contextmanager
def within(seconds: float) -> Iterator[Attempt]:
    """Bound every socket operation of this thread's exchange to ``seconds`` from now."""
    attempt = Attempt(time.monotonic() + seconds)
    _attempt.current = attempt
    try:
        yield attempt
    finally:
        _attempt.current = None


def _bounded(timeout: float | None) -> float | None:
    attempt: Attempt | None = getattr(_attempt, "current", None)
    if attempt is None:
        return timeout
    left = max(0.001, attempt.deadline - time.monotonic())  # 0 would mean "do not wait"
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, each wait cut to the running attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(verify: str | bool, limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's transport, its connections made by :class:`DeadlineBackend`.

    httpx does not take a network backend, so its pool's is wrapped before any connection is
    made (the hostile-server tests prove it still applies).
    """
    transport = httpx.HTTPTransport(verify=verify, limits=limits)
    pool = transport._pool
    pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport
