"""The register's X and Z reports (``terminal.reports``, and ``levelup-pos report``).

The desk reads one business day from the journal (:func:`day_facts`), asks LevelUp for the
location's orders of the day (:meth:`ReportDesk.reconciliation`: paged, newest first, read back
to a little before the day began) and counts the report (:mod:`pos_app.reports.figures`). A Z
report is taken through the engine (:meth:`pos_app.engine.BusinessDays.close`): LevelUp is asked
first, outside the engine's lock; the journal's figures are counted under it, so no payment
lands between the count and the close. Every call blocks (the journal, LevelUp): the window runs
them on a lane.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pos_app.engine import (
    CheckRecord,
    CheckState,
    ClosedDay,
    Engine,
    EngineError,
    EventKind,
    ManagerApproval,
    closed_days,
    journal_days,
    local_day,
)
from pos_app.engine.ports import PaymentGateway
from pos_app.host.files import write_atomically
from pos_app.host.settings import Settings
from pos_app.journal.store import SqliteJournal
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.wire import MerchantOrder
from pos_app.reports import Reconciliation, Report, ReportKind
from pos_app.reports.figures import DAY_EVENTS, DayFacts, count_day
from pos_app.reports.reconciliation import day_orders, reconcile

FORMATS = ("text", "json", "csv", "pdf")
_NEAR = timedelta(days=2)
"""A day's events are read from this long before its midnight (UTC) to this long after, then
each is asked its business day (any time zone, and a Z report taken late, fit)."""
_EARLIEST_ORDER = timedelta(days=2)
"""LevelUp's listing is read back to this long before the day's midnight (UTC)."""


class ReportError(Exception):
    """A report that cannot be taken or written, in words for whoever asked."""


class ReportDesk:
    """One register's reports. With ``engine`` (the register running) it takes Z reports;
    without (``levelup-pos report x`` beside a running register) it only reads."""

    def __init__(
        self,
        journal: SqliteJournal,
        register: str,
        *,
        location_id: int | None,
        merchant_id: int | None,
        gateway: PaymentGateway | None,
        engine: Engine | None = None,
        print_receipt: Callable[[Report], str] | None = None,
    ) -> None:
        self._journal = journal
        self._register = register
        self._location_id = location_id
        self._merchant_id = merchant_id
        self._gateway = gateway
        self._engine = engine
        self._print = print_receipt

    @classmethod
    def of(
        cls,
        journal: SqliteJournal,
        config: Settings,
        gateway: PaymentGateway | None,
        **parts: Any,
    ) -> ReportDesk:
        """The desk of the register ``config`` describes (``parts``: ``engine``,
        ``print_receipt``)."""
        levelup = config.levelup
        return cls(
            journal,
            config.register_.id,
            location_id=levelup.location_id,
            merchant_id=levelup.merchant_id,
            gateway=gateway,
            **parts,
        )

    # ----- days --------------------------------------------------------------------------

    def business_day(self) -> date:
        """Today's business day: the day new checks belong to."""
        return self.day_of(datetime.now(UTC))

    def day_of(self, at: datetime) -> date:
        if self._engine is not None:
            return self._engine.days.day_of(at)
        return journal_days(self._journal, local_day)(at)

    def _closed(self) -> list[ClosedDay]:
        if self._engine is not None:
            return self._engine.days.closed()
        return closed_days(self._journal)

    def day_to_close(self) -> date:
        """The day a Z report closes unless told: the oldest day with checks not closed yet
        (a Z taken after midnight closes the night's day, and a forgotten day comes first),
        else today's."""
        closed = [c.day for c in self._closed()]
        first = self._journal.first_day_after(max(closed) if closed else None)
        today = self._engine.days.closable() if self._engine else self.business_day()
        return first if first is not None and first <= today else today

    def taken(self) -> list[Report]:
        """The Z reports taken on this register, newest first, as they were taken."""
        return [Report.from_data(closed.document) for closed in reversed(self._closed())]

    def z_of(self, day: date) -> Report | None:
        """The Z report of ``day``, if it was taken."""
        return next((r for r in self.taken() if r.business_date == day), None)

    # ----- reports -----------------------------------------------------------------------

    def authorize(self, approval: ManagerApproval | None) -> None:
        """Use up a manager's approval to see the reports (``VIEW_REPORTS``), audited."""
        if self._engine is None:
            raise ReportError("Reports are approved at the register.")
        self._engine.days.open_reports(approval)

    def x_report(
        self, day: date | None = None, *, taken_by: str = "", reconcile_orders: bool = True
    ) -> Report:
        """The X report of ``day`` (default: today's business day) as of now; changes nothing."""
        day = day or self.business_day()
        facts = day_facts(self._journal, day, self._register, self.day_of)
        reconciliation = self.reconciliation(facts) if reconcile_orders else None
        return count_day(
            ReportKind.X,
            facts,
            taken_at=datetime.now(UTC),
            taken_by=taken_by,
            reconciliation=reconciliation,
        )

    def z_report(self, approval: ManagerApproval | None, day: date | None = None) -> Report:
        """Take the Z report of ``day`` (default: :meth:`day_to_close`), with a manager's
        approval of ``CLOSE_DAY``: it closes the day for this register. Raises
        :class:`pos_app.engine.DayAlreadyClosed` or :class:`EngineError` (checks still open)."""
        if self._engine is None:
            raise ReportError("A Z report is taken at the register (its window or CLI).")
        engine = self._engine
        day = day or self.day_to_close()
        engine.days.require_open(day)
        reconciliation = self.reconciliation(
            day_facts(self._journal, day, self._register, self.day_of)
        )

        def document(number: int, now: datetime) -> dict[str, object]:
            facts = day_facts(self._journal, day, self._register, self.day_of)
            report = count_day(
                ReportKind.Z,
                facts,
                taken_at=now,
                taken_by=approval.manager if approval else "",
                number=number,
                reconciliation=reconciliation,
            )
            if report.open_checks:
                raise EngineError(
                    f"Check(s) {', '.join(report.open_checks)} of {day:%d %b} are still open: "
                    "finish or void them, then take the Z report."
                )
            if unsettled := _unsettled(facts.checks):
                raise EngineError(
                    f"Check(s) {', '.join(unsettled)} of {day:%d %b} still have money to "
                    "settle (a payment being confirmed, refunded or sent, or a balance owed): "
                    "settle them in Needs attention, then take the Z report."
                )
            return report.as_data()

        done = engine.days.close(day, approval, document)
        return Report.from_data(done.document)

    def reconciliation(self, facts: DayFacts) -> Reconciliation:
        """``facts``' LevelUp payments matched with LevelUp's orders of the day; when LevelUp
        cannot be asked, a reconciliation that says why (it blocks nothing)."""
        gateway, location, merchant = self._gateway, self._location_id, self._merchant_id
        if gateway is None or location is None or merchant is None:
            return Reconciliation(problem="this register is not set up for LevelUp.")
        earliest = datetime.combine(facts.day, time(), UTC) - _EARLIEST_ORDER
        try:
            orders = day_orders(
                _until(gateway.location_orders(location), earliest), facts.day, self._register
            )
            return reconcile(
                facts.checks,
                orders,
                register=self._register,
                details=lambda uuid: gateway.order_details(merchant, uuid),
            )
        except LevelUpError as error:
            return Reconciliation(problem=f"LevelUp could not be asked ({error}).")

    # ----- out ---------------------------------------------------------------------------

    def print_report(self, report: Report) -> str:
        """Queue ``report`` on the receipt printer; what to tell whoever asked."""
        if self._print is None:
            raise ReportError("No receipt printer is set for this register.")
        return self._print(report)

    def save(self, report: Report, path: Path, fmt: str) -> None:
        save_report(report, path, fmt)


