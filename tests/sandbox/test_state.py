"""``--state``: customers, orders and refunds survive a restart; the command runs and stops."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pos_app.sandbox import Ledger, start_embedded
from tests.sandbox.support import LevelUp


def test_everything_survives_a_restart(tmp_path):
    state = tmp_path / "sandbox.json"
    with start_embedded(Ledger.open(state)) as first:
        levelup = LevelUp(first)
        created = levelup.http.post(
            "/sandbox/customers", json={"name": "Kept Customer", "gift_card_amount": 900}
        ).json()["customer"]
        kept = levelup.pay(levelup.code("Ada"), 1200).json()["order"]
        refunded = levelup.pay(created["payment_token_data"], 400).json()["order"]
        levelup.post(f"/v15/orders/{refunded['uuid']}/refund")
        levelup.post(
            "/v15/detached_refunds",
            {
                "detached_refund": {
                    "location_id": 19,
                    "payment_token_data": levelup.code("Ada"),
                    "credit_amount": 150,
                }
            },
        )
        customers_before = levelup.http.get("/sandbox/customers").json()
        orders_before = levelup.orders()
        levelup.http.close()

    with start_embedded(Ledger.open(state)) as second:
        levelup = LevelUp(second)
        assert levelup.http.get("/sandbox/customers").json() == customers_before
        assert levelup.orders() == orders_before
        assert levelup.customer("Kept")["gift_card_amount"] == 900
        assert levelup.customer("Ada")["discount_amount"] == 150
        assert levelup.post(f"/v15/orders/{refunded['uuid']}/refund").status_code == 422
        assert levelup.post(f"/v15/orders/{kept['uuid']}/refund").status_code == 200
        levelup.http.close()


def test_a_reset_keeps_saving_to_the_state_file(tmp_path):
    state = tmp_path / "sandbox.json"
    with start_embedded(Ledger.open(state)) as running:
        levelup = LevelUp(running)
        levelup.pay(levelup.code("Ada"), 100)
        assert levelup.http.post("/sandbox/reset").status_code == 204
        levelup.pay(levelup.code("Ben"), 200)
        levelup.http.close()
    with start_embedded(Ledger.open(state)) as again:
        levelup = LevelUp(again)
        assert [o["spend_amount"] for o in levelup.orders()] == [200]
        levelup.http.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_state_file_is_private(tmp_path):
    """It holds the merchant's login and customers' payment tokens, even if only the sandbox's."""
    state = tmp_path / "sandbox.json"
    Ledger.open(state).reset()
    assert state.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"]  # no temporary left


def test_a_state_file_that_is_not_ours_is_refused_with_its_name(tmp_path):
    state = tmp_path / "sandbox.json"
    state.write_text("{not json")
    with pytest.raises(ValueError, match=f"{state} is not a sandbox state file"):
        Ledger.open(state)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_command(*args: str) -> subprocess.Popen[str]:
    script = Path(sys.executable).with_name("levelup-pos")
    return subprocess.Popen(
        [script, "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def read_until(process: subprocess.Popen[str], marker: str) -> str:
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    process.kill()
    raise AssertionError("".join(seen))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_until_told_to_stop(tmp_path, stop):
    port = free_port()
    state = tmp_path / "state.json"
    with start_command("--port", str(port), "--state", str(state)) as process:
        try:
            banner = read_until(process, "Stop with Ctrl+C")
            assert f"LevelUp sandbox on http://127.0.0.1:{port}" in banner
            assert "username manager@demo-cafe.example, password demo-password" in banner
            assert f"state kept in {state}" in banner
            read_until(process, "Uvicorn running")
            seed = httpx.get(f"http://127.0.0.1:{port}/sandbox/seed", timeout=5).json()
            assert seed["merchants"][0]["locations"][0]["id"] == 19
        finally:
            os.kill(process.pid, stop)
        assert process.wait(timeout=15) == 0
        assert "LevelUp sandbox stopped." in read_until(process, "stopped")
    assert state.exists()


def test_the_command_says_why_it_cannot_start(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text("[]")
    with start_command("--port", str(free_port()), "--state", str(bad)) as process:
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 1
    assert f"levelup-pos sandbox: {bad} is not a sandbox state file" in output
