"""``levelup-pos journal verify`` on a big journal: every check folded from its events and
compared with its stored state.

The journal is built through the real engine, so every event is a complete one with the
``changes`` the engine attached: checkouts of ``levelup-pos demo`` (catalog items with
modifiers, LevelUp customers of every funding profile, the rest paid by cash or card) against
the sandbox in its own process, between checks rung up, edited and paid at the counter. It is
built on tmpfs when there is one (the same commits, cheaper fsyncs) and kept under the temp
directory, keyed by size, schema revision and recipe, for the next run (``--rebuild`` builds
it again). Then ``verify()`` is timed on the open journal, and the command end to end.

Run from the repository root:
``.venv/bin/python -m benchmarks.journal [EVENTS] [--rebuild] [--profile]``.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet

from benchmarks.common import p50, p99, sandbox_process
from benchmarks.engine import register
from pos_app.app.catalog import load_catalog
from pos_app.app.demo import run_demo
from pos_app.domain import Check, Discount, LineItem, TaxClass, TaxTable, TenderKind
from pos_app.domain.catalog import Catalog
from pos_app.engine import Engine
from pos_app.journal import SqliteJournal
from pos_app.journal.schema import SCHEMA_REVISION
from pos_app.journal.verify import verify

RUNS = 5
RECIPE = 1
"""Bumped when the mix of checks changes, so that an older cached journal is not reused."""
SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
TAX = TaxTable.of(TaxClass("food", Decimal("8.875"), "Sales tax"))
"""The register's default tax, which the demo's catalog items name."""
BATCH = 100
"""Checks of each kind between two looks at the event count."""
DAY = 6000
"""Checks a business day (a day has at most 9,999 check numbers)."""


def counter_checks(engine: Engine, catalog: Catalog, rng: random.Random, count: int) -> None:
    """Checks rung up line by line at the counter, some lines changed or removed, sometimes a
    discount; paid by cash or card (no LevelUp, so no HTTP)."""
    for _ in range(count):
        record = engine.open_check()
        for _ in range(rng.randint(1, 5)):
            item = replace(rng.choice(catalog.items), quantity=rng.choice([1, 1, 2]))
            record = engine.edit_check(record.check_id, _adding(item))
        lines = record.check.items
        if len(lines) > 1 and rng.random() < 0.3:
            gone = rng.choice(lines).line_id
            record = engine.edit_check(record.check_id, _removing(gone))
        elif rng.random() < 0.3:
            line_id = rng.choice(lines).line_id
            record = engine.edit_check(record.check_id, _one_more(line_id))
        if rng.random() < 0.15:
            record = engine.edit_check(
                record.check_id, lambda c: c.add_discount(Discount("Staff", percent=Decimal(10)))
            )
        due = record.check.totals.balance_due
        if rng.random() < 0.6:
            engine.pay_cash(record.check_id, ((due + 99) // 100) * 100)
        else:
            engine.pay_other(record.check_id, TenderKind.CREDIT, due)


def _adding(item: LineItem) -> Callable[[Check], Check]:
    return lambda check: check.add_item(item)


def _removing(line_id: int) -> Callable[[Check], Check]:
    return lambda check: check.remove_item(line_id)


def _one_more(line_id: int) -> Callable[[Check], Check]:
    def more(item: LineItem) -> LineItem:
        return replace(item, quantity=item.quantity + 1)

    return lambda check: check.update_item(line_id, more)


def build(url: str, path: Path, events: int) -> tuple[int, int, float]:
    """A journal of at least ``events`` events at ``path``; returns its events, its checks,
    and the seconds it took."""
    started = time.perf_counter()
    bench = register(url, path.parent, tax_table=TAX)
    assert bench.journal.path == path
    # The journal spans a few busy business days.
    today = date.today()
    engine = Engine(
        bench.journal,
        bench.client,
        bench.settings,
        business_day=lambda now: today + timedelta(days=checks // DAY),
    )
    catalog = load_catalog()
    rng = random.Random(RECIPE)
    checks = 0
    batch = 0
    while (count := bench.journal.event_count()) < events:
        left = events - count
        # a demo check is some 7 events, a counter check some 6
        size = max(1, min(BATCH, left // 14))
        run_demo(engine, url, size, seed=batch)
        counter_checks(engine, catalog, rng, size)
        checks += 2 * size
        batch += 1
        if batch % 10 == 0:
            rate = count / (time.perf_counter() - started)
            print(f"  … {count:,} events ({rate:,.0f}/s)", flush=True)
    bench.journal.close()
    return count, checks, time.perf_counter() - started


def cached_journal(events: int, rebuild: bool) -> Path:
    """The data directory of a journal of ``events`` events, built if need be."""
    home = Path(tempfile.gettempdir()) / "levelup-pos-bench"
    directory = home / f"journal-{events}-schema{SCHEMA_REVISION}-recipe{RECIPE}"
    done = directory / "built.json"
    if done.exists() and not rebuild:
        facts = json.loads(done.read_text())
        print(
            f"journal of {facts['events']:,} events ({facts['checks']:,} checks) from "
            f"{directory} (built in {facts['seconds']:.0f} s; --rebuild to build it again)"
        )
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    shm = Path("/dev/shm")
    scratch_root = shm if shm.is_dir() else home
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_root) as scratch:
        path = Path(scratch) / "journal.sqlite3"
        print(f"building a journal of {events:,} events in {scratch} …", flush=True)
        with sandbox_process() as url:
            count, checks, seconds = build(url, path, events)
        directory.mkdir(parents=True)
        for part in Path(scratch).glob("journal.sqlite3*"):
            shutil.copy2(part, directory / part.name)
    done.write_text(json.dumps({"events": count, "checks": checks, "seconds": seconds}))
    print(
        f"built a journal of {count:,} events ({checks:,} checks) in {seconds:.0f} s "
        f"({count / seconds:,.0f} events/s) through the engine; kept in {directory}"
    )
    return directory


def time_verify(directory: Path, profile: bool) -> None:
    path = directory / "journal.sqlite3"
    started = time.perf_counter()
    journal = SqliteJournal(path, Fernet.generate_key(), "bench")
    opened = (time.perf_counter() - started) * 1000
    try:
        samples = []
        result = None
        for _ in range(RUNS):
            started = time.perf_counter()
            result = verify(journal)
            samples.append((time.perf_counter() - started) * 1000)
        assert result is not None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            verify(journal)
            profiler.disable()
    finally:
        journal.close()
    samples.sort()
    command = [SCRIPT, "journal", "verify", "--data-dir", str(directory)]
    whole = []
    last = ""
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        whole.append((time.perf_counter() - started) * 1000)
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    whole.sort()
    print(f"journal verify, {result.events:,} events of {result.checks:,} checks ({RUNS} runs)")
    print(f"  open the journal (quick_check, schema)    {opened:7.0f} ms")
    print(f"  verify() on the open journal    {_spread(samples)}")
    print(f"  levelup-pos journal verify      {_spread(whole)}")
    print("      (end to end: process start, imports, open, verify)")
    print(f"  per event                       {p50(samples) * 1000 / result.events:7.1f} µs")
    print(f"  the command said                {last}")
    print(f"  mismatches                      {len(result.mismatches)}; the target is under 3 s")
    if profile:
        print("\nprofile of one verify() (cumulative, top 25):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print("profile of one verify() (own time, top 20):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def _spread(samples: list[float]) -> str:
    return f"median {p50(samples):7.0f} ms   p99 {p99(samples):7.0f} ms"


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(arguments[0]) if arguments else 100_000
    time_verify(cached_journal(size, "--rebuild" in sys.argv), "--profile" in sys.argv)
