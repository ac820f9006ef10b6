"""The engine and its journal: a full LevelUp checkout next to the raw propose + complete pair
(bare httpx, ``benchmarks/sandbox.py``) against the same sandbox, a journal commit, recovery of
a big journal, and forwarding the offline queue. The sandbox runs in its own process.

Run from the repository root: ``.venv/bin/python -m benchmarks.engine [CHECKOUTS] [--profile]``
(``--profile``: only the checkout, under cProfile).
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import insert

from benchmarks.common import interleaved, measure, p50, p99, sandbox_process
from benchmarks.sandbox import raw_client, raw_pair
from pos_app.domain import Check, LevelUpDetail, LineItem, Tender, TenderKind, TenderStatus
from pos_app.engine import (
    CheckRecord,
    CheckState,
    Engine,
    EngineSettings,
    EventKind,
    JournalEvent,
    OfflinePolicy,
    TenderInfo,
)
from pos_app.journal import SqliteJournal
from pos_app.journal.schema import events
from pos_app.levelup.client import ClientConfig, LevelUpClient

SETTINGS = EngineSettings(location_id=19, merchant_id=1, register="1")


@dataclass
class Bench:
    """A register on a temporary journal, paying the sandbox with a fresh card customer."""

    journal: SqliteJournal
    client: LevelUpClient
    settings: EngineSettings
    key: bytes
    code: str

    @property
    def engine(self) -> Engine:
        return Engine(self.journal, self.client, self.settings)

    def restart(self) -> Engine:
        """Reopen the journal, as a new process does, and return its engine."""
        self.journal.close()
        self.journal = SqliteJournal(self.journal.path, self.key, "1")
        return self.engine


def register(url: str, directory: Path, **settings: Any) -> Bench:
    with httpx.Client(base_url=url) as admin:
        token = admin.get("/sandbox/seed").json()["merchants"][0]["access_token"]
        code = admin.post("/sandbox/customers", json={"name": "Bench Mark"}).json()["customer"][
            "payment_token_data"
        ]
    key = Fernet.generate_key()
    return Bench(
        journal=SqliteJournal(directory / "journal.sqlite3", key, "1"),
        client=LevelUpClient(ClientConfig(base_url=url, merchant_token=SecretStr(token))),
        settings=replace(SETTINGS, **settings),
        key=key,
        code=code,
    )


def checkout(engine: Engine, code: str) -> None:
    record = engine.open_check()
    record = engine.edit_check(
        record.check_id,
        lambda c: c.add_item(LineItem("Burger", 895, sku="B1")).add_item(LineItem("Fries", 350)),
    )
    record, tender_id = engine.pay_levelup(record.check_id, code)
    assert record.tender(tender_id).status is TenderStatus.APPROVED


def bench_checkout(url: str, rounds: int) -> None:
    """The whole checkout through the engine and journal, next to the raw propose + complete
    pair with bare httpx, against the same sandbox process, interleaved call by call so both
    meet the same machine and the same growing ledger."""
    with tempfile.TemporaryDirectory() as directory:
        bench = register(url, Path(directory))
        engine, code = bench.engine, bench.code
        raw, _, raw_code = raw_client(url)
        pay_only = []

        def timed_payment() -> None:
            record = engine.open_check()
            record = engine.edit_check(
                record.check_id, lambda c: c.add_item(LineItem("Burger", 1245, sku="B1"))
            )
            start = time.perf_counter()
            engine.pay_levelup(record.check_id, code)
            pay_only.append((time.perf_counter() - start) * 1000)

        with closing(raw):
            samples = interleaved(
                {"raw": raw_pair(raw, raw_code), "whole": lambda: checkout(engine, code)},
                rounds,
                warmup=20,
            )
        raw_ms, whole = samples["raw"], samples["whole"]
        for _ in range(rounds):
            timed_payment()
        pay_only.sort()
        bench.journal.close()
    print(f"full LevelUp checkout against the sandbox in its own process ({rounds} checks)")
    print(f"  raw pair (bare httpx:     p50 {p50(raw_ms):6.2f} ms   p99 {p99(raw_ms):6.2f} ms")
    print("       propose, complete)")
    print(f"  open + ring up + pay      p50 {p50(whole):6.2f} ms   p99 {p99(whole):6.2f} ms")
    print(f"  pay (propose, complete,   p50 {p50(pay_only):6.2f} ms   p99 {p99(pay_only):6.2f} ms")
    print("       3 journal commits)")
    print(
        f"  whole checkout / raw pair: {p50(whole) / p50(raw_ms):.2f}x at p50 "
        f"({p99(whole) / p99(raw_ms):.2f}x at p99); the issue asks for under 4x at p50"
    )


def bench_commit(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        journal = SqliteJournal(Path(directory) / "j.sqlite3", Fernet.generate_key(), "1")
        record = CheckRecord(
            "c",
            Check("2611230001").add_item(LineItem("A", 100)),
            CheckState.OPEN,
            datetime.now(UTC),
        )
        event = JournalEvent(EventKind.CHECK_CHANGED, datetime.now(UTC), data={"lines": 1})
        samples = measure(lambda: journal.save(record, [event]), rounds)
        journal.close()
    print(f"journal commit (event + check + tenders, WAL, synchronous=FULL; {rounds} commits)")
    print(f"  p50 {p50(samples):6.3f} ms   p99 {p99(samples):6.3f} ms")


def bench_recovery(url: str, total_events: int) -> None:
    """A journal of ``total_events`` events, 50 of whose payments were left completing by a
    crash (half charged at LevelUp, half not); time to open it and settle them all."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory)
        bench = register(url, path, settle_after=timedelta(0))
        engine, journal = bench.engine, bench.journal
        for n in range(50):
            record = engine.open_check()
            record = engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("A", 500)))
            tender_id = "t" + record.check_id[:20]
            if n % 2:  # charged, and the answer lost with the process
                record, tender_id = engine.pay_levelup(record.check_id, bench.code)
                assert record.tender(tender_id).status is TenderStatus.APPROVED
            # as the journal held it when the process died: completing, answer unknown
            completing = Tender(
                tender_id, TenderKind.LEVELUP, 0, TenderStatus.COMPLETING, levelup=LevelUpDetail()
            )
            record = replace(
                record,
                check=replace(record.check, tenders=(completing,)),
                state=CheckState.TENDERING,
                tender_info={
                    tender_id: TenderInfo(requested=500, sent_at=datetime.now(UTC), sent_spend=500)
                },
            )
            journal.save(record, [JournalEvent(EventKind.COMPLETION_SENT, datetime.now(UTC))])
        filler = total_events - journal.event_count()
        now = datetime.now(UTC)
        with journal._engine.begin() as connection:  # bulk history, as months of trading leave
            connection.execute(
                insert(events),
                [
                    {
                        "at": now,
                        "terminal_id": "1",
                        "check_id": f"old{n // 7}",
                        "tender_id": None,
                        "kind": "check_changed",
                        "data": json.dumps({"lines": 1}),
                    }
                    for n in range(filler)
                ],
            )
        start = time.perf_counter()
        engine = bench.restart()
        opened = time.perf_counter()
        report = engine.recover()
        done = time.perf_counter()
        count = bench.journal.event_count()
        bench.journal.close()
    assert len(report.resolved) == 50
    assert not report.still_unknown
    print(f"recovery of a journal of {count:,} events with 50 payments left completing")
    print(f"  open (integrity check, schema): {(opened - start) * 1000:7.1f} ms")
    print(f"  recover (50 looked up at LevelUp): {(done - opened) * 1000:7.1f} ms")
    print(f"  total: {(done - start) * 1000:7.1f} ms")


