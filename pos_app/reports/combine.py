"""Several registers' reports as one: a store's (the registers of a LevelUp location) or a
merchant's (every location), with each register's own report kept as its breakdown.

Every figure is summed; tenders by kind; tax by class; cashiers and hours merged by label. A
check number is only unique on its register, so the combined lists (money given back, unknown
payments, open checks) name each check as ``register/number`` (``19/1/2611230004`` across
locations). The drawer's count is summed only when every register's drawer was counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from pos_app.domain import TenderKind
from pos_app.engine.drawer import Tally
from pos_app.reports.figures import notes
from pos_app.reports.model import TENDER_ORDER, Report, ReportKind, TenderFigures
from pos_app.reports.parts import (
    CashFigures,
    GroupFigures,
    OfflineFigures,
    Reconciliation,
    TaxLine,
)


@dataclass(frozen=True)
class Part:
    """One register's report in a combined one: its location, and how the combined lists
    name it (``label``: its register id, or ``location/register`` across locations)."""

    location_id: int
    label: str
    report: Report


@dataclass(frozen=True)
class StoreReport:
    """The combined report (``total``) and each register's own (``parts``)."""

    total: Report
    parts: tuple[Part, ...]

    def as_data(self) -> dict[str, Any]:
        """The register's report's JSON keys, and ``registers``: each register's, with its
        ``location``."""
        return self.total.as_data() | {
            "registers": [
                {"register": p.report.register, "location": p.location_id}
                | {k: v for k, v in p.report.as_data().items() if k != "register"}
                for p in self.parts
            ]
        }


def combine(
    kind: ReportKind,
    day: date,
    name: str,
    parts: Sequence[Part],
    *,
    taken_at: datetime,
    reconciliation: Reconciliation,
    said: Iterable[str] = (),
) -> StoreReport:
    """``parts`` as one report of ``day`` named ``name`` (what its header says in place of a
    register), reconciled as ``reconciliation`` says; ``said``: notes of its own (a register
    that took no Z report), after the figures' own."""
    reports = [p.report for p in parts]
    total = Report(
        kind=kind,
        business_date=day,
        register=name,
        taken_at=taken_at,
        checks=_sum(r.checks for r in reports),
        gross_sales=_sum(r.gross_sales for r in reports),
        discounts=_sum(r.discounts for r in reports),
        levelup_discounts=_sum(r.levelup_discounts for r in reports),
        comps=_tally(r.comps for r in reports),
        returns=_sum(r.returns for r in reports),
        net_sales=_sum(r.net_sales for r in reports),
        tax=_sum(r.tax for r in reports),
        tax_by_class=_tax(reports),
        fees=_sum(r.fees for r in reports),
        tips=_sum(r.tips for r in reports),
        tenders=tuple(_tender(kind, reports) for kind in TENDER_ORDER),
        reversals=tuple(
            sorted(
                (
                    replace(v, check=f"{p.label}/{v.check}")
                    for p in parts
                    for v in p.report.reversals
                ),
                key=lambda v: v.at,
            )
        ),
        offline=OfflineFigures(
            _tally(r.offline.forwarded for r in reports),
            _tally(r.offline.declined for r in reports),
            _tally(r.offline.waiting for r in reports),
        ),
        unknown=tuple(
            replace(u, check=f"{p.label}/{u.check}") for p in parts for u in p.report.unknown
        ),
        by_cashier=_groups(g for r in reports for g in r.by_cashier),
        by_hour=_groups(g for r in reports for g in r.by_hour),
        open_checks=tuple(f"{p.label}/{c}" for p in parts for c in p.report.open_checks),
        cash=_cash([r.cash for r in reports]),
        reconciliation=reconciliation,
    )
    total = replace(total, notes=(*notes(total), *said))
    return StoreReport(total, tuple(parts))


def sum_reconciliations(
    reconciliations: Sequence[tuple[str, Reconciliation]],
) -> Reconciliation:
    """Registers' (or locations') reconciliations as one, each difference's words led by
    whose it is; not checked when any of them was not."""
    unchecked = [(who, r) for who, r in reconciliations if not r.checked]
    if unchecked:
        problems = "; ".join(f"{who}: {r.problem}" for who, r in unchecked)
        return Reconciliation(problem=problems or "LevelUp was not asked.")
    return Reconciliation(
        checked=True,
        matched=_sum(r.matched for _, r in reconciliations),
        orders=_sum(r.orders for _, r in reconciliations),
        details=tuple(
            replace(d, text=f"{who}: {d.text}") for who, r in reconciliations for d in r.details
        ),
    )


def _sum(values: Iterable[int]) -> int:
    return sum(values, 0)


def _tally(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total.plus(tally.amount, tally.count)
    return total


def _tax(reports: Sequence[Report]) -> tuple[TaxLine, ...]:
    by_code: dict[str, int] = defaultdict(int)
    for report in reports:
        for line in report.tax_by_class:
            by_code[line.code] += line.amount
    returned = by_code.pop("returned", None)
    lines = [TaxLine(code, amount) for code, amount in sorted(by_code.items())]
    return (*lines, TaxLine("returned", returned)) if returned is not None else tuple(lines)


def _tender(kind: TenderKind, reports: Sequence[Report]) -> TenderFigures:
    figures = [r.tender(kind) for r in reports]
    return TenderFigures(
        kind,
        amount=_sum(t.amount for t in figures),
        count=_sum(t.count for t in figures),
        tips=_sum(t.tips for t in figures),
        refunds=_tally(t.refunds for t in figures),
        levelup_discount=_sum(t.levelup_discount for t in figures),
        gift_card=_sum(t.gift_card for t in figures),
    )


def _groups(groups: Iterable[GroupFigures]) -> tuple[GroupFigures, ...]:
    merged: dict[str, GroupFigures] = {}
    for group in groups:
        was = merged.get(group.label, GroupFigures(group.label))
        merged[group.label] = GroupFigures(
            group.label, was.checks + group.checks, was.net_sales + group.net_sales
        )
    return tuple(merged[label] for label in sorted(merged))


def _cash(drawers: Sequence[CashFigures]) -> CashFigures:
    counted = [d.counted for d in drawers]
    return CashFigures(
        opening=_sum(d.opening for d in drawers),
        taken=_tally(d.taken for d in drawers),
        given_back=_tally(d.given_back for d in drawers),
        paid_in=_tally(d.paid_in for d in drawers),
        paid_out=_tally(d.paid_out for d in drawers),
        no_sales=_sum(d.no_sales for d in drawers),
        counted=_sum(c for c in counted if c is not None)
        if counted and None not in counted
        else None,
    )
