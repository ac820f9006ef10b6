"""The reports at scale: X and Z reports over a year of a busy register, and reconciling a busy
day's LevelUp orders.

1. N checks (default 300,000) over the 365 business days up to yesterday, each day with its shift
   and (but the last) its Z report: copies of template checks rung up once through the real
   engine against the sandbox (2–4 items; cash, card, LevelUp with tips, discounts and gift cards;
   voids, refunds, returns; three cashiers), written in bulk with new ids, numbers of their day
   and times in store hours. A real ``Terminal`` takes yesterday's X report a few times and its Z
   report once, each checked against what was written.
2. N LevelUp orders (default 2,000) by ``levelup-pos demo`` checkouts against a sandbox in its own
   process, some refunded; ``desk.reconciliation(day_facts(...))`` is timed, its pages counted.

Run from the repository root: ``.venv/bin/python -m benchmarks.reports`` (``--help``: options).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import Table, insert, select

from benchmarks.common import measure, p50, p99, sandbox_process
from pos_app.app.catalog import load_catalog
from pos_app.app.demo import PROFILES, run_demo
from pos_app.app.reports import ReportDesk, day_facts
from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.app.terminal import DEMO_STAFF, Terminal, open_register, sign_in_to_sandbox
from pos_app.domain import Check, TenderKind
from pos_app.engine import DAY_TARGET, ApprovalAction, Engine
from pos_app.engine.drawer import drawer_cash
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import CheckRecord
from pos_app.engine.shifts import LOOSE, Shift, ShiftClose
from pos_app.engine.staff import Role, StaffMember
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN
from pos_app.journal.schema import checks, counters, events, tenders
from pos_app.journal.staff import SqliteStaff
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.reports import Report
from pos_app.sandbox.views import PAGE_SIZE

MANAGER = next(member for member in DEMO_STAFF if member[2] is Role.ADMIN)
CASHIERS = [("1", ""), ("21", "Ada Lovelace"), ("22", "Grace Hopper")]
"""The demo cashier and two more (their PINs made at random and kept nowhere)."""
LEVELUP = dict(PROFILES)  # LevelUp payers: the demo's customer profiles (card, tip, ...)
_SALES = {"cash": 30, "credit": 18, "debit": 8, "card": 17, "tip": 6, "discount": 5}
KINDS = _SALES | {"gift card only": 5, "cash voided": 1, "card refunded": 1, "cash returned": 2}
"""Template kinds and their weights: how a check is paid, and what happened to it."""
VARIANTS = 2  # template checks of each kind for each cashier
TOKEN = re.compile(r"([0-9a-f]{32}|\d{4}-\d\d-\d\d[T ][\d:.]{8,15}(?:Z|\+00:00)|\d{10})")
"""What a copy changes in a template's texts: ids (order uuids too), times and its number."""


@dataclass
class Template:
    """One check's rows as the engine left them: texts made format strings whose fields are its
    ids, number and times; times as offsets from its opening."""

    kind: str
    identifier: str
    facts: Counter[str]
    """What a copy adds to its day's report: ``checks`` sold, ``<tender kind>`` and ``<tender
    kind> count`` of the payments that stand, ``cash in`` and ``cash out`` of the drawer."""
    span: timedelta
    slots: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    times: list[tuple[int, timedelta, str]] = field(default_factory=list)
    rows: list[tuple[Table, dict[str, Any]]] = field(default_factory=list)

    def compile(self, text: str, opened: datetime) -> str:
        parts = TOKEN.split(text)
        out = [part.replace("{", "{{").replace("}", "}}") for part in parts[::2]]
        for i, token in enumerate(parts[1::2]):
            if len(token) == 10 and token != self.identifier:
                out[i] += token  # a number, not this check's
                continue
            if token not in self.slots:
                slot = self.slots[token] = len(self.slots)
                if token[4] == "-":  # a time (some are 32 characters long too)
                    style = token[10] + ("Z" if token.endswith("Z") else "+00:00")
                    self.times.append((slot, datetime.fromisoformat(token) - opened, style))
                elif len(token) == 32:
                    self.ids.append(slot)
            out[i] += f"{{{self.slots[token]}}}"
        return "".join(out)

    def at(self, offset: timedelta, scale: float) -> timedelta:
        """An offset, the check's span stretched (what lies beyond, an expiry, as it was)."""
        return offset * scale if offset <= self.span else self.span * scale + offset - self.span

    def copy(
        self, rng: random.Random, identifier: str, opened: datetime
    ) -> list[tuple[Table, dict[str, Any]]]:
        """The rows of a copy numbered ``identifier``, opened at ``opened``, lasting 1–5 min."""
        scale = rng.uniform(60, 300) / self.span.total_seconds()
        values = [identifier] * len(self.slots)
        for i in self.ids:
            values[i] = f"{rng.getrandbits(128):032x}"
        for i, offset, style in self.times:
            at = opened + self.at(offset, scale)
            values[i] = at.strftime(f"%Y-%m-%d{style[0]}%H:%M:%S.%f") + style[1:]

        def value(v: Any) -> Any:
            if isinstance(v, str):
                return v.format(*values)
            return opened + self.at(v, scale) if isinstance(v, timedelta) else v

        return [(table, {k: value(v) for k, v in row.items()}) for table, row in self.rows]


