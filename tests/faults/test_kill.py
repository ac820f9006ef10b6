"""SIGKILL a real ``levelup-pos demo`` at random moments; after ``recover``, every order the
sandbox charged is in the journal exactly once, nothing the journal approved is missing at the
sandbox, and no tender is left unsettled. Every fourth customer of the demo pays by email (a
permissions request they accept, then the orders with their user token), so a kill lands in
payments by email too.

The second test does it while the sandbox misbehaves (connections dropped before and after
the order is committed, maintenance 503s, latency), kills the demo while those faults bite,
and asks one ``recover`` run to settle everything. :func:`crash_round` is the whole scenario;
``benchmarks/crashes.py`` runs it many times and prints the figures.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
RUNS = 12
FAULTY_RUNS = 10
UNSETTLED = {"REQUESTED", "PROPOSED", "COMPLETING", "UNKNOWN", "FORWARDING", "REFUNDING"}
PROPOSED = "/v15/proposed_orders"
COMPLETED = "/v15/completed_orders"
SETTLE_AFTER = 2.0
"""``recover --settle-after``: every latency of the fault plan is well inside it, so an order
the sandbox commits after the register died is there before its absence would prove it was
never charged."""
KILL_DEADLINE = 8.0
"""The demo is killed this long after it started at the latest, whatever it has done."""


def start_demo(
    sandbox_url: str, data: Path, env: dict[str, str], seed: int, errors: Any
) -> subprocess.Popen[bytes]:
    """A headless demo of 200 checks against the sandbox, its progress lines on a pipe."""
    command = [SCRIPT, "demo", "--headless", "--checks", "200", "--seed", str(seed)]
    return subprocess.Popen(
        [*command, "--sandbox-url", sandbox_url, "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=errors,
        stdin=subprocess.DEVNULL,
        env=env,
    )


@pytest.mark.parametrize("run_number", range(RUNS))
def test_a_register_killed_mid_payment_loses_and_doubles_nothing(server, tmp_path, run_number):
    server.reset()
    rng = random.Random(run_number)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    data = tmp_path / "register"
    demo = start_demo(server.url, data, env, run_number, subprocess.DEVNULL)
    assert demo.stdout is not None
    demo.stdout.readline()  # the first check is paid: payments are under way
    time.sleep(rng.uniform(0.0, 0.6))
    demo.send_signal(signal.SIGKILL)
    demo.wait(timeout=10)
    demo.stdout.close()
    time.sleep(0.2)  # anything the sandbox had received is finished

    recovered = subprocess.run(
        [SCRIPT, "recover", "--settle-after", "0", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr

    exported = subprocess.run(
        [SCRIPT, "journal", "export", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    tenders = [t for c in json.loads(exported.stdout)["checks"] for t in c["tenders"]]
    assert tenders, "the demo was killed before it paid anything"
    assert not [t for t in tenders if t["state"] in UNSETTLED]

    charged = [o["uuid"] for o in httpx.get(f"{server.url}/sandbox/orders").json()]
    journaled = [t["order_uuid"] for t in tenders if t["order_uuid"]]
    assert sorted(journaled) == sorted(charged)  # each charge once, and nothing invented
    assert len(set(journaled)) == len(journaled)


@pytest.mark.parametrize("run_number", range(FAULTY_RUNS))
def test_a_register_killed_while_levelup_misbehaves_recovers_in_one_run(
    server, tmp_path, run_number
):
    server.reset()
    outcome = crash_round(server.url, tmp_path, run_number)
    assert outcome.tenders, f"the demo was killed before it paid anything\n{outcome.report()}"
    assert outcome.recover_status == 0, outcome.report()
    assert not outcome.unsettled, outcome.report()
    assert not outcome.lost, outcome.report()
    assert not outcome.doubled, outcome.report()
    assert not outcome.invented, outcome.report()
    assert outcome.verify_status == 0, outcome.report()
    assert outcome.mismatches == 0, outcome.report()


# ----- the scenario, shared with benchmarks/crashes.py ------------------------------------


def fault_plan(rng: random.Random) -> list[dict[str, Any]]:
    """Rules for ``POST /sandbox/faults``, in the order they are added (the first that
    matches a request applies, so the faults of one path bite one after the other)."""
    rules: list[dict[str, Any]] = [
        {"path": COMPLETED, "drop": "before_commit", "times": rng.randint(1, 2)},
        {"path": COMPLETED, "drop": "after_commit", "times": rng.randint(1, 2)},
        # up to 5: past the client's 3 retries, the payment is declined as maintenance
        {"path": PROPOSED, "status": 503, "times": rng.randint(1, 5)},
        {"path": COMPLETED, "status": 503, "times": rng.randint(1, 5)},
        {
            "path": rng.choice([PROPOSED, COMPLETED, "*"]),
            "latency_ms": rng.randint(50, 400),
            "times": rng.randint(1, 3),
        },
    ]
    for rule in rules:
        if "drop" in rule and rng.random() < 0.5:
            rule["latency_ms"] = rng.randint(50, 300)  # the kill may land while it waits
    rng.shuffle(rules)
    return rules


@dataclass
class CrashOutcome:
    """One round: what was done to the register, and what one ``recover`` run left."""

    run_number: int
    faults: list[dict[str, Any]]
    kill_after_fault: int
    """The demo was killed this many faulty requests into the plan (then ``kill_delay``)."""
    kill_delay: float
    killed_at: float = 0.0
    """Seconds after the demo started."""
    faults_used: int = 0
    demo_status: int | None = None
    """-9 when the kill found it running; otherwise it had ended by itself."""
    demo_lines: list[str] = field(default_factory=list)
    demo_errors: str = ""
    at_kill: dict[str, int] = field(default_factory=dict)
    """Tenders by state as the kill left the journal (filled with ``inspect=True``)."""
    recover_status: int | None = None
    recover_output: str = ""
    recover_seconds: float = 0.0
    tenders: list[dict[str, Any]] = field(default_factory=list)
    unsettled: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    """Orders the sandbox charged that no tender of the journal has."""
    doubled: list[str] = field(default_factory=list)
    """Orders more than one tender of the journal claims."""
    invented: list[str] = field(default_factory=list)
    """Orders the journal has that the sandbox never charged."""
    verify_status: int | None = None
    mismatches: int = 0
    verify_output: str = ""

    def report(self) -> str:
        """Everything needed to reproduce and understand the round."""
        return "\n".join(
            [
                f"run {self.run_number}: faults {json.dumps(self.faults)}",
                f"killed {self.killed_at:.2f} s after start, {self.kill_delay:.2f} s after "
                f"faulty request {self.kill_after_fault} ({self.faults_used} faults used)",
                f"tenders at the kill: {self.at_kill or 'not read'}",
                f"demo exit {self.demo_status}, printed: " + " | ".join(self.demo_lines[-5:]),
                "demo's errors: " + (self.demo_errors.strip()[-2000:] or "none"),
                f"recover exit {self.recover_status} in {self.recover_seconds:.1f} s: "
                + self.recover_output.strip(),
                f"unsettled {self.unsettled}",
                f"lost {self.lost}, doubled {self.doubled}, invented {self.invented}",
                f"verify exit {self.verify_status}: {self.verify_output.strip()}",
            ]
        )


def crash_round(
    sandbox_url: str, directory: Path, run_number: int, *, inspect: bool = False
) -> CrashOutcome:
    """Inject the faults of ``run_number`` into a freshly reset sandbox, run the demo on a
    new data directory under ``directory``, SIGKILL it while the faults bite, clear them, run
    ``recover`` once, and compare the journal with what the sandbox charged. With
    ``inspect``, the journal is also read between the kill and ``recover``."""
    rng = random.Random(run_number)
    faults = fault_plan(rng)
    total = sum(rule["times"] for rule in faults)
    outcome = CrashOutcome(
        run_number, faults, kill_after_fault=rng.randint(1, total), kill_delay=rng.uniform(0, 0.5)
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(directory / "config")}
    data = directory / "register"
    with httpx.Client(base_url=sandbox_url, timeout=10) as admin:
        for rule in faults:
            admin.post("/sandbox/faults", json=rule).raise_for_status()
        _kill_while_faulty(sandbox_url, data, env, admin, outcome, total)
        admin.delete("/sandbox/faults").raise_for_status()
        if inspect and data.joinpath("journal.sqlite3").exists():
            outcome.at_kill = dict(Counter(t["state"] for t in _tenders(env, data)))

        started = time.monotonic()
        recovered = _levelup_pos(
            env, "recover", "--settle-after", str(SETTLE_AFTER), "--data-dir", str(data)
        )
        outcome.recover_seconds = time.monotonic() - started
        outcome.recover_status = recovered.returncode
        outcome.recover_output = recovered.stdout + recovered.stderr

        outcome.tenders = _tenders(env, data)
        outcome.unsettled = [
            f"{t['state']} {t['kind']} tender {t['id'][:8]}"
            for t in outcome.tenders
            if t["state"] in UNSETTLED
        ]
        charged = Counter(o["uuid"] for o in admin.get("/sandbox/orders").json())
        journaled = Counter(t["order_uuid"] for t in outcome.tenders if t["order_uuid"])
        outcome.lost = sorted(set(charged) - set(journaled))
        outcome.doubled = sorted(uuid for uuid, count in journaled.items() if count > 1)
        outcome.invented = sorted(set(journaled) - set(charged))

    verified = _levelup_pos(env, "journal", "verify", "--data-dir", str(data))
    outcome.verify_status = verified.returncode
    outcome.verify_output = verified.stdout + verified.stderr
    lines = verified.stdout.strip().splitlines()
    try:
        outcome.mismatches = json.loads(lines[-1])["mismatches"]
    except (IndexError, ValueError, KeyError):
        outcome.mismatches = -1  # verify said nothing readable: that is a failure too
    return outcome


def _kill_while_faulty(
    sandbox_url: str,
    data: Path,
    env: dict[str, str],
    admin: httpx.Client,
    outcome: CrashOutcome,
    total: int,
) -> None:
    """Run the demo until the ``kill_after_fault``-th faulty request has arrived at the
    sandbox, ``kill_delay`` more seconds, then SIGKILL it."""
    errors_file = data.parent / "demo-stderr.txt"
    data.parent.mkdir(parents=True, exist_ok=True)
    with errors_file.open("wb") as errors:
        _run_and_kill(sandbox_url, data, env, admin, outcome, total, errors)
    outcome.demo_errors = errors_file.read_text(errors="replace")


def _run_and_kill(
    sandbox_url: str,
    data: Path,
    env: dict[str, str],
    admin: httpx.Client,
    outcome: CrashOutcome,
    total: int,
    errors: BinaryIO,
) -> None:
    demo = start_demo(sandbox_url, data, env, outcome.run_number, errors)
    assert demo.stdout is not None
    started = time.monotonic()
    deadline = started + KILL_DEADLINE
    try:
        while time.monotonic() < deadline and demo.poll() is None:
            left = sum(rule["times"] for rule in admin.get("/sandbox/faults").json())
            outcome.faults_used = total - left
            if outcome.faults_used >= outcome.kill_after_fault:
                time.sleep(outcome.kill_delay)
                break
            time.sleep(0.005)
        demo.send_signal(signal.SIGKILL)
        outcome.demo_status = demo.wait(timeout=10)
        outcome.killed_at = time.monotonic() - started
        outcome.demo_lines = demo.stdout.read().decode(errors="replace").splitlines()
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=10)
        demo.stdout.close()


def _tenders(env: dict[str, str], data: Path) -> list[dict[str, Any]]:
    """Every tender of the journal (``levelup-pos journal export``)."""
    exported = _levelup_pos(env, "journal", "export", "--data-dir", str(data))
    if exported.returncode != 0:
        raise JournalUnreadable(exported.stdout + exported.stderr)
    return [t for c in json.loads(exported.stdout)["checks"] for t in c["tenders"]]


class JournalUnreadable(Exception):
    """``levelup-pos journal export`` failed; the message is what it printed."""


def _levelup_pos(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
