"""A register killed mid-day, mid-payment: after ``recover``, the day's report counts every
payment the sandbox charged once, agrees with ``journal export``, and finds nothing missing on
either side; the Z report then taken holds the same figures."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter

import httpx
import pytest

from pos_app.app.terminal import open_register
from pos_app.engine import ApprovalAction
from pos_app.host.paths import Paths
from tests.faults.test_kill import SCRIPT, _levelup_pos, start_demo

STANDING = {"APPROVED", "PARTIALLY_APPROVED"}


@pytest.mark.parametrize("run_number", range(3))
def test_the_report_after_a_crash_mid_day_is_right(server, tmp_path, monkeypatch, run_number):
    server.reset()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    data = tmp_path / "register"
    demo = start_demo(server.url, data, env, 40 + run_number, subprocess.DEVNULL)
    assert demo.stdout is not None
    for _ in range(3):
        demo.stdout.readline()  # three checks paid: the day is under way
    time.sleep(random.Random(run_number).uniform(0.0, 0.3))
    demo.send_signal(signal.SIGKILL)
    demo.wait(timeout=10)
    demo.stdout.close()
    time.sleep(0.2)
    recovered = _levelup_pos(env, "recover", "--settle-after", "0", "--data-dir", str(data))
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr

    x = _levelup_pos(env, "report", "x", "--format", "json", "--data-dir", str(data))
    assert x.returncode == 0, x.stderr
    report = json.loads(x.stdout)
    exported = json.loads(_levelup_pos(env, "journal", "export", "--data-dir", str(data)).stdout)
    paid: Counter[str] = Counter()
    for check in exported["checks"]:
        for tender in check["tenders"]:
            if tender["state"] in STANDING:
                paid[tender["card_type"] or tender["kind"]] += tender["amount"]
    assert {k: v["amount"] for k, v in report["tenders"].items() if v["amount"]} == dict(paid)

    charged = httpx.get(f"{server.url}/sandbox/orders").json()
    rec = report["levelup_reconciliation"]
    assert rec["checked"], rec["problem"]
    assert rec["details"] == [] and rec["matched"] == rec["orders"] == len(charged) > 0
    assert report["tenders"]["levelup"]["count"] == len(charged)

    def typed(*args: str, pin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args, "--data-dir", str(data)],
            input=pin + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    first = typed("staff", "add", "ada", "Ada Admin", "--role", "admin", pin="7193")
    assert first.returncode == 0, first.stderr
    by_ada = ("--admin", "ada")
    added = typed(
        "staff", "add", "mia", "Mia Manager", "--role", "manager", *by_ada, pin="4826\n7193"
    )
    assert added.returncode == 0, added.stderr
    z = typed("report", "z", "--manager", "mia", "--format", "json", pin="4826")
    if report["open_checks"]:  # the check being rung up when the register died
        assert z.returncode == 1 and "still open" in z.stderr
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        with open_register(Paths(data), {}) as terminal:
            engine = terminal.engine
            for record in engine.open_checks():
                approval = engine.approve(
                    record.check_id,
                    ApprovalAction.VOID_CHECK,
                    record.check_id,
                    staff_id="mia",
                    pin="4826",
                    reason="left open by the crash",
                )
                engine.void_check(record.check_id, approval)
        report = json.loads(
            _levelup_pos(env, "report", "x", "--format", "json", "--data-dir", str(data)).stdout
        )
        z = typed("report", "z", "--manager", "mia", "--format", "json", pin="4826")
    assert z.returncode == 0, z.stderr
    closed = json.loads(z.stdout)
    for key in ("checks", "gross_sales", "net_sales", "tax", "tips", "tenders"):
        assert closed[key] == report[key], key
    assert closed["levelup_reconciliation"]["details"] == []
