"""Five registers, one store server: five processes, each a demo register (its own journal and
embedded LevelUp sandbox) ringing up cash checkouts at full speed, each shipping its journal to
one PostgreSQL on this machine with the register's own :class:`~pos_app.app.shipping.Shipper`
(woken by every engine event, as a register is).

Each round has three phases, the registers in step (a barrier between phases):

1. alone: CHECKS checkouts per register, nothing shipped (the events wait);
2. drain: every register ships what waits, all at once: the server's capacity in events/s;
3. synced: CHECKS checkouts per register with the shipper running, then a final sync.

It prints the events/s shipped (all registers), the lag of each event (from its commit in the
journal to the commit of its batch on the server, synced phases), and each register's checkout
time alone and synced in the same run, with their ratio. At the end every register's checks on
the server are compared with its journal's, and every event is counted once.

The server is ``tests.pg.Cluster``'s throwaway one, with fsync on (a real server's durability,
not the tests' ``fsync=off``). Run from the repository root: ``.venv/bin/python -m
benchmarks.store`` (``--help``: options).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine as Database

from benchmarks.common import p50, p99
from pos_app.app.catalog import load_catalog
from pos_app.app.demo import run_demo
from pos_app.app.shipping import Shipper
from pos_app.app.terminal import Terminal, sign_in_to_sandbox
from pos_app.domain import Check, LineItem
from pos_app.engine import Engine
from pos_app.host.paths import Paths
from pos_app.host.settings import StoreSettings, set_settings
from pos_app.journal.codec import load_record
from pos_app.journal.rows import JournalRow
from pos_app.store.database import init_store, open_store
from pos_app.store.events import RegisterKey, receive
from pos_app.store.schema import checks, events
from tests.pg import Cluster, _bin

REGISTERS = 5
ITEMS = 3
"""Items per cash checkout, each added by its own edit (as a cashier scans them)."""
SYNC_TIMEOUT = 600.0
WAKES = {"event": "woken by every engine event", "timer": "every {:g} s, not woken by events"}


class DurableCluster(Cluster):
    """The tests' throwaway server, but durable as a real one is: fsync on."""

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        log = str(self.root / "log")
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")


@dataclass(frozen=True)
class Plan:
    url: str
    """The server, without its password."""
    password: str = field(repr=False)
    checks: int = 400
    rounds: int = 3
    batch: int = StoreSettings().batch
    every: float = StoreSettings().ship_every
    demo: int = 20
    wake: str = "event"
    """``event``: the shipper is woken by every engine event (as a register's is); ``timer``:
    it ships every ``every`` seconds only."""
    pace: float = 0.0
    """Milliseconds from one checkout's start to the next (0: full speed)."""


@dataclass
class Figures:
    """What one register measured (milliseconds, seconds of ``time.time()``)."""

    register: str
    alone: list[float] = field(default_factory=list)
    synced: list[float] = field(default_factory=list)
    alone_cpu: list[float] = field(default_factory=list)
    synced_cpu: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    batches: list[tuple[int, float]] = field(default_factory=list)
    """Events and milliseconds of each batch of the synced phases."""
    drains: list[tuple[int, float, float]] = field(default_factory=list)
    spans: list[tuple[int, float, float]] = field(default_factory=list)
    """Events shipped in each synced phase, when it began and when the server held them all."""
    per_cash_check: float = 0.0
    per_demo_check: float = 0.0
    events: int = 0
    checks: int = 0


class TimedReceive:
    """:func:`receive` that notes, while :attr:`recording`, each event's lag and each batch's
    time (the shipper's ``send``, called on its thread)."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.recording = False

    def __call__(self, database: Database, key: RegisterKey, rows: Sequence[JournalRow]) -> int:
        started = time.perf_counter()
        top = receive(database, key, rows)
        committed = time.time()
        if self.recording:
            elapsed = (time.perf_counter() - started) * 1000
            self.figures.batches.append((len(rows), elapsed))
            self.figures.lags.extend(committed - row.at.timestamp() for row in rows)
        return top


def checkout(engine: Engine, items: Sequence[LineItem], rng: random.Random) -> None:
    """Open a check, add ITEMS items one by one, pay cash (rounded up to the dollar)."""
    record = engine.open_check()
    for item in rng.sample(list(items), ITEMS):
        record = engine.edit_check(record.check_id, partial(Check.add_item, item=item))
    due = record.check.totals.balance_due
    engine.pay_cash(record.check_id, (due + 99) // 100 * 100)


def ring(
    engine: Engine, items: Sequence[LineItem], rng: random.Random, count: int, pace: float = 0
) -> Any:
    """``count`` checkouts, one every ``pace`` ms: wall and thread-CPU milliseconds of each."""
    wall, cpu = [], []
    for _ in range(count):
        started, used = time.perf_counter(), time.thread_time()
        checkout(engine, items, rng)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
        time.sleep(max(0.0, pace / 1000 - (time.perf_counter() - started)))
    return wall, cpu


def run_register(number: int, plan: Plan, barrier: Any, out: Any) -> None:
    """One register's process: its figures (or its traceback) go to ``out``."""
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out.put(_register(number, plan, barrier, Path(scratch)))
    except BaseException:
        barrier.abort()
        out.put(traceback.format_exc())


