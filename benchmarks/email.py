"""Paying by email: how long after the customer accepts the register has their token, and a
payment by email's proposed + completed order next to a scanned code's, against a sandbox in
its own process.

The customer accepts (through the admin API) as soon as the request reaches them; what is
measured is the register's own wait after that (its polling), then the two order calls. Run
from the repository root: ``.venv/bin/python -m benchmarks.email [ROUNDS]``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing

from pydantic import SecretStr

from benchmarks.client import client_pair
from benchmarks.common import p50, p99, sandbox_process
from pos_app.app.email_payments import AppCredentials, EmailPayments
from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.levelup.client import ClientConfig, LevelUpClient


def main(rounds: int) -> None:
    with sandbox_process() as url, SandboxAdmin(url) as admin:
        seed = admin.seed()
        config = ClientConfig(
            base_url=url, merchant_token=SecretStr(seed["merchants"][0]["access_token"])
        )
        with closing(LevelUpClient(config)) as client:
            app = seed["app"]
            credentials = AppCredentials(SecretStr(app["api_key"]), SecretStr(app["client_secret"]))
            payments = EmailPayments(client, lambda: credentials, timeout=30)
            ada = next(c for c in admin.customers() if c["name"] == "Ada Card")
            noticed, by_email, by_code = [], [], []
            for _ in range(rounds):
                accepted_at: list[float] = []

                def accept(_: object, accepted_at: list[float] = accepted_at) -> None:
                    if not accepted_at:
                        admin.answer_permissions(ada, accept=True)
                        accepted_at.append(time.perf_counter())

                token = payments.ask(ada["email"], threading.Event(), accept)
                noticed.append(time.perf_counter() - accepted_at[0])
                by_email.append(_timed(client_pair(client, token)))
                by_code.append(_timed(client_pair(client, ada["payment_token_data"])))
    for name, samples in (
        ("accepted → token in hand", noticed),
        ("propose + complete by email", by_email),
        ("propose + complete by code", by_code),
    ):
        print(f"{name:30} median {p50(samples) * 1000:7.1f} ms   p99 {p99(samples) * 1000:7.1f} ms")


def _timed(step: Callable[[], None]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