def bench_forwarding(url: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        policy = OfflinePolicy(enabled=True, max_order=10**6, max_total=10**9, max_count=10**6)
        bench = register(url, Path(directory), offline=policy)
        engine, code = bench.engine, bench.code
        httpx.post(f"{url}/sandbox/faults", json={"path": "*", "status": 503})
        for _ in range(count):
            checkout_offline = engine.open_check()
            checkout_offline = engine.edit_check(
                checkout_offline.check_id, lambda c: c.add_item(LineItem("A", 700))
            )
            engine.pay_levelup(checkout_offline.check_id, code)
        httpx.delete(f"{url}/sandbox/faults")
        start = time.perf_counter()
        report = engine.forward_offline()
        elapsed = time.perf_counter() - start
        bench.journal.close()
    assert report.approved == count, report
    print(f"offline queue forwarding ({count} queued payments)")
    print(f"  {count / elapsed:6.0f} payments/s ({elapsed * 1000 / count:.2f} ms each)")


def profile_checkout(url: str, rounds: int) -> None:
    """``rounds`` whole checkouts under cProfile: where the time goes."""
    with tempfile.TemporaryDirectory() as directory:
        bench = register(url, Path(directory))
        engine, code = bench.engine, bench.code
        for _ in range(20):
            checkout(engine, code)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(rounds):
            checkout(engine, code)
        profiler.disable()
        bench.journal.close()
    print(f"profile of {rounds} whole LevelUp checkouts (cProfile; its overhead inflates calls)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = int(arguments[0]) if arguments else 500
    with sandbox_process() as url:
        if "--profile" in sys.argv:
            profile_checkout(url, rounds)
            sys.exit()
        bench_checkout(url, rounds)
        bench_commit(2000)
        bench_recovery(url, 100_000)
        bench_forwarding(url, 200)
