"""Red team D2 and D4 with a real register killed: LevelUp commits a completed order after
the settle window (late), or drips its answer a byte at a time, and the demo is SIGKILLed
meanwhile. ``recover`` presumes the late payment not charged; once LevelUp has committed it,
the next ``recover`` finds it and attaches it to its tender (charged late, for a manager):
nothing is lost or doubled, nothing is left unknown. A dripped answer ends at the client's
deadline instead of holding the payment, and is settled the same way.

``benchmarks/late_commits.py`` runs more rounds and prints the figures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.test_kill import COMPLETED, SCRIPT, UNSETTLED, _levelup_pos

SETTLE_AFTER = 2.0
LATE_MS = 5000
"""The sandbox commits the order this long after it arrived: past the settle window."""
ROUNDS = 4


@dataclass
class LateOutcome:
    recovered: list[float]
    """Seconds each ``recover`` run took (the first waits out the settle window)."""
    states: Counter[str]
    lost: list[str]
    doubled: list[str]
    unsettled: list[str]
    output: str


def late_round(
    sandbox_url: str, directory: Path, fault: dict[str, Any], kill_at: float
) -> LateOutcome:
    """The demo, the fault on its first completed order, SIGKILL ``kill_at`` s after it was
    sent, ``recover``; once the sandbox has done its work, ``recover`` again."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(directory / "config")}
    data = directory / "register"
    with httpx.Client(base_url=sandbox_url, timeout=10) as admin:
        admin.post(
            "/sandbox/faults", json={"path": COMPLETED, "times": 1, **fault}
        ).raise_for_status()
        command = [SCRIPT, "demo", "--headless", "--checks", "50", "--sandbox-url", sandbox_url]
        demo = subprocess.Popen(
            [*command, "--data-dir", str(data)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 60
        while admin.get("/sandbox/faults").json() and time.monotonic() < deadline:
            time.sleep(0.02)  # until the faulty completed order has arrived
        sent = time.monotonic()
        time.sleep(kill_at)
        demo.send_signal(signal.SIGKILL)
        demo.wait(timeout=10)

        recovered, output = [], ""
        for _ in range(2):
            started = time.monotonic()
            run = _levelup_pos(
                env, "recover", "--settle-after", str(SETTLE_AFTER), "--data-dir", str(data)
            )
            recovered.append(time.monotonic() - started)
            output += run.stdout + run.stderr
            assert run.returncode == 0, output
            time.sleep(max(0.0, sent + LATE_MS / 1000 + 0.5 - time.monotonic()))
        exported = _levelup_pos(env, "journal", "export", "--data-dir", str(data))
        tenders = [t for c in json.loads(exported.stdout)["checks"] for t in c["tenders"]]
        charged = Counter(o["uuid"] for o in admin.get("/sandbox/orders").json())
    journaled = Counter(t["order_uuid"] for t in tenders if t["order_uuid"])
    return LateOutcome(
        recovered=recovered,
        states=Counter(t["state"] for t in tenders),
        lost=sorted(set(charged) - set(journaled)),
        doubled=sorted(u for u, n in journaled.items() if n > 1),
        unsettled=[t["state"] for t in tenders if t["state"] in UNSETTLED],
        output=output,
    )


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_late_commit_after_the_register_died_is_found_not_lost(server, tmp_path, round_number):
    server.reset()
    outcome = late_round(
        server.url, tmp_path, {"latency_ms": LATE_MS}, kill_at=0.3 + 0.2 * round_number
    )
    report = f"{outcome}"
    assert not outcome.lost and not outcome.doubled and not outcome.unsettled, report
    assert outcome.states["CHARGED_LATE"] == 1, report
    assert "charged late" in outcome.output, report


def test_a_dripped_answer_is_settled_after_the_kill(server, tmp_path):
    server.reset()
    outcome = late_round(server.url, tmp_path, {"drip_ms": 400}, kill_at=1.0)
    report = f"{outcome}"
    assert not outcome.lost and not outcome.doubled and not outcome.unsettled, report
    assert outcome.states["APPROVED"] >= 1 and not outcome.states["CHARGED_LATE"], report
