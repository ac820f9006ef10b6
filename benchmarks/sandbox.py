"""Propose + complete pairs against the sandbox running in its own process.

A keep-alive httpx client (raw: not the project's client) pays a card customer's order over
and over; prints pairs/s, requests/s, and p50/p99 latency per pair. This is the raw HTTP
figure the project's client is compared with (``benchmarks/client.py``). Run:
``.venv/bin/python -m benchmarks.sandbox [PAIRS]`` (from the repository root).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import closing

import httpx

from benchmarks.common import measure, p50, p99, sandbox_process

ORDER = {
    "location_id": 19,
    "spend_amount": 1559,
    "tax_amount": 62,
    "identifier_from_merchant": "2611230001",
}


def raw_pair(client: httpx.Client, code: str) -> Callable[[], None]:
    """One propose + complete with bare httpx and dict bodies."""
    order = {**ORDER, "payment_token_data": code}

    def pair() -> None:
        proposed = client.post("/v15/proposed_orders", json={"proposed_order": order})
        uuid = proposed.json()["proposed_order"]["uuid"]
        completed = client.post(
            "/v15/completed_orders",
            json={
                "completed_order": {
                    **order,
                    "proposed_order_uuid": uuid,
                    "applied_discount_amount": 0,
                }
            },
        )
        assert completed.status_code == 200, completed.text

    return pair


def raw_client(url: str) -> tuple[httpx.Client, str, str]:
    """A keep-alive client for ``url``, the demo merchant's token, and a new card customer's
    code."""
    client = httpx.Client(base_url=url, headers={"Accept": "application/json"})
    token = client.get("/sandbox/seed").json()["merchants"][0]["access_token"]
    client.headers["Authorization"] = f'token merchant="{token}"'
    customer = client.post("/sandbox/customers", json={"name": "Bench Mark"}).json()["customer"]
    return client, token, customer["payment_token_data"]


def main(pairs: int) -> None:
    with sandbox_process() as url:
        client, _, code = raw_client(url)
        with closing(client):
            samples = measure(raw_pair(client, code), pairs)
    seconds = sum(samples) / 1000
    print(f"propose+complete pairs, raw httpx, sandbox in its own process ({pairs} pairs)")
    print(f"  pairs/s     {pairs / seconds:8.0f}")
    print(f"  requests/s  {2 * pairs / seconds:8.0f}")
    print(f"  p50         {p50(samples):8.2f} ms per pair")
    print(f"  p99         {p99(samples):8.2f} ms per pair")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
