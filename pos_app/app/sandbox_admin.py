"""A client of the sandbox's own API (``/sandbox/...``, never under ``/v15``): its seed data,
its customers with their payment codes, the orders it took, and the faults it injects. The
one place outside the sandbox that knows those URLs; the demo register, ``levelup-pos demo``
and the tests ask through it. It is meant for a sandbox on this PC: off loopback the sandbox
wants a merchant token, which this client does not send.
"""

from __future__ import annotations

from typing import Any

import httpx

ADMIN_TIMEOUT = 10.0
"""Seconds for each admin call (the sandbox answers them from memory)."""


class SandboxAdminError(Exception):
    """The sandbox did not answer, refused, or answered something that is not its admin API."""


class SandboxAdmin:
    """The admin API of the sandbox at ``url``. Close it when done (or use ``with``)."""

    def __init__(self, url: str, *, timeout: float = ADMIN_TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=timeout)

    def seed(self) -> dict[str, Any]:
        """The seeded merchants (with their tokens and locations) and customers."""
        return dict(self._call("GET", "seed"))

    def customers(self) -> list[dict[str, Any]]:
        """Every customer, with their payment code (``payment_token_data``)."""
        return list(self._call("GET", "customers"))

    def add_customer(self, name: str, **profile: Any) -> dict[str, Any]:
        """A new customer with ``profile`` (``card``, ``gift_card_amount``, ``tip_percent``,
        ...); returns it, payment code included."""
        return dict(self._call("POST", "customers", {"name": name, **profile})["customer"])

    def answer_permissions(self, customer: dict[str, Any], *, accept: bool) -> dict[str, Any]:
        """``customer`` (from :meth:`customers`) accepts or rejects the request waiting for them
        in their LevelUp app (a request to pay by email), as they would on their phone."""
        try:
            pending = self._http.get(
                "/v15/permissions_requests",
                headers={"Authorization": f'token user="{customer["access_token"]}"'},
            )
            pending.raise_for_status()
            request_id = pending.json()["permissions_request"]["id"]
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise SandboxAdminError(f"no request waits for that customer ({exc})") from exc
        answer = "accept" if accept else "reject"
        return dict(self._call("POST", f"permissions_requests/{request_id}/{answer}"))

    def orders(self) -> list[dict[str, Any]]:
        """The orders the sandbox took, oldest first."""
        return list(self._call("GET", "orders"))

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        """Inject a fault (``path``, ``status``, ``drop``, ``latency``, ``times``, ...)."""
        return dict(self._call("POST", "faults", rule)["fault"])

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def _call(self, method: str, what: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, f"/sandbox/{what}", json=body)
            response.raise_for_status()
            return None if response.status_code == httpx.codes.NO_CONTENT else response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SandboxAdminError(str(exc)) from exc

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
