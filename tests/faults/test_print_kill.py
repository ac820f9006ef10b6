"""SIGKILL a headless demo that prints a receipt for every closed check, at a slow printer;
the next start prints what was left queued. Every receipt the journal queued is printed, none
is lost, and at most the one the printer had taken when the register died prints twice."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fake_printer import FakePrinter

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))


def demo(data: Path, env: dict[str, str], checks: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SCRIPT, "demo", "--headless", "--checks", str(checks), "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def receipt_events(data: Path) -> tuple[list[int], list[int]]:
    """The job ids of every receipt queued, and of every receipt printed, in the journal."""
    with sqlite3.connect(data / "journal.sqlite3") as db:
        rows = db.execute(
            "SELECT kind, data FROM events WHERE kind IN ('receipt_queued', 'receipt_printed')"
        ).fetchall()
    queued = [json.loads(d)["job"] for kind, d in rows if kind == "receipt_queued"]
    printed = [json.loads(d)["job"] for kind, d in rows if kind == "receipt_printed"]
    return queued, printed


@pytest.mark.parametrize("run_number", range(3))
def test_receipts_queued_before_a_crash_print_after_it_exactly_once(tmp_path, run_number):
    rng = random.Random(run_number)
    printer = FakePrinter()
    printer.read_delay = 0.3  # a slow printer: receipts pile up in the queue
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LEVELUP_POS_PRINTER_URL": printer.url,
        "LEVELUP_POS_PRINTER_TIMEOUT": "2",
    }
    data = tmp_path / "register"
    try:
        running = demo(data, env, checks=40)
        assert running.stdout is not None
        closed = 0
        deadline = time.monotonic() + rng.uniform(1.5, 4.0)
        # Two closed checks at least: the first one's receipt is queued before the next line.
        while closed < 2 or (time.monotonic() < deadline and closed < 30):
            if b": closed" in running.stdout.readline():
                closed += 1
        running.send_signal(signal.SIGKILL)
        running.wait(10)
        running.stdout.close()
        queued, printed = receipt_events(data)
        assert queued, "the demo was killed before it closed a check"
        assert set(printed) <= set(queued)
        assert len(printed) < len(queued), "the printer kept up: nothing waited at the crash"

        printer.read_delay = 0.0
        again = demo(data, env, checks=1)  # the next start prints what waits
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0, out
        queued, printed = receipt_events(data)
        assert sorted(printed) == sorted(set(queued))  # each job printed, and marked, once
        printouts = [p for p in printer.printed() if p.cuts]
        identifiers = [p.barcodes[0] for p in printouts]
        assert len(set(identifiers)) == len(queued)  # every receipt reached paper
        assert len(identifiers) - len(queued) <= 1  # only the one in flight may repeat
    finally:
        printer.stop()