def _template(terminal: Terminal, check_id: str, kind: str) -> Template:
    journal = terminal.journal
    record = journal.load(check_id)
    assert record is not None
    assert not record.state.editable, record
    facts = Counter({"checks": int(record.state.was_sold)})
    for tender in record.check.tenders:
        if tender.status.is_paid:
            facts[tender.kind.value] += tender.amount
            facts[f"{tender.kind.value} count"] += 1
    opened = record.opened_at
    own = journal.check_events_between(frozenset(EventKind), opened, opened + timedelta(1))
    drawer = drawer_cash(opened.date(), [event for c, event in own if c == check_id])
    facts["cash in"], facts["cash out"] = drawer.taken.amount, drawer.given_back.amount
    span = max(event.at for c, event in own if c == check_id) - opened or timedelta.resolution
    tpl = Template(kind, record.check.identifier, facts, span)
    with journal.database.connect() as connection:
        for table in (checks, tenders, events):
            where = table.c.id if table is checks else table.c.check_id
            for row in connection.execute(select(table).where(where == check_id)).mappings():
                values = {k: _compiled(tpl, v, opened) for k, v in row.items()}
                if table is events:
                    del values["id"]  # the journal numbers its events
                tpl.rows.append((table, values))
    return tpl


def _compiled(tpl: Template, value: Any, opened: datetime) -> Any:
    if isinstance(value, str):
        return tpl.compile(value, opened)
    return value - opened if isinstance(value, datetime) else value


def _register(directory: Path, url: str) -> tuple[Paths, Path]:
    """A demo register's data directory and key, signed in to the sandbox at ``url``."""
    paths, key = Paths(directory / "register"), directory / "secret.key"
    sign_in_to_sandbox(paths, url, {}, key_path=key)
    return paths, key


def _approval(engine: Engine, check_id: str | None, action: ApprovalAction, target: str) -> Any:
    staff_id, pin = MANAGER[0], MANAGER[3]
    return engine.approve(check_id, action, target, staff_id=staff_id, pin=pin, reason="Bench")