def save_report(report: Report, path: Path, fmt: str) -> None:
    """Write ``report`` to ``path`` as ``fmt`` (``text``, ``json``, ``csv`` or ``pdf``), whole
    or not at all."""
    data = render(report, fmt)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise ReportError(f"Could not write {path}: {error.strerror or error}.") from None


def render(report: Report, fmt: str) -> bytes:
    """``report`` as the bytes of a file of format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from pos_app.reports.text import masked_data

        return (json.dumps(masked_data(report.as_data()), indent=1) + "\n").encode()
    if fmt == "text":
        from pos_app.reports.text import report_text

        return report_text(report).encode()
    if fmt == "csv":
        from pos_app.reports.csv_file import report_csv

        return report_csv(report).encode()
    if fmt == "pdf":
        from pos_app.reports.pdf import report_pdf

        return report_pdf(report)
    raise ReportError(f"A report is written as {', '.join(FORMATS)}, not {fmt!r}.")


def day_facts(
    journal: SqliteJournal, day: date, register: str, day_of: Callable[[datetime], date]
) -> DayFacts:
    """What ``journal`` holds of business ``day``, for :func:`count_day`."""
    checks = journal.checks_of_day(day)
    midnight = datetime.combine(day, time(), UTC)
    near = journal.check_events_between(
        DAY_EVENTS | {EventKind.CHECK_OPENED}, midnight - _NEAR, midnight + _NEAR
    )
    ids = {record.check_id for record in checks}
    cashiers = {
        check_id: event.data["cashier"]
        for check_id, event in near
        if event.kind is EventKind.CHECK_OPENED and check_id in ids and "cashier" in event.data
    }
    events = [
        (check_id, event)
        for check_id, event in near
        if event.kind is not EventKind.CHECK_OPENED and day_of(event.at) == day
    ]
    numbers = {record.check_id: record.check.identifier for record in checks}
    earlier: dict[str, CheckRecord] = {}
    for check_id, _ in events:
        if check_id and check_id not in numbers:
            record = journal.load(check_id)
            numbers[check_id] = _number(record, check_id)
            if record is not None:
                earlier[check_id] = record
    return DayFacts(day, register, checks, cashiers, events, numbers, _local_hour, earlier)


def _unsettled(checks: Iterable[CheckRecord]) -> list[str]:
    """The numbers of checks whose money is not settled: a payment in flight (not an offline
    one not sent yet: it counts as paid, and LevelUp may be away for hours) or a sale owing
    again."""
    return [
        record.check.identifier
        for record in checks
        if record.state is CheckState.BALANCE_DUE
        or any(tender.status.is_in_flight for tender in record.check.tenders)
    ]


def _number(record: CheckRecord | None, check_id: str) -> str:
    return record.check.identifier if record else check_id[:10]


def _local_hour(at: datetime) -> int:
    return at.astimezone().hour


def _until(orders: Iterator[MerchantOrder], earliest: datetime) -> Iterator[MerchantOrder]:
    """The orders of a newest-first listing, up to the first one created before ``earliest``."""
    for order in orders:
        if order.created_at is not None and order.created_at < earliest:
            return
        yield order
