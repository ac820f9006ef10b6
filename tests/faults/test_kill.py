"""SIGKILL a real ``levelup-pos demo`` at random moments; after ``recover``, every order the
sandbox charged is in the journal exactly once, nothing the journal approved is missing at the
sandbox, and no tender is left unsettled."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
RUNS = 12
UNSETTLED = {"REQUESTED", "PROPOSED", "COMPLETING", "UNKNOWN", "REFUNDING"}


@pytest.mark.parametrize("run_number", range(RUNS))
def test_a_register_killed_mid_payment_loses_and_doubles_nothing(server, tmp_path, run_number):
    server.reset()
    rng = random.Random(run_number)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    data = tmp_path / "register"
    demo = subprocess.Popen(
        [
            SCRIPT,
            "demo",
            "--headless",
            "--checks",
            "200",
            "--seed",
            str(run_number),
            "--sandbox-url",
            server.url,
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
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
