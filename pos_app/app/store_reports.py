"""Store-wide X and Z reports from the store server (``levelup-pos store report``).

An X report counts each register's day from what it shipped (:mod:`pos_app.store.days`), as
the register counts its own. A Z report is the registers' own Z reports of the day, combined as
they were taken; a register that has not taken its Z for the day is named in the notes, and a
store Z never closes a register's day. Either is reconciled with LevelUp once per location: one
listing of the location's orders of the day, each order given to the register that paid it
(its uuid, or its details' register), then matched register by register
(:func:`pos_app.reports.reconciliation.reconcile`). Every call blocks (the server, LevelUp).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.app.reports import ReportError, render
from pos_app.domain import format_cents
from pos_app.engine import CheckRecord, local_day
from pos_app.engine.ports import PaymentGateway
from pos_app.host.files import write_atomically
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.wire import MerchantOrder
from pos_app.reports import Mismatch, MismatchKind, Reconciliation, Report, ReportKind
from pos_app.reports.combine import Part, StoreReport, combine, sum_reconciliations
from pos_app.reports.csv_file import dollars
from pos_app.reports.figures import count_day
from pos_app.reports.reconciliation import reconcile, short
from pos_app.reports.text import Figure, Section, figure_lines, wrap
from pos_app.store.days import closed_days_of, register_day
from pos_app.store.events import RegisterKey
from pos_app.store.registers import registers_of

if TYPE_CHECKING:
    from pos_app.store.database import Engine as Database

_EARLIEST_ORDER = timedelta(days=2)
"""LevelUp's listing is read back to this long before the day's midnight (UTC)."""
_NOT_ASKED = Reconciliation(problem="LevelUp was not asked.")


class StoreReportDesk:
    """The reports of a location's registers, or of a merchant's every location, from the
    store server; reconciled with LevelUp when ``gateway`` (the merchant's) is given."""

    def __init__(
        self,
        database: Database,
        gateway: PaymentGateway | None = None,
        *,
        calendar_day: Callable[[datetime], date] = local_day,
    ) -> None:
        self._database = database
        self._gateway = gateway
        self._calendar_day = calendar_day

    def report(
        self,
        kind: ReportKind,
        day: date | None = None,
        *,
        location_id: int | None = None,
        merchant_id: int | None = None,
    ) -> StoreReport:
        """The store's X (the day so far) or Z (the registers' Z reports) report of ``day``
        (default: today's date), of ``location_id`` or of every location of ``merchant_id``."""
        now = datetime.now(UTC)
        day = day or self._calendar_day(now)
        keys = [
            state.key
            for state in registers_of(
                self._database, location_id=location_id, merchant_id=merchant_id
            )
        ]
        if not keys:
            whose = f"location {location_id}" if merchant_id is None else f"merchant {merchant_id}"
            raise ReportError(f"No register of {whose} has shipped to the store server yet.")
        by_location: dict[int, list[RegisterKey]] = defaultdict(list)
        for key in keys:
            by_location[key.location_id].append(key)
        across = merchant_id is not None
        parts: list[Part] = []
        reconciliations: list[tuple[str, Reconciliation]] = []
        said: list[str] = []
        for location, registers in by_location.items():
            found, reconciliation, notes = self._location(kind, day, registers, now, across)
            parts += found
            reconciliations.append((f"Location {location}", reconciliation))
            said += notes
        if across:
            name = f"Merchant {merchant_id} ({len(by_location)} locations, {len(keys)} registers)"
            total = sum_reconciliations(reconciliations)
        else:
            ids = ", ".join(k.register_id for k in keys)
            name = f"Location {keys[0].location_id} (registers {ids})"
            total = reconciliations[0][1]
        return combine(kind, day, name, parts, taken_at=now, reconciliation=total, said=said)

    def _location(
        self, kind: ReportKind, day: date, keys: Sequence[RegisterKey], now: datetime, across: bool
    ) -> tuple[list[Part], Reconciliation, list[str]]:
        def label(key: RegisterKey) -> str:
            return f"{key.location_id}/{key.register_id}" if across else key.register_id

        facts = {
            key.register_id: register_day(self._database, key, day, self._calendar_day)
            for key in keys
        }
        if kind is ReportKind.X:
            checks = {register: f.checks for register, f in facts.items()}
            found = self._reconciled(keys[0], day, checks)
            parts = [
                Part(
                    key.location_id,
                    label(key),
                    count_day(
                        ReportKind.X,
                        facts[key.register_id],
                        taken_at=now,
                        reconciliation=found.get(key.register_id),
                    ),
                )
                for key in keys
            ]
            return parts, _location_total(found) if found else _NOT_ASKED, []
        parts, notes = [], []
        for key in keys:
            taken = next((c for c in closed_days_of(self._database, key) if c.day == day), None)
            if taken is None:
                held = len(facts[key.register_id].checks)
                notes.append(
                    f"Register {label(key)} has not taken its Z report of {day:%d %b %Y} "
                    f"({held} check(s) of that day on the server): its figures are not in "
                    "this report."
                )
                continue
            parts.append(Part(key.location_id, label(key), Report.from_data(taken.document)))
        closed = {p.report.register for p in parts}
        checks = {r: f.checks for r, f in facts.items() if r in closed}
        found = self._reconciled(keys[0], day, checks) if checks else {}
        if found:
            return parts, _location_total(found), notes
        as_taken = [(f"Register {p.label}", p.report.reconciliation) for p in parts]
        return parts, sum_reconciliations(as_taken) if as_taken else _NOT_ASKED, notes

    def _reconciled(
        self, key: RegisterKey, day: date, checks: Mapping[str, Sequence[CheckRecord]]
    ) -> dict[str, Reconciliation]:
        if self._gateway is None:
            return {}
        return reconcile_location(self._gateway, key.location_id, key.merchant_id, day, checks)


def reconcile_location(
    gateway: PaymentGateway,
    location_id: int,
    merchant_id: int,
    day: date,
    checks: Mapping[str, Sequence[CheckRecord]],
) -> dict[str, Reconciliation]:
    """Each register's checks of ``day`` (register id → checks) matched with the location's
    orders of the day, read from LevelUp once; under ``""`` the orders of no register given."""
    earliest = datetime.combine(day, time(), UTC) - _EARLIEST_ORDER
    prefix = f"{day:%y%m%d}"
    looked_up: dict[str, MerchantOrder] = {}

    def details(uuid: str) -> MerchantOrder:
        if uuid not in looked_up:
            looked_up[uuid] = gateway.order_details(merchant_id, uuid)
        return looked_up[uuid]

    paid_by = {
        tender.levelup.order_uuid: register
        for register, records in checks.items()
        for record in records
        for tender in record.check.tenders
        if tender.levelup is not None and tender.levelup.order_uuid
    }
    try:
        orders: dict[str, list[MerchantOrder]] = defaultdict(list)
        for order in _until(gateway.location_orders(location_id), earliest):
            if not (order.identifier_from_merchant or "").startswith(prefix):
                continue
            register = paid_by.get(order.uuid) or order.register_name
            if register is None:
                order = details(order.uuid)  # names its register, so it is not asked again
                register = order.register_name or ""
            orders[register if register in checks else ""].append(order)
        found = {
            register: reconcile(records, orders[register], register=register, details=details)
            for register, records in checks.items()
        }
    except LevelUpError as error:
        problem = Reconciliation(problem=f"LevelUp could not be asked ({error}).")
        return dict.fromkeys(checks, problem)
    if stray := orders[""]:
        found[""] = Reconciliation(
            checked=True, orders=len(stray), details=tuple(_unclaimed(o) for o in stray)
        )
    return found


def _location_total(found: Mapping[str, Reconciliation]) -> Reconciliation:
    return sum_reconciliations(
        [
            (f"Register {register}" if register else "No register", r)
            for register, r in found.items()
        ]
    )


def _unclaimed(order: MerchantOrder) -> Mismatch:
    spend = order.spend_amount or 0
    check = order.identifier_from_merchant or ""
    return Mismatch(
        MismatchKind.MISSING_IN_JOURNAL,
        f"LevelUp charged {format_cents(spend)} (order {short(order.uuid)}) for check {check} "
        f"of register {order.register_name or '(not named)'}, and no register of this store "
        "shipped such a payment.",
        check,
        short(order.uuid),
        None,
        spend,
    )


def _until(orders: Iterator[MerchantOrder], earliest: datetime) -> Iterator[MerchantOrder]:
    for order in orders:
        if order.created_at is not None and order.created_at < earliest:
            return
        yield order


# ----- out ----------------------------------------------------------------------------------


def breakdown(report: StoreReport) -> tuple[Section, ...]:
    """Each register's main figures, as report sections (after the store's own)."""
    return tuple(
        Section(
            f"Register {part.label}"
            + (f" (Z report #{part.report.number})" if part.report.number else ""),
            tuple(_figures(part.report)),
        )
        for part in report.parts
    )


def _figures(report: Report) -> Iterator[Figure]:
    yield Figure("Checks", count=report.checks)
    yield Figure("Net sales", report.net_sales)
    yield Figure("Tax", report.tax)
    yield Figure("Tips", report.tips)
    for tender in report.tenders:
        if tender.count or tender.refunds.count:
            yield Figure(tender.name, tender.amount, tender.count)
    yield Figure("Cash expected", report.cash.expected)
    rec = report.reconciliation
    words = f"{rec.matched} of {rec.orders} order(s) matched" if rec.checked else "not checked"
    yield Figure("LevelUp reconciliation", value=words)


def render_store(report: StoreReport, fmt: str) -> bytes:
    """``report`` as a file of ``fmt`` (text, json, csv, pdf): the store's report, then each
    register's figures (JSON: under ``registers``)."""
    if fmt == "json":
        import json

        return (json.dumps(report.as_data(), indent=1) + "\n").encode()
    sections = breakdown(report)
    if fmt == "text":
        lines = [render(report.total, "text").decode().rstrip("\n")]
        for section in sections:
            lines += ["", *wrap(section.title.upper(), 48), "-" * 48]
            lines += [row for figure in section.figures for row in figure_lines(figure, 48)]
        return ("\n".join(lines) + "\n").encode()
    if fmt == "csv":
        out = io.StringIO()
        out.write(render(report.total, "csv").decode())
        writer = csv.writer(out)
        for section in sections:
            for f in section.figures:
                amount = "" if f.amount is None else dollars(f.amount)
                cents = "" if f.amount is None else str(f.amount)
                count = "" if f.count is None else str(f.count)
                writer.writerow((section.title, f.full_name, amount, cents, count, f.value))
        return out.getvalue().encode()
    if fmt == "pdf":
        from pos_app.reports.pdf import report_pdf

        return report_pdf(report.total, more=sections)
    return render(report.total, fmt)  # raises ReportError: not a format


def save_store_report(report: StoreReport, path: Path, fmt: str) -> None:
    """Write ``report`` to ``path`` as ``fmt``, whole or not at all."""
    data = render_store(report, fmt)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise ReportError(f"Could not write {path}: {error.strerror or error}.") from None
