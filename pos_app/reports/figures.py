"""Counting one business day's report from the journal's checks and events.

The sales figures are over the day's checks (numbered on the day): a check sold counts its
items, discounts, tax, fees and the payments that still stand on it. What was given back, the
drawer's cash and the shifts count on the day they happened (the events' business day),
whichever day the check was sold, so a refund of yesterday's sale is in today's report, and a
Z report, once taken, never changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pos_app.domain import TenderKind, TenderStatus, format_cents
from pos_app.engine import CheckRecord, EventKind, JournalEvent
from pos_app.engine.drawer import Tally, drawer_cash, void_gave
from pos_app.reports.model import TENDER_ORDER, Report, ReportKind, TenderFigures
from pos_app.reports.parts import (
    CashFigures,
    GroupFigures,
    OfflineFigures,
    Reconciliation,
    Reversal,
    ReversalKind,
    TaxLine,
    UnknownPayment,
)

DAY_EVENTS = frozenset(
    {
        EventKind.TENDER_APPROVED,
        EventKind.VOIDED,
        EventKind.REFUNDED,
        EventKind.ITEMS_RETURNED,
        EventKind.CHECK_VOIDED,
        EventKind.CHECK_COMPED,
        EventKind.APPROVAL,
        EventKind.NO_SALE,
        EventKind.PAID_IN,
        EventKind.PAID_OUT,
        EventKind.SHIFT_OPENED,
        EventKind.SHIFT_CLOSED,
    }
)
"""The events a report reads from the day they happened."""
_UNKNOWN = frozenset({TenderStatus.UNKNOWN, TenderStatus.COMPLETING})
_WAITING = frozenset({TenderStatus.QUEUED, TenderStatus.FORWARDING})
_FORWARDED = frozenset(
    {
        TenderStatus.APPROVED,
        TenderStatus.PARTIALLY_APPROVED,
        TenderStatus.REFUNDING,
        TenderStatus.REFUNDED,
    }
)
_APPROVED_BY = {
    EventKind.VOIDED: ("void_tender", "void_check"),
    EventKind.REFUNDED: ("void_tender", "void_check"),
    EventKind.CHECK_VOIDED: ("void_check",),
    EventKind.ITEMS_RETURNED: ("return_items",),
    EventKind.CHECK_COMPED: ("comp_check",),
}


@dataclass(frozen=True)
class DayFacts:
    """What the journal holds of one business day, as :func:`count_day` reads it."""

    day: date
    register: str
    checks: Sequence[CheckRecord]
    """The checks numbered on the day."""
    cashiers: Mapping[str, str]
    """Who opened each check (check id → ``Name (id)``), where the journal says."""
    events: Sequence[tuple[str, JournalEvent]]
    """The day's events of :data:`DAY_EVENTS` (by the business day of their time), oldest
    first, each with its check's id (``""``: the register's own)."""
    numbers: Mapping[str, str]
    """The number of every check those events belong to (check id → identifier)."""
    hour_of: Callable[[datetime], int]
    """The local hour of a moment (the by-hour figures are in the store's time)."""
    records: Mapping[str, CheckRecord] = field(default_factory=dict)
    """Earlier days' checks the day's events belong to (a sale refunded today), by id."""


def count_day(
    kind: ReportKind,
    facts: DayFacts,
    *,
    taken_at: datetime,
    taken_by: str = "",
    number: int | None = None,
    reconciliation: Reconciliation | None = None,
) -> Report:
    """The report of ``facts``' day, as of ``taken_at``."""
    sold = [r for r in facts.checks if r.state.was_sold]
    totals = [r.check.totals for r in sold]
    gross = sum(t.subtotal + t.item_discounts for t in totals)
    discounts = sum(t.item_discounts + t.check_discount for t in totals)
    levelup_discounts = sum(t.levelup_discount for t in totals)
    returns, returned_tax, returned_fees = _taken_back(facts)
    taxes: dict[str, int] = defaultdict(int)
    for t in totals:
        for code, amount in t.class_taxes:
            taxes[code] += amount
    tax_lines = [TaxLine(code, amount) for code, amount in sorted(taxes.items())]
    if returned_tax:
        tax_lines.append(TaxLine("returned", -returned_tax))
    reversals = tuple(_reversals(facts))
    reconciliation = reconciliation or Reconciliation(problem="LevelUp was not asked.")
    report = Report(
        kind=kind,
        business_date=facts.day,
        register=facts.register,
        taken_at=taken_at,
        taken_by=taken_by,
        number=number,
        checks=len(sold),
        gross_sales=gross,
        discounts=discounts,
        levelup_discounts=levelup_discounts,
        comps=_comps(facts),
        returns=returns,
        net_sales=gross - discounts - levelup_discounts - returns,
        tax=sum(line.amount for line in tax_lines),
        tax_by_class=tuple(tax_lines),
        fees=sum(t.fees for t in totals) - returned_fees,
        tips=sum(
            tender.tip for r in facts.checks for tender in r.check.tenders if tender.status.is_paid
        ),
        tenders=_tenders(facts.checks, reversals),
        reversals=reversals,
        offline=_offline(facts.checks),
        unknown=_unknown(facts.checks),
        by_cashier=_groups(sold, lambda r: facts.cashiers.get(r.check_id, "unknown")),
        by_hour=_groups(sold, lambda r: f"{facts.hour_of(r.closed_at or r.opened_at):02d}:00"),
        open_checks=tuple(
            r.check.identifier
            for r in facts.checks
            if r.state.editable and (r.check.items or r.check.tenders)
        ),
        cash=_cash(facts),
        reconciliation=reconciliation,
    )
    return replace(report, notes=notes(report))


def check_net_sales(record: CheckRecord) -> int:
    """What one sold check's items came to, after every discount and return, before tax."""
    t = record.check.totals
    return t.subtotal - t.check_discount - t.levelup_discount - t.returned_items


def notes(report: Report) -> tuple[str, ...]:
    """What whoever reads ``report`` must not miss, in plain words."""
    said = []
    if report.open_checks:
        said.append(
            f"{len(report.open_checks)} check(s) still open: {', '.join(report.open_checks)}. "
            "Their payments so far are counted; finish or void them before the Z report."
        )
    if report.unknown:
        said.append(f"{len(report.unknown)} LevelUp payment(s) not known yet: see Needs attention.")
    if report.offline.waiting.count:
        said.append(
            f"{report.offline.waiting.count} offline payment(s) "
            f"({format_cents(report.offline.waiting.amount)}) not confirmed by LevelUp yet."
        )
    rec = report.reconciliation
    if not rec.checked:
        said.append(f"Not reconciled with LevelUp: {rec.problem}")
    elif rec.details:
        said.append(
            f"{len(rec.details)} difference(s) with LevelUp's orders: see LevelUp "
            "reconciliation. They block nothing; a manager should look at each."
        )
    return tuple(said)


def _comps(facts: DayFacts) -> Tally:
    """The checks comped on the day, and what their items came to."""
    comps = Tally()
    for _, event in facts.events:
        if event.kind is EventKind.CHECK_COMPED:
            comps = comps.plus(int(event.data["subtotal"]))
    return comps


def _taken_back(facts: DayFacts) -> tuple[int, int, int]:
    """What was taken back from sales on the day, whichever day the sale was: items returned
    and checks voided after they were sold (their items after discounts, tax and fees)."""
    items = tax = fees = 0
    sold = {record.check_id: record for record in facts.checks}
    for check_id, event in facts.events:
        if event.kind is EventKind.ITEMS_RETURNED:
            items += int(event.data["items"])
            tax += int(event.data["tax"])
        elif event.kind is EventKind.CHECK_VOIDED and event.data.get("state") == "refunded":
            record = sold.get(check_id) or facts.records.get(check_id)
            if record is not None:
                t = record.check.totals
                items += check_net_sales(record)
                tax += t.tax - t.returned_tax
                fees += t.fees
    return items, tax, fees


def _tenders(
    checks: Sequence[CheckRecord], reversals: Sequence[Reversal]
) -> tuple[TenderFigures, ...]:
    figures = {kind: TenderFigures(kind) for kind in TENDER_ORDER}
    for record in checks:
        for tender in record.check.tenders:
            if not tender.status.is_paid:
                continue
            detail = tender.levelup
            gift = detail.gift_card_amount + detail.gift_card_tip_amount if detail else 0
            was = figures[tender.kind]
            figures[tender.kind] = replace(
                was,
                amount=was.amount + tender.amount,
                count=was.count + 1,
                tips=was.tips + tender.tip,
                levelup_discount=was.levelup_discount
                + (record.check.applied_levelup_discount(tender.tender_id) if detail else 0),
                gift_card=was.gift_card + gift,
            )
    for reversal in reversals:
        if reversal.tender_kind is not None and reversal.kind is not ReversalKind.CHECK_VOID:
            was = figures[reversal.tender_kind]
            figures[reversal.tender_kind] = replace(was, refunds=was.refunds.plus(reversal.amount))
    return tuple(figures.values())


def _reversals(facts: DayFacts) -> Iterable[Reversal]:
    approvals: dict[str, list[JournalEvent]] = defaultdict(list)
    for check_id, event in facts.events:
        if event.kind is EventKind.APPROVAL:
            approvals[check_id].append(event)
            continue
        actions = _APPROVED_BY.get(event.kind)
        if actions is None:
            continue
        approval = next(
            (a for a in reversed(approvals[check_id]) if a.data.get("action") in actions), None
        )
        number = facts.numbers.get(check_id, check_id[:10])
        manager = approval.data["manager"] if approval else ""
        reason = approval.data.get("reason", "") if approval else ""
        yield from _reversal(event, number, manager, reason)


def _reversal(event: JournalEvent, number: str, manager: str, reason: str) -> Iterable[Reversal]:
    data, at = event.data, event.at
    if event.kind is EventKind.ITEMS_RETURNED:
        for back in data["given_back"]:
            yield Reversal(
                ReversalKind.RETURN,
                at,
                number,
                back["amount"],
                manager,
                reason,
                TenderKind(back["tender_kind"]),
            )
    elif event.kind is EventKind.VOIDED:
        kind = TenderKind(data["tender_kind"])
        if "returned" in data:  # given back; without it, an offline payment cancelled unsent
            yield Reversal(ReversalKind.VOID, at, number, void_gave(event), manager, reason, kind)
    elif event.kind is EventKind.REFUNDED:
        yield Reversal(
            ReversalKind.REFUND, at, number, void_gave(event), manager, reason, TenderKind.LEVELUP
        )
    elif event.kind is EventKind.CHECK_VOIDED:
        yield Reversal(ReversalKind.CHECK_VOID, at, number, data["returned"], manager, reason)
    elif event.kind is EventKind.CHECK_COMPED:
        yield Reversal(
            ReversalKind.COMP, at, number, data["subtotal"], manager, data.get("reason", reason)
        )


def _offline(checks: Sequence[CheckRecord]) -> OfflineFigures:
    forwarded, declined, waiting = Tally(), Tally(), Tally()
    for record in checks:
        for tender in record.check.tenders:
            info = record.info(tender.tender_id)
            if info.queued_at is None:
                continue
            amount = tender.amount or tender.asked or info.requested
            if tender.status in _WAITING:
                waiting = waiting.plus(amount)
            elif tender.status in _FORWARDED:
                forwarded = forwarded.plus(amount)
            elif tender.status is TenderStatus.DECLINED:
                declined = declined.plus(amount)
    return OfflineFigures(forwarded, declined, waiting)


def _unknown(checks: Sequence[CheckRecord]) -> tuple[UnknownPayment, ...]:
    return tuple(
        UnknownPayment(
            record.check.identifier,
            tender.asked or record.info(tender.tender_id).requested,
            tender.status.value,
            record.info(tender.tender_id).sent_at or record.opened_at,
        )
        for record in checks
        for tender in record.check.tenders
        if tender.status in _UNKNOWN
    )


def _groups(
    sold: Sequence[CheckRecord], label: Callable[[CheckRecord], str]
) -> tuple[GroupFigures, ...]:
    groups: dict[str, GroupFigures] = {}
    for record in sold:
        key = label(record)
        was = groups.get(key, GroupFigures(key))
        groups[key] = GroupFigures(key, was.checks + 1, was.net_sales + check_net_sales(record))
    return tuple(groups[key] for key in sorted(groups))


def _cash(facts: DayFacts) -> CashFigures:
    events = [event for _, event in facts.events]
    drawer = drawer_cash(facts.day, events)
    opened = [e for e in events if e.kind is EventKind.SHIFT_OPENED]
    closed = [e for e in events if e.kind is EventKind.SHIFT_CLOSED]
    return CashFigures(
        opening=sum(int(e.data["float"]) for e in opened),
        taken=drawer.taken,
        given_back=drawer.given_back,
        paid_in=drawer.paid_in,
        paid_out=drawer.paid_out,
        no_sales=drawer.no_sales,
        counted=sum(int(e.data["counted"]) for e in closed) if closed else None,
        over_short=sum(int(e.data["over_short"]) for e in closed) if closed else None,
    )
