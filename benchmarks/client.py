"""The project's LevelUp client: its own overhead per call, and its propose + complete pair
against the sandbox in its own process, next to raw httpx doing the same.

Overhead is measured on an in-memory transport that answers at once, so what is left is time
in our code (building and checking bodies, logging, parsing answers into models). Run:
``.venv/bin/python benchmarks/client.py [PAIRS]``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import closing

import httpx
from common import measure, p50, p99, sandbox_process
from pydantic import SecretStr
from sandbox import raw_client, raw_pair

from pos_app.domain import Check, LineItem
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.levelup.payloads import OrderContext, completed_order_request, proposed_order_request

CHECK = (
    Check("2611230001")
    .add_item(LineItem("Lunch", 1497, sku="L1"))
    .add_item(LineItem("Soda", 62, sku="S1"))
)
CONTEXT = OrderContext(location_id=19, register="3", cashier="Bob")


def client_pair(client: LevelUpClient, code_text: str) -> Callable[[], None]:
    """One propose + complete through the client, bodies built from a check as the engine
    will."""
    code = qr.parse(code_text)
    total = CHECK.totals.grand_total

    def pair() -> None:
        proposed = client.propose(
            proposed_order_request(CHECK, code, proposed_order_values(total, 0, 0, total), CONTEXT)
        )
        client.complete(
            completed_order_request(
                CHECK,
                code,
                completed_order_values(total, 0, 0, total, 0),
                CONTEXT,
                proposed_order_uuid=proposed.uuid,
                applied_discount_amount=0,
            )
        )

    return pair


def instant(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("proposed_orders"):
        return httpx.Response(
            200, json={"proposed_order": {"uuid": "p" * 32, "discount_amount": 0}}
        )
    return httpx.Response(
        200,
        json={
            "order": {"uuid": "o" * 32, "spend_amount": 1559, "tip_amount": 0, "total_amount": 1559}
        },
    )


def overhead(rounds: int) -> None:
    code = qr.build("BENCH000000000000000").data
    config = ClientConfig(base_url="https://levelup.example", merchant_token=SecretStr("1-a"))
    with (
        LevelUpClient(config, transport=httpx.MockTransport(instant)) as ours,
        httpx.Client(
            base_url="https://levelup.example", transport=httpx.MockTransport(instant)
        ) as raw,
    ):
        body = json.dumps(
            {
                "proposed_order": {
                    "location_id": 19,
                    "payment_token_data": code,
                    "spend_amount": 1559,
                    "tax_amount": 0,
                }
            }
        )
        ours_pair = measure(client_pair(ours, code), rounds)
        raw_pair_ms = measure(
            lambda: (
                raw.post("/v15/proposed_orders", content=body).json(),
                raw.post("/v15/completed_orders", content=body).json(),
            ),
            rounds,
        )
    print(f"client overhead, in-memory transport ({rounds} pairs, two calls each)")
    print(f"  client pair   p50 {p50(ours_pair):6.3f} ms   p99 {p99(ours_pair):6.3f} ms")
    print(f"  raw httpx     p50 {p50(raw_pair_ms):6.3f} ms   p99 {p99(raw_pair_ms):6.3f} ms")
    print(f"  our code      p50 {(p50(ours_pair) - p50(raw_pair_ms)) / 2 * 1000:6.0f} µs per call")


def against_sandbox(pairs: int) -> None:
    with sandbox_process() as url:
        raw, token, code = raw_client(url)
        config = ClientConfig(base_url=url, merchant_token=SecretStr(token))
        with closing(raw), LevelUpClient(config) as ours:
            raw_samples = measure(raw_pair(raw, code), pairs)
            our_samples = measure(client_pair(ours, code), pairs)
    print(f"propose+complete pairs against the sandbox in its own process ({pairs} pairs)")
    print(f"  raw httpx     p50 {p50(raw_samples):6.2f} ms   p99 {p99(raw_samples):6.2f} ms")
    print(f"  our client    p50 {p50(our_samples):6.2f} ms   p99 {p99(our_samples):6.2f} ms")
    print(f"  difference    p50 {p50(our_samples) - p50(raw_samples):+6.2f} ms per pair")


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    overhead(rounds)
    against_sandbox(rounds)
