"""The project's LevelUp client: its own overhead per call, and its propose + complete pair
against the sandbox in its own process, next to raw httpx doing the same.

Overhead is measured on an in-memory transport that answers at once, so what is left is time
in our code (building and checking bodies, logging, parsing answers into models); it runs on
pyperf (worker processes, calibrated loops), next to raw httpx on the same transport. The pairs
against the sandbox are end to end: median and p99 of PAIRS pairs. Run from the repository
root: ``.venv/bin/python -m benchmarks.client [PAIRS]`` (pyperf's ``--fast`` for a quick
look; ``PAIRS`` 0 skips the sandbox).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from typing import Any

import httpx
from pydantic import SecretStr

from benchmarks.common import measure, p50, p99, pyperf_runner, sandbox_process
from benchmarks.sandbox import raw_client, raw_pair
from pos_app.domain import Check, LineItem
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.levelup.orders import (
    CustomerToken,
    OrderContext,
    completed_order_request,
    proposed_order_request,
    user_token,
)

CHECK = (
    Check("2611230001")
    .add_item(LineItem("Lunch", 1497, sku="L1"))
    .add_item(LineItem("Soda", 62, sku="S1"))
)
CONTEXT = OrderContext(location_id=19, register="3", cashier="Bob")


def client_pair(client: LevelUpClient, payer: str | CustomerToken) -> Callable[[], None]:
    """One propose + complete through the client, bodies built from a check as the engine
    will; ``payer`` a code's text, or a customer's token (paying by email)."""
    code = qr.parse(payer) if isinstance(payer, str) else payer
    total = CHECK.totals.grand_total

    def pair() -> None:
        proposed = client.propose(
            proposed_order_request(CHECK, code, proposed_order_values(total, 0, 0, total), CONTEXT),
            user_token(code),
        )
        client.complete(
            completed_order_request(
                CHECK,
                code,
                completed_order_values(total, 0, 0, total, 0),
                CONTEXT,
                proposed_order_uuid=proposed.uuid,
                applied_discount_amount=0,
            ),
            user_token(code),
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


def overhead(runner: Any) -> None:
    """The client's pair and raw httpx's, each a pyperf benchmark; the difference, per call."""
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
        timed = runner.bench_func("client pair, in-memory transport", client_pair(ours, code))
        bare = runner.bench_func(
            "raw httpx pair, in-memory transport",
            lambda: (
                raw.post("/v15/proposed_orders", content=body).json(),
                raw.post("/v15/completed_orders", content=body).json(),
            ),
        )
    if runner.args.worker:
        return
    print("client overhead, in-memory transport (pyperf values; two calls a pair)")
    print(f"  client pair   {_spread(timed)}")
    print(f"  raw httpx     {_spread(bare)}")
    print(f"  our code      median {(timed.median() - bare.median()) / 2 * 1e6:6.0f} µs per call")


def _spread(bench: Any) -> str:
    """Median and p99 of a pyperf benchmark's values, in milliseconds."""
    return f"median {bench.median() * 1000:6.3f} ms   p99 {bench.percentile(99) * 1000:6.3f} ms"


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


def main() -> None:
    runner = pyperf_runner("benchmarks.client")
    runner.argparser.add_argument(
        "pairs", nargs="?", type=int, default=2000, help="pairs against the sandbox (0: none)"
    )
    args = runner.parse_args()
    overhead(runner)
    if not args.worker and args.pairs:
        against_sandbox(args.pairs)


if __name__ == "__main__":
    main()
