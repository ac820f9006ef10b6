"""What the client knows before it sends anything: where LevelUp is and how patient to be
(:class:`ClientConfig`), what each request is (:class:`Call`), and when to try again. Pure: no
I/O, no httpx."""

from __future__ import annotations

import ipaddress
import platform
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from pos_app import __version__
from pos_app.levelup import PRODUCTION_URL

ORDER_READ_TIMEOUT = 20.0
"""LevelUp's own SDK waited 20 s for an order call."""

ORDER_DEADLINE = 30.0
"""The most one attempt of an order call may take, connect, send, headers and body together:
a server that drips its answer cannot hold a completed order longer. The settle window
(:attr:`pos_app.engine.model.EngineSettings.settle_after`) is longer than this."""

MAX_ANSWER_BYTES = 4 * 1024 * 1024
"""The largest answer read, once decompressed (a page of orders is a few kilobytes)."""


@dataclass(frozen=True)
class ClientConfig:
    """Where LevelUp is and how patient to be with it.

    ``merchant_token`` may be ``None`` only to ask for one (:meth:`LevelUpClient.access_token`).
    """

    base_url: str = PRODUCTION_URL
    merchant_token: SecretStr | None = None
    api_version: str = "v15"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    order_read_timeout: float = ORDER_READ_TIMEOUT
    deadline: float = 15.0
    """The most one attempt of any other call may take, as a whole."""
    order_deadline: float = ORDER_DEADLINE
    retries: int = 3
    backoff: float = 0.25
    backoff_cap: float = 2.0
    ca_bundle: str | None = None
    """A CA file for a LevelUp-compatible host with a private certificate authority."""

    @property
    def is_loopback(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def check_http_url(text: str) -> str:
    """``text`` if it is one plain ``http(s)://`` address (a host, maybe a port and a path);
    ``ValueError`` in plain words for anything else: spaces or control characters (a header
    smuggled in), no host, a port that is not one, a login, a query or a fragment."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError("must be one http(s):// address, with no spaces or control characters")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s):// address with a host")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError("has a port that is not a number from 0 to 65535") from None
    if parts.username is not None or parts.query or parts.fragment:
        raise ValueError("must have no login, query or fragment")
    return text


_ORDER_UUID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")


def order_uuid(text: str) -> str:
    """``text`` if it can be an order's uuid in a request path (letters, digits, ``-``,
    ``_``; no ``/``, ``..`` or ``%``: an answer or a typed id cannot steer the request
    elsewhere); ``ValueError`` otherwise."""
    if not _ORDER_UUID.fullmatch(text):
        raise ValueError(f"{text[:40]!r} is not a LevelUp order uuid")
    return text


def user_agent() -> str:
    """``Company-Product/Version [OS]``, the form LevelUp's SDK sent."""
    return (
        f"LevelUp-POS/{__version__} [{platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}]"
    )


@dataclass(frozen=True)
class Call:
    """One kind of request: what it is, and whether a lost answer may have moved money."""

    method: str
    path: str
    moves_money: bool = False
    order_call: bool = False
    order_uuid: str | None = None

    @property
    def what(self) -> str:
        return f"{self.method} {self.path}"


def retry_delay(config: ClientConfig, attempt: int, jitter: float) -> float:
    """Seconds to wait before attempt ``attempt + 1``: exponential, capped, times ``jitter``."""
    delay: float = min(config.backoff_cap, config.backoff * 2.0 ** (attempt - 1))
    return delay * jitter


def may_have_charged(call: Call, status: int) -> bool:
    """Whether an error ``status`` to ``call`` leaves its outcome unknown: 503 is maintenance
    (nothing was done), any other 5xx to a call that moves money may have failed after the
    charge."""
    return call.moves_money and status >= 500 and status != 503