def _register(number: int, plan: Plan, barrier: Any, scratch: Path) -> Figures:
    paths, key_path = Paths(scratch / "register"), scratch / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key_path)
    config = set_settings(paths, {}, {"register.id": f"front-{number}"})
    catalog = load_catalog()
    items = [i for i in catalog.items if not catalog.options_of(i).asks and i.exemption is None]
    rng = random.Random(number)
    figures = Figures(config.register_.id)
    timed = TimedReceive(figures)
    with Terminal(paths, config, key_path=key_path, what="benchmarks.store") as terminal:
        engine, journal = terminal.engine, terminal.journal
        levelup = config.levelup
        key = RegisterKey(levelup.merchant_id or 0, levelup.location_id or 0, figures.register)
        run_demo(engine, terminal.levelup_url, plan.demo, seed=number)
        figures.per_demo_check = journal.last_seq() / plan.demo
        before = journal.last_seq()
        ring(engine, items, rng, 20)  # warm up
        figures.per_cash_check = (journal.last_seq() - before) / 20

        def connect() -> Database:
            return open_store(plan.url, plan.password)

        held = 0  # what the server holds of this journal
        for _ in range(plan.rounds):
            barrier.wait()
            wall, cpu = ring(engine, items, rng, plan.checks, plan.pace)
            figures.alone += wall
            figures.alone_cpu += cpu
            barrier.wait()
            shipper = Shipper(journal, key, connect, every=plan.every, batch=plan.batch, send=timed)
            waiting, started = journal.last_seq() - held, time.time()
            held = _synced(shipper)
            figures.drains.append((waiting, started, time.time()))
            barrier.wait()
            stop = engine.subscribe(partial(_wake, shipper) if plan.wake == "event" else _idle)
            timed.recording, first, started = True, held, time.time()
            wall, cpu = ring(engine, items, rng, plan.checks, plan.pace)
            figures.synced += wall
            figures.synced_cpu += cpu
            held = _synced(shipper)
            figures.spans.append((held - first, started, time.time()))
            timed.recording = False
            stop()
            shipper.close()
        mine = {record.check_id: record for record in journal.records()}
        figures.events, figures.checks = journal.last_seq(), len(mine)
        _compare(connect(), key, mine)
    return figures


def _wake(shipper: Shipper, _event: object) -> None:
    shipper.wake()


def _idle(_event: object) -> None:
    """Not woken by events: the shipper's own timer ships."""


def _synced(shipper: Shipper) -> int:
    status = shipper.sync(SYNC_TIMEOUT)
    if not status.up_to_date:
        raise RuntimeError(f"the shipper did not catch up: {status}")
    return status.shipped_seq


def _compare(database: Database, key: RegisterKey, mine: dict[str, Any]) -> None:
    """The server's checks of ``key`` are the journal's, and it holds each event once."""
    try:
        with database.connect() as connection:
            mask = (checks.c.location_id == key.location_id) & (
                checks.c.register_id == key.register_id
            )
            rows = connection.execute(select(checks.c.check_id, checks.c.snapshot).where(mask))
            theirs = {check_id: load_record(snapshot) for check_id, snapshot in rows}
            held = connection.execute(
                select(func.count(), func.max(events.c.seq)).where(
                    events.c.location_id == key.location_id,
                    events.c.register_id == key.register_id,
                )
            ).one()
    finally:
        database.dispose()
    if theirs != mine:
        raise AssertionError(f"{key.register_id}: the server's checks differ from the journal's")
    if held[0] != held[1]:
        raise AssertionError(f"{key.register_id}: {held[0]} events stored, up to {held[1]}")


def run(plan: Plan) -> list[Figures]:
    """The five register processes, in step; their figures."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(REGISTERS, timeout=SYNC_TIMEOUT)
    out = context.Queue()
    processes = [
        context.Process(target=run_register, args=(n, plan, barrier, out), daemon=True)
        for n in range(1, REGISTERS + 1)
    ]
    for process in processes:
        process.start()
    try:
        found = [out.get(timeout=SYNC_TIMEOUT * 3) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
    failed = [item for item in found if isinstance(item, str)]
    if failed:
        raise SystemExit("a register failed:\n" + failed[0])
    return sorted(found, key=lambda figures: figures.register)


def _rate(phases: Sequence[Sequence[tuple[int, float, float]]]) -> tuple[int, float]:
    """Events, and seconds of wall time, of phases the registers ran in step (each phase from
    the first register's start to the last one's end)."""
    total, seconds = 0, 0.0
    for same in zip(*phases, strict=True):
        total += sum(events for events, _, _ in same)
        seconds += max(end for _, _, end in same) - min(start for _, start, _ in same)
    return total, seconds


def storage(database: Database) -> str:
    """Bytes on the server (tables, indexes and TOAST) per event and per check."""
    per = []
    with database.connect() as connection:
        for table in ("events", "checks"):
            size, count = connection.execute(
                text(f"SELECT pg_total_relation_size('{table}'), count(*) FROM {table}")
            ).one()
            per.append(f"{size / count:,.0f} bytes per {table[:-1]} ({size / 2**20:,.1f} MiB)")
    return "storage on the server: " + ", ".join(per)


def report(plan: Plan, results: list[Figures], server: str) -> None:
    every = results
    lags = sorted(lag * 1000 for figures in every for lag in figures.lags)
    batches = [batch for figures in every for batch in figures.batches]
    drained, drain_s = _rate([figures.drains for figures in every])
    synced, synced_s = _rate([figures.spans for figures in every])
    checks = REGISTERS * plan.rounds * plan.checks
    cash = sum(figures.per_cash_check for figures in every) / REGISTERS
    demo = sum(figures.per_demo_check for figures in every) / REGISTERS
    print(f"""\
