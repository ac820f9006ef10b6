"""Serving the sandbox with uvicorn: embedded in a thread, or in the foreground.

The server's HTTP protocol hands each request an abort hook (``ABORT_EXTENSION`` in the ASGI
scope), which fault rules use to drop a connection without answering.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TextIO

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from pos_app.sandbox.faults import ABORT_EXTENSION
from pos_app.sandbox.http import create_app
from pos_app.sandbox.ledger import Ledger
from pos_app.sandbox.services import Services

_START_TIMEOUT = 10.0


class _AbortableHttp(HttpToolsProtocol):
    def on_message_begin(self) -> None:
        super().on_message_begin()
        # An ASGI extension of our own: the app may cut this connection without answering.
        self.scope["extensions"] = {ABORT_EXTENSION: self.transport.abort}  # type: ignore[dict-item]


def _server(ledger: Ledger, *, access_log: bool) -> tuple[uvicorn.Server, Services]:
    app = create_app(ledger)
    config = uvicorn.Config(
        app,
        http=_AbortableHttp,
        ws="none",
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        access_log=access_log,
        log_level="info" if access_log else "warning",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config), app.state.services


class RunningSandbox:
    """A sandbox serving on loopback in a background thread. Use as a context manager, or
    call :meth:`stop`."""

    def __init__(
        self, url: str, server: uvicorn.Server, services: Services, thread: threading.Thread
    ) -> None:
        self.url = url
        self.services = services
        self._server = server
        self._thread = thread

    @property
    def ledger(self) -> Ledger:
        return self.services.ledger

    def reset(self) -> None:
        """Back to the seeded world, with no fault rules."""
        self.services.reset()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_embedded(
    ledger: Ledger | None = None, host: str = "127.0.0.1", *, accept_after: float | None = None
) -> RunningSandbox:
    """Start a sandbox on a free port of ``host`` in a daemon thread; return once it serves.
    ``accept_after``: customers accept permissions requests by themselves after that many
    seconds (:attr:`Ledger.accept_after`)."""
    _require_delay(accept_after)
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for sockets
    # that say they are TCP. Without it every answer waits 40 ms for a delayed ACK.
    listener = socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    port = listener.getsockname()[1]
    ledger = ledger or Ledger.open()
    ledger.accept_after = accept_after
    server, services = _server(ledger, access_log=False)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="levelup-sandbox", daemon=True
    )
    thread.start()
    _wait_until(lambda: server.started or not thread.is_alive())
    if not server.started:
        raise RuntimeError("The LevelUp sandbox did not start.")
    authority = f"[{host}]" if ":" in host else host
    return RunningSandbox(f"http://{authority}:{port}", server, services, thread)


def _require_delay(accept_after: float | None) -> None:
    if accept_after is not None and not accept_after >= 0:
        raise ValueError("customers cannot accept after fewer than 0 seconds")


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def serve(
    host: str, port: int, state: Path | None, out: TextIO, *, accept_after: float | None = None
) -> int:
    """Run in the foreground until SIGINT or SIGTERM; print the URL and demo credentials."""
    _require_delay(accept_after)
    ledger = Ledger.open(state)
    ledger.accept_after = accept_after
    server, _ = _server(ledger, access_log=True)
    server.config.host, server.config.port = host, port
    authority = f"[{host}]" if ":" in host else host
    seed = ledger.seed_view()
    print(f"LevelUp sandbox on http://{authority}:{port}", file=out)
    if state is not None:
        print(f"state kept in {state}", file=out)
    for merchant in seed["merchants"]:
        locations = ", ".join(f"{loc['id']} ({loc['name']})" for loc in merchant["locations"])
        print(
            f"merchant {merchant['name']}: api_key {merchant['api_key']}, username "
            f"{merchant['username']}, password {merchant['password']}\n"
            f"  token {merchant['access_token']}\n  locations {locations}",
            file=out,
        )
    print("customers (payment codes to scan or type, and emails to pay by email):", file=out)
    for customer in seed["customers"]:
        print(
            f"  {customer['payment_token_data']}  {customer['name']}  {customer['email']}",
            file=out,
        )
    if accept_after is not None:
        print(f"Customers accept a request to pay by email after {accept_after:g} s.", file=out)
    print("Stop with Ctrl+C.", file=out, flush=True)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, restores the handlers it found and then
    # raises the signal again. With these in place that last signal is a no-op and the command
    # ends normally: the stop was asked for.
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in stop_signals}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("LevelUp sandbox stopped.", file=out, flush=True)
    return 0
