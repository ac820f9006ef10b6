"""``levelup-pos demo``, ``journal`` and ``recover`` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))


def run(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """The environment of a fresh machine user: config (the secret store's key) in tmp."""
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "share"),
    }


def test_a_demo_run_closes_every_check_and_leaves_no_secret_in_clear(tmp_path, env):
    data = tmp_path / "register"
    result = run(
        "demo", "--headless", "--checks", "12", "--seed", "7", "--data-dir", str(data), env=env
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["checks"] == summary["closed"] == 12
    assert set(summary["tenders"]) <= {"APPROVED", "PARTIALLY_APPROVED", "DECLINED"}

    sandbox_state = json.loads((tmp_path / "register-sandbox" / "state.json").read_text())
    secrets = [c["token"] for c in sandbox_state["customers"]]
    secrets += [m["access_token"] for m in sandbox_state["merchants"]]
    secrets += [m["password"] for m in sandbox_state["merchants"]]
    written = [result.stdout.encode(), result.stderr.encode()]
    written += [f.read_bytes() for f in data.rglob("*") if f.is_file()]
    for secret in secrets:
        assert not any(secret.encode() in blob for blob in written), secret

    exported = run("journal", "export", "--data-dir", str(data), env=env)
    document = json.loads(exported.stdout)
    assert len(document["checks"]) == 12
    for check in document["checks"]:
        assert check["state"] == "CLOSED" and check["balance_due"] == 0
        for tender in check["tenders"]:
            assert tender["kind"] in {"levelup", "cash", "card", "other"}
    csv = run("journal", "export", "--format", "csv", "--data-dir", str(data), env=env).stdout
    assert csv.splitlines()[0].startswith("check_id,identifier_from_merchant,check_state")
    for secret in secrets:
        assert secret not in exported.stdout and secret not in csv

    number = document["checks"][0]["identifier_from_merchant"]
    shown = run("journal", "show", number, "--data-dir", str(data), env=env)
    assert shown.returncode == 0
    assert f"Check {number}" in shown.stdout and "completion_sent" in shown.stdout

    recovered = run("recover", "--data-dir", str(data), env=env)
    assert recovered.returncode == 0
    assert "0 resolved, 0 still unknown." in recovered.stdout


def test_journal_commands_explain_what_is_missing(tmp_path, env):
    empty = tmp_path / "empty"
    exported = run("journal", "export", "--data-dir", str(empty), env=env)
    assert exported.returncode == 1 and "There is no journal" in exported.stderr
    recovered = run("recover", "--data-dir", str(empty), env=env)
    assert recovered.returncode == 1 and "holds no register" in recovered.stderr


def test_demo_needs_headless_until_the_window_exists(env):
    result = run("demo", env=env)
    assert result.returncode == 2 and "--headless" in result.stderr


def test_journal_show_of_an_unknown_check(tmp_path, env):
    data = tmp_path / "register"
    run("demo", "--headless", "--checks", "1", "--data-dir", str(data), env=env)
    shown = run("journal", "show", "9999999999", "--data-dir", str(data), env=env)
    assert shown.returncode == 1 and "There is no check 9999999999" in shown.stderr


def test_the_demo_register_honours_the_provisioning_file(tmp_path, env, server):
    server.reset()
    provisioning = tmp_path / "provisioning.toml"
    provisioning.write_text('[register]\nid = "front-7"\n')
    env = {**env, "LEVELUP_POS_PROVISIONING": str(provisioning)}
    data = tmp_path / "register"
    result = run(
        "demo", "--headless", "--checks", "2", "--sandbox-url", server.url, "--data-dir",
        str(data), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    orders = httpx.get(f"{server.url}/sandbox/orders").json()
    assert orders
    assert {order["register_name"] for order in orders} == {"front-7"}


def test_a_demo_run_with_a_printer_prints_a_receipt_for_every_closed_check(tmp_path, env):
    from tests.fake_printer import FakePrinter

    printer = FakePrinter()
    try:
        data = tmp_path / "register"
        result = run(
            "demo", "--headless", "--checks", "3", "--data-dir", str(data),
            env={**env, "LEVELUP_POS_PRINTER_URL": printer.url},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        assert summary["receipts"] == {"printed": 3, "waiting": 0}
        printed = printer.printed()
        assert len(printed) == 3 and all(p.cuts == 1 and len(p.barcodes) == 1 for p in printed)
        assert len({p.barcodes[0] for p in printed}) == 3  # one receipt per check
    finally:
        printer.stop()
