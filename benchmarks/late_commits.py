"""Late commits and dripped answers with the register SIGKILLed: the scenario of
``tests/faults/test_late_kill.py`` (:func:`late_round`) over many rounds, against the sandbox
in its own process. Each round: the first completed order is committed 5 s late (past the
2 s settle window) or its answer dripped a byte every 400 ms; the demo is killed while it
waits; ``recover`` runs, and again once the sandbox has done its work.

Prints rounds, orders lost and doubled, tenders left unknown, payments found charged late,
and the time each ``recover`` took (median and p99). Run from the repository root:
``.venv/bin/python -m benchmarks.late_commits [ROUNDS]``.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import httpx

from benchmarks.common import p50, p99, sandbox_process
from tests.faults.test_late_kill import LATE_MS, LateOutcome, late_round


def main(rounds: int) -> None:
    rng = random.Random(0)
    outcomes: list[LateOutcome] = []
    with sandbox_process() as url, tempfile.TemporaryDirectory() as directory:
        for number in range(rounds):
            httpx.post(f"{url}/sandbox/reset").raise_for_status()
            fault = {"latency_ms": LATE_MS} if number % 2 == 0 else {"drip_ms": 400}
            outcome = late_round(
                url, Path(directory) / f"round{number}", fault, rng.uniform(0.1, 2)
            )
            outcomes.append(outcome)
            if outcome.lost or outcome.doubled or outcome.unsettled:
                print(f"round {number} ({fault}) left something behind: {outcome}")
    first = [o.recovered[0] for o in outcomes]
    second = [o.recovered[1] for o in outcomes]
    print(f"rounds: {rounds} (half late commits, half dripped answers)")
    print(f"lost: {sum(len(o.lost) for o in outcomes)}")
    print(f"doubled: {sum(len(o.doubled) for o in outcomes)}")
    print(f"unknown left: {sum(len(o.unsettled) for o in outcomes)}")
    print(f"charged late, found: {sum(o.states['CHARGED_LATE'] for o in outcomes)}")
    print(f"first recover: median {p50(first):.2f} s, p99 {p99(first):.2f} s")
    print(f"second recover (finds it): median {p50(second):.2f} s, p99 {p99(second):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
