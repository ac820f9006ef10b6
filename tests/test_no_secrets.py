"""Drive every command and a full demo as an operator would, then look everywhere the register
writes (data directory, logs, config directory, console) for every secret used: none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
EXAMPLE = Path(__file__).parent.parent / "installer" / "provisioning.example.toml"
MANAGER_PIN, CASHIER_PIN, ADMIN_PIN = "80261973", "57391046", "64820375"


def test_no_command_leaves_a_secret_in_clear(server, tmp_path):
    server.reset()
    seed = httpx.get(f"{server.url}/sandbox/seed").json()
    merchant = seed["merchants"][0]
    data = tmp_path / "register"
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LEVELUP_POS_API_KEY": merchant["api_key"],
        "LEVELUP_POS_CLIENT_SECRET": seed["app"]["client_secret"],
    }
    console: list[str] = []

    def run(*args: str, stdin: str = "", extra: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [SCRIPT, *args, "--data-dir", str(data)],
            input=stdin,
            capture_output=True,
            text=True,
            env={**env, **(extra or {})},
            timeout=120,
        )
        console.extend([result.stdout, result.stderr])
        assert result.returncode in (0, 1), result.stderr
        return result.stdout

    run("config", "import", str(EXAMPLE))
    run(
        "setup",
        "--url",
        server.url,
        "--username",
        merchant["username"],
        "--location",
        "19",
        "--pay-by-email",
        stdin=merchant["password"] + "\n",
    )
    run("pay-by-email", "status", "--check")
    run("staff", "add", "ada", "Ada", "--role", "admin", stdin=ADMIN_PIN + "\n")
    by_ada = ("--admin", "ada")
    run(
        "staff",
        "add",
        "mia",
        "Mia",
        "--role",
        "manager",
        *by_ada,
        stdin=f"{MANAGER_PIN}\n{ADMIN_PIN}\n",
    )
    run("staff", "add", "cal", "Cal", *by_ada, stdin=f"{CASHIER_PIN}\n{ADMIN_PIN}\n")
    run("staff", "list")
    run("config", "set", "register.id", "front-7")
    run("config", "show")
    summary = run("demo", "--headless", "--checks", "8", "--sandbox-url", server.url)
    assert json.loads(summary.strip().splitlines()[-1])["closed"] == 8
    exported = run("journal", "export")
    run("journal", "export", "--format", "csv")
    first = json.loads(exported)["checks"][0]
    run("journal", "show", first["identifier_from_merchant"])
    run("journal", "audit")
    run("recover", "--sandbox-url", server.url)
    token_env = {"LEVELUP_POS_MERCHANT_TOKEN": merchant["access_token"]}
    run("api", "--url", server.url, "--location", "19", "ping", extra=token_env)
    order = next(t["order_uuid"] for t in first["tenders"] if t["order_uuid"])
    run("api", "--url", server.url, "order", order, extra=token_env)
    codes = [c["payment_token_data"] for c in httpx.get(f"{server.url}/sandbox/customers").json()]
    run("scanners", "listen", f"fake://?codes={codes[0]}&interval=0", "--count", "1")
    run("code", stdin=codes[1] + "\n")
    run("staff", "disable", "cal", "--admin", "ada", stdin=ADMIN_PIN + "\n")
    customers = httpx.get(f"{server.url}/sandbox/customers").json()
    granted = _granted_tokens(server.url, seed["app"]["access_token"])
    assert len(granted) == 2, "the demo's 4th and 8th customers pay by email"

    secrets = {
        "merchant token": merchant["access_token"],
        "password": merchant["password"],
        "api key": merchant["api_key"],
        "manager PIN": MANAGER_PIN,
        "cashier PIN": CASHIER_PIN,
        "admin PIN": ADMIN_PIN,
        "client secret": seed["app"]["client_secret"],
        "app token": seed["app"]["access_token"],
    }
    for number, customer in enumerate(customers):
        secrets[f"user token {number}"] = customer["access_token"]
        secrets[f"email {number}"] = customer["email"]
    for number, token in enumerate(granted):
        secrets[f"granted user token {number}"] = token
    for number, code in enumerate(codes):
        secrets[f"payment code {number}"] = code
        secrets[f"payment token {number}"] = code[4:24]
    written = {
        str(path): path.read_bytes()
        for root in (data, tmp_path / "config")
        for path in root.rglob("*")
        if path.is_file()
    }
    written["console"] = "\n".join(console).encode()
    assert any(name.endswith("levelup-pos.log") for name in written)
    leaks = [
        (what, where)
        for what, secret in secrets.items()
        for where, blob in written.items()
        if secret.encode() in blob
    ]
    assert leaks == []


def _granted_tokens(url: str, app_token: str) -> list[str]:
    """The user tokens customers granted the register's app (paying by email)."""
    tokens: list[str] = []
    for request_id in range(1, 100):
        answer = httpx.get(
            f"{url}/v15/apps/permissions_requests/{request_id}",
            headers={"Authorization": f"token {app_token}"},
        )
        if answer.status_code == 404:
            return tokens
        tokens.append(answer.json()["permissions_request"]["token"])
    return tokens
