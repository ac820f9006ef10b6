"""Propose + complete pairs against the sandbox running in its own process.

A keep-alive httpx client (raw: not the project's client) pays a card customer's order over
and over; prints pairs/s, requests/s, and p50/p99 latency per pair. This is the raw HTTP
figure the project's client is compared with. Run: ``.venv/bin/python benchmarks/sandbox.py
[PAIRS]``.
"""

from __future__ import annotations

import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/sandbox/seed", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the sandbox did not start")


def main(pairs: int) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("levelup-pos")), "sandbox", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(url)
        with httpx.Client(base_url=url, headers={"Accept": "application/json"}) as client:
            token = client.get("/sandbox/seed").json()["merchants"][0]["access_token"]
            client.headers["Authorization"] = f'token merchant="{token}"'
            code = client.post("/sandbox/customers", json={"name": "Bench Mark"}).json()[
                "customer"
            ]["payment_token_data"]
            order = {
                "location_id": 19,
                "payment_token_data": code,
                "spend_amount": 1559,
                "tax_amount": 62,
                "identifier_from_merchant": "2611230001",
            }

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

            for _ in range(100):
                pair()
            samples = []
            began = time.perf_counter()
            for _ in range(pairs):
                start = time.perf_counter()
                pair()
                samples.append((time.perf_counter() - start) * 1000)
            elapsed = time.perf_counter() - began
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
    samples.sort()
    print(f"propose+complete pairs against the sandbox in its own process ({pairs} pairs)")
    print(f"  pairs/s     {pairs / elapsed:8.0f}")
    print(f"  requests/s  {2 * pairs / elapsed:8.0f}")
    print(f"  p50         {statistics.median(samples):8.2f} ms per pair")
    print(f"  p99         {samples[int(len(samples) * 0.99) - 1]:8.2f} ms per pair")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