store server: {server}, fsync on, on this machine ({os.cpu_count()} CPUs, shared with the \
registers)
{REGISTERS} registers (processes), {plan.rounds} rounds of {plan.checks} cash checkouts each \
alone and synced, {f"one every {plan.pace:g} ms" if plan.pace else "at full speed"},
shipped by pos_app.app.shipping.Shipper ({WAKES[plan.wake].format(plan.every)}; \
batch {plan.batch})
events per check: cash checkout ({ITEMS} items) {cash:.1f}; demo LevelUp mix {demo:.1f} \
({plan.demo} demo checks per register)
server capacity, {REGISTERS} registers shipping their backlog at once:
  {drained / drain_s:,.0f} events/s ({drained:,} events in {drain_s:.1f} s)
shipped while ringing (all registers): {synced / synced_s:,.0f} events/s, \
{checks / synced_s:,.0f} checks/s,
  {len(batches) / synced_s:,.0f} batches/s ({synced:,} events in {synced_s:.1f} s)
lag, an event's commit in the journal to its batch's on the server:
  p50 {p50(lags):.1f} ms   \
p99 {p99(lags):.1f} ms
batches: {len(batches):,}, p50 {p50([n for n, _ in batches]):.0f} \
events and {p50([ms for _, ms in batches]):.1f} ms each
checkout, ms (wall; thread CPU)  alone p50   synced p50   ratio    alone p99   synced p99""")
    for figures in every:
        _row(figures.register, figures.alone, figures.synced, figures.alone_cpu, figures.synced_cpu)
    _row(
        "all",
        [ms for figures in every for ms in figures.alone],
        [ms for figures in every for ms in figures.synced],
        [ms for figures in every for ms in figures.alone_cpu],
        [ms for figures in every for ms in figures.synced_cpu],
    )
    print("  (the issue's limit: sync may not slow a checkout by more than 10 %, a ratio of 1.10)")
    print(
        f"checked: {sum(f.checks for f in every):,} checks on the server equal the registers' "
        f"journals; {sum(f.events for f in every):,} events, each stored once"
    )


def _row(name: str, alone: list[float], synced: list[float], *cpu: list[float]) -> None:
    ratio, cpu_ratio = p50(synced) / p50(alone), p50(cpu[1]) / p50(cpu[0])
    print(
        f"  {name:<8} wall              {p50(alone):8.2f}   {p50(synced):10.2f}   {ratio:5.2f}"
        f"   {p99(alone):10.2f}   {p99(synced):10.2f}\n"
        f"  {'':<8} thread CPU        {p50(cpu[0]):8.2f}   {p50(cpu[1]):10.2f}   {cpu_ratio:5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.store", description=__doc__)
    parser.add_argument("--checks", type=int, default=Plan.checks, help="per register and phase")
    parser.add_argument("--rounds", type=int, default=Plan.rounds)
    parser.add_argument("--batch", type=int, default=Plan.batch, help="events per batch")
    parser.add_argument("--demo", type=int, default=Plan.demo, help="LevelUp demo checks first")
    parser.add_argument("--wake", choices=WAKES, default=Plan.wake, help="what starts a batch")
    parser.add_argument("--every", type=float, default=Plan.every, help="seconds between rounds")
    parser.add_argument("--pace", type=float, default=Plan.pace, help="ms per checkout (0: full)")
    options = parser.parse_args()
    cluster = DurableCluster()
    try:
        name = cluster.create_database()
        database = open_store(cluster.url_without_password(name), cluster.password)
        init_store(database)
        with database.connect() as connection:
            server = str(connection.execute(text("SHOW server_version")).scalar()).split()[0]
        database.dispose()
        plan = Plan(cluster.url_without_password(name), cluster.password)
        plan = replace(
            plan, checks=options.checks, rounds=options.rounds, batch=options.batch,
            demo=options.demo, wake=options.wake, every=options.every, pace=options.pace,
        )  # fmt: skip
        report(plan, run(plan), f"PostgreSQL {server}")
        print(storage(database))
        database.dispose()
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
