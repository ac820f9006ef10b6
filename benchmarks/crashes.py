"""What one ``levelup-pos recover`` run leaves after the register is SIGKILLed during faulty
checkouts: the scenario of ``tests/faults/test_kill.py`` (:func:`crash_round`: connections
dropped before and after the order is committed, maintenance 503s and latency injected into
the sandbox, the demo killed while they bite, the faults cleared, one ``recover
--settle-after 2``), over many rounds, against the sandbox in its own process.

Prints how many tenders were left unknown, orders lost (charged, not journaled) and doubled
(journaled twice), and ``journal verify`` mismatches; every round that left any is printed
whole, with what reproduces it. Run from the repository root (the scenario is imported from
``tests``): ``.venv/bin/python -m benchmarks.crashes [ROUNDS]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from benchmarks.common import p50, p99, sandbox_process
from tests.faults.test_kill import CrashOutcome, JournalUnreadable, crash_round


def bad(outcome: CrashOutcome) -> bool:
    return bool(
        outcome.recover_status != 0
        or outcome.unsettled
        or outcome.lost
        or outcome.doubled
        or outcome.invented
        or outcome.verify_status != 0
        or outcome.mismatches
    )


def main(rounds: int) -> None:
    outcomes: list[CrashOutcome] = []
    unreadable: list[str] = []
    started = time.monotonic()
    with sandbox_process() as url, tempfile.TemporaryDirectory() as directory:
        for run_number in range(rounds):
            httpx.post(f"{url}/sandbox/reset").raise_for_status()
            round_directory = Path(directory) / f"round{run_number}"
            try:
                outcome = crash_round(url, round_directory, run_number, inspect=True)
            except JournalUnreadable as exc:
                unreadable.append(f"run {run_number}: {exc}")
                print(f"round {run_number}: the journal could not be exported: {exc}")
                continue
            outcomes.append(outcome)
            if bad(outcome):
                print(f"round {run_number} left something behind:\n{outcome.report()}\n")
    elapsed = time.monotonic() - started

    unknown = sum(len(o.unsettled) for o in outcomes)
    lost = sum(len(o.lost) for o in outcomes)
    doubled = sum(len(o.doubled) for o in outcomes)
    invented = sum(len(o.invented) for o in outcomes)
    mismatches = sum(max(o.mismatches, 0) for o in outcomes)
    verify_failed = sum(1 for o in outcomes if o.verify_status != 0)
    not_zero = Counter(o.recover_status for o in outcomes if o.recover_status != 0)
    at_kill: Counter[str] = Counter()
    for outcome in outcomes:
        at_kill.update(outcome.at_kill)
    in_flight = {"REQUESTED", "PROPOSED", "COMPLETING", "UNKNOWN", "FORWARDING", "REFUNDING"}
    exercised = sum(1 for o in outcomes if in_flight & set(o.at_kill))
    tenders = sum(len(o.tenders) for o in outcomes)
    charged = sum(1 for o in outcomes for t in o.tenders if t["order_uuid"])

    print(
        "After SIGKILL at random moments during faulty checkouts (drops before and after "
        f"commit, 503s, latency): one recover run leaves {unknown} unknown, {lost} lost, "
        f"{doubled} doubled"
    )
    print(f"  rounds                 {len(outcomes)} of {rounds} ({elapsed:.0f} s in all)")
    print(f"  journal verify         {mismatches} mismatches ({verify_failed} runs exit non-zero)")
    print(f"  invented               {invented} (journaled orders the sandbox does not have)")
    print(
        "  recover exit status    "
        + (", ".join(f"{n} x {s}" for s, n in sorted(not_zero.items())) or "0 every time")
    )
    if unreadable:
        print(f"  journal unreadable     {len(unreadable)} rounds")
    print(
        f"  rounds with payments in flight at the kill: {exercised}; tenders by state then: "
        + ", ".join(f"{state} {n}" for state, n in sorted(at_kill.items()))
    )
    print(f"  tenders journaled      {tenders} ({charged} with a LevelUp order)")
    if outcomes:
        recover = sorted(o.recover_seconds for o in outcomes)
        print(
            f"  recover run            median {p50(recover):.1f} s, p99 {p99(recover):.1f} s, "
            f"max {recover[-1]:.1f} s (settle window 2 s)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