def _sell(engine: Engine, cashier: StaffMember, kind: str, code: str, rng: random.Random) -> str:
    catalog = load_catalog()
    items = [i for i in catalog.items if not catalog.options_of(i).asks and i.exemption is None]
    record = engine.open_check(cashier)
    for _ in range(rng.randint(2, 4)):
        line = replace(rng.choice(items), quantity=rng.choice([1, 1, 1, 2]))
        record = engine.edit_check(record.check_id, partial(Check.add_item, item=line))
    if code:
        record, _ = engine.pay_levelup(record.check_id, code)
    due, check_id = record.check.totals.balance_due, record.check_id
    if kind in ("credit", "debit"):
        record = engine.pay_other(check_id, TenderKind(kind), due)
    elif due:
        record = engine.pay_cash(check_id, max(2000, (due + 99) // 100 * 100))
    if kind.endswith(("voided", "refunded")):
        approval = _approval(engine, check_id, ApprovalAction.VOID_CHECK, check_id)
        engine.void_check(check_id, approval)
    elif kind.endswith("returned"):
        approval = _approval(engine, check_id, ApprovalAction.RETURN_ITEMS, check_id)
        engine.return_items(check_id, {record.check.items[0].line_id: 1}, approval)
    return check_id


Made = tuple[list[Template], StaffMember, dict[str, Any]]  # and who opens shifts, a Z's data


def make_templates(url: str, directory: Path) -> Made:
    """Ring up the template checks on a demo register of the sandbox at ``url`` and take its Z
    report: the templates, the first cashier and the Z report's event data."""
    paths, key = _register(directory, url)
    with open_register(paths, {}, key_path=key) as terminal, SandboxAdmin(url) as admin:
        engine, rng, made, members = terminal.engine, random.Random(17), [], []
        for staff_id, name in CASHIERS:
            pin = next(
                (s[3] for s in DEMO_STAFF if s[0] == staff_id), f"{rng.randrange(10**6):06d}"
            )
            if name:
                SqliteStaff(terminal.journal).add(staff_id, name, Role.CASHIER, pin)
            member = engine.sign_in(staff_id, pin)
            members.append(member)
            for kind in list(KINDS) * VARIANTS:
                profile = LEVELUP.get(kind.removesuffix(" refunded"))
                payer = {} if profile is None else admin.add_customer(kind, **profile)
                code = payer.get("payment_token_data", "")
                made.append((_sell(engine, member, kind, code, rng), kind))
        terminal.reports.z_report(_approval(engine, None, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        z_data = terminal.journal.audit_trail(frozenset({EventKind.DAY_CLOSED}))[-1]["data"]
        return [_template(terminal, c, kind) for c, kind in made], members[0], z_data


def write_year(terminal: Terminal, made: Made, total: int, last: date) -> tuple[Counter[str], int]:
    """``total`` checks over the 365 business days up to ``last``, each day with its shift and
    all but the last with its Z report; returns the last day's facts and events."""
    (templates, opener, z_data), journal = made, terminal.journal
    rng, started = random.Random(2026), time.perf_counter()
    days = [last - timedelta(days=n) for n in range(364, -1, -1)]
    weights = [1 + 0.35 * (d.weekday() >= 4) + rng.uniform(-0.1, 0.1) for d in days]
    counts = [int(total * w / sum(weights)) for w in weights]
    for i in rng.sample(range(365), total - sum(counts)):
        counts[i] += 1
    chance = [KINDS[t.kind] / sum(o.kind == t.kind for o in templates) for t in templates]
    who, written = (opener.staff_id, opener.label), 0
    for number, (day, count) in enumerate(zip(days, counts, strict=True), 1):
        midnight = datetime.combine(day, clock_time()).astimezone()  # the store's time
        shift = Shift(f"{number:032x}", midnight + timedelta(hours=6.75), *who, "1", 20_000)
        journal.audit(JournalEvent(EventKind.SHIFT_OPENED, shift.opened_at, data=shift.as_data()))
        hours = sorted(rng.triangular(7, 21.5, 12.5) for _ in range(count))
        rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        facts: Counter[str] = Counter(written=count)
        chosen = rng.choices(templates, chance, k=count)
        for n, (hour, tpl) in enumerate(zip(hours, chosen, strict=True), 1):
            opened = midnight + timedelta(hours=hour)
            for table, row in tpl.copy(rng, f"{day:%y%m%d}{n:04d}", opened):
                rows[table].append(row)
            facts.update(tpl.facts)
        rows[events].sort(key=lambda row: row["at"])
        with journal.writing, journal.database.begin() as connection:
            for table in (checks, tenders, events):
                connection.execute(insert(table), rows[table])
        taken, back, end = facts["cash in"], facts["cash out"], midnight + timedelta(hours=22.25)
        cash = shift.float_cents + taken - back  # counted as expected
        closing = ShiftClose(shift, end, *who, taken, back, 0, 0, cash, {LOOSE: cash}, cash)
        journal.audit(JournalEvent(EventKind.SHIFT_CLOSED, end, data=closing.as_data()))
        if day != last:
            report = {**z_data["report"], "business_date": day.isoformat(), "number": number}
            data = {**z_data, "day": day.isoformat(), "number": number, "report": report}
            journal.audit(JournalEvent(EventKind.DAY_CLOSED, end, data=data))
        written += count
        if number % 60 == 0:
            rate = written / (time.perf_counter() - started)
            print(f"  … {written:,} checks, to {day} ({rate:,.0f} checks/s)", flush=True)
    with journal.writing, journal.database.begin() as connection:
        connection.execute(insert(counters).values(name="identifier", value=f"{day:%y%m%d}{n:04d}"))
    return facts, len(rows[events]) + 2


def _timed(step: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = step()
    return (time.perf_counter() - started) * 1000, result


def _spread(samples: list[float]) -> str:
    return f"median {p50(samples):6.0f} ms   p99 {p99(samples):6.0f} ms"


def _check_figures(report: Report, facts: Counter[str]) -> None:
    """The report counts what was written (a fast wrong answer cannot pass)."""
    c = report.cash
    seen = {"checks": report.checks, "cash in": c.taken.amount, "cash out": c.given_back.amount}
    for t in report.tenders:
        seen |= {t.kind.value: t.amount, f"{t.kind.value} count": t.count}
    assert all(facts[name] == value for name, value in seen.items()), (seen, facts)


def bench_z(total: int, runs: int) -> None:
    with sandbox_process() as url, tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        made = make_templates(url, Path(scratch) / "templates")
        templated = time.perf_counter() - started
        paths, key = _register(Path(scratch) / "bench", url)
        day = date.today() - timedelta(days=1)
        with open_register(paths, {}, key_path=key) as terminal:
            facts, day_events = write_year(terminal, made, total, day)
        built = time.perf_counter() - started
        print(
            f"built a journal of {total:,} checks over 365 days in {built:.0f} s: "
            f"{len(made[0])} template checks through the engine ({templated:.1f} s), then "
            f"{total / (built - templated):,.0f} checks/s in bulk "
            f"({paths.journal_file.stat().st_size / 2**20:,.0f} MiB)"
        )
        opened_ms, terminal = _timed(lambda: open_register(paths, {}, key_path=key))
        with terminal:
            desk, count = terminal.reports, terminal.journal.event_count()
            x_report = partial(desk.x_report, day, reconcile_orders=False)
            x_ms = measure(x_report, runs, warmup=0)
            _check_figures(x := x_report(), facts)
            approval = _approval(terminal.engine, None, ApprovalAction.CLOSE_DAY, DAY_TARGET)
            z_ms, z = _timed(lambda: desk.z_report(approval, day))
            _check_figures(z, facts)
            assert z.number == 365
            assert z.as_data()["tenders"] == x.as_data()["tenders"]
    tallies = ", ".join(f"{k.value} {z.tender(k).count}" for k in TenderKind if z.tender(k).count)
    print(f"""
reports of {day}: {facts["written"]:,} checks written that day ({z.checks:,} sold, \
{day_events:,} events); {count:,} events and 364 Z reports in the journal
  open the register (Terminal)   {opened_ms:6.0f} ms
  X report ({runs} runs)            {_spread(x_ms)}
  Z report (one)                 {z_ms:6.0f} ms   the target is under 2 s
  checked against what was written: {z.checks:,} checks, {tallies}, cash in and out
  LevelUp, asked by the Z: {len(z.reconciliation.details):,} payments without an order""")


def make_orders(terminal: Terminal, url: str, orders: int) -> tuple[int, int]:
    """``orders`` LevelUp orders by demo checkouts, some refunded: (demo runs, refunds)."""
    engine, made, runs, closed = terminal.engine, 0, 0, list[CheckRecord]()
    with SandboxAdmin(url) as admin:
        while made < orders:  # a check makes one order at most (a decline makes none)
            run_demo(engine, url, orders - made, seed=runs, closed=closed.append)
            made, runs = len(admin.orders()), runs + 1

    def paid_by_levelup(record: CheckRecord) -> bool:
        return any(t.kind is TenderKind.LEVELUP and t.status.is_paid for t in record.check.tenders)

    paid = [record for record in closed if paid_by_levelup(record)]
    for check_id in [r.check_id for r in paid[::50]]:
        approval = _approval(engine, check_id, ApprovalAction.VOID_CHECK, check_id)
        engine.void_check(check_id, approval)
    return runs, len(paid[::50])


class _Pages(httpx.HTTPTransport):
    """Counts the pages of LevelUp's order listing read through it."""

    pages = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.pages += bool(re.fullmatch(r"/v14/locations/\d+/orders", request.url.path))
        return super().handle_request(request)


def bench_reconciliation(orders: int, runs: int) -> None:
    with sandbox_process() as url, tempfile.TemporaryDirectory() as scratch:
        paths, key = _register(Path(scratch), url)
        started = time.perf_counter()
        with open_register(paths, {}, key_path=key) as terminal:
            demo_runs, refunds = make_orders(terminal, url, orders)
            built = time.perf_counter() - started
            token = terminal.secrets.get(MERCHANT_TOKEN) or ""
            config = ClientConfig(base_url=url, merchant_token=SecretStr(token))
            with LevelUpClient(config, transport=(transport := _Pages())) as client:
                journal, register = terminal.journal, terminal.config.register_.id
                desk = ReportDesk.of(journal, terminal.config, client)
                facts = partial(day_facts, journal, desk.business_day(), register, desk.day_of)
                facts_ms = measure(facts, runs, 0)
                rec_ms = measure(partial(desk.reconciliation, facts()), runs, 0)
                both_ms = measure(lambda: desk.reconciliation(facts()), runs, 0)
                transport.pages = 0
                rec = desk.reconciliation(facts())
    assert rec.checked, rec
    assert rec.matched == rec.orders == orders, rec
    assert not rec.details, rec.details[:3]
    print(f"""
reconciliation of {orders:,} LevelUp orders ({refunds} refunded; made by {demo_runs} demo \
runs in {built:.0f} s)
  day_facts (the journal)        {_spread(facts_ms)}
  desk.reconciliation (LevelUp)  {_spread(rec_ms)}
  both ({runs} runs)                {_spread(both_ms)}   the target is under 5 s
  {transport.pages} pages of {PAGE_SIZE} read; matched {rec.matched:,} of {rec.orders:,}, \
{len(rec.details)} mismatches""")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__)
    parser.add_argument("--checks", type=int, default=300_000)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("z", "reconciliation"))
    options = parser.parse_args()
    if options.only != "reconciliation":
        bench_z(options.checks, options.runs)
    if options.only != "z":
        bench_reconciliation(options.orders, options.runs)


if __name__ == "__main__":
    main()
