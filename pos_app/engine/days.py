"""The register's business days, and the Z report that closes one.

A moment's business day is its date on this computer's clock, unless a Z report already closed
that date: then it is the day after the newest day closed before that moment. So the checks
opened after a Z report belong to the next day, and nothing can be added to a day once its Z
report is taken: the report is immutable because its day is.

A Z report (:meth:`BusinessDays.close`) is one ``DAY_CLOSED`` event on the audit trail, with the
report's whole document, numbered 1, 2, ... on this register, one per day, after a manager's
one-use approval of ``CLOSE_DAY`` on :data:`DAY_TARGET`. The figures are counted inside the
engine's lock, so no payment lands between the count and the close.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pos_app.domain import identifier_day
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import EngineError
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import ApprovalAction, CheckRecord, ManagerApproval
from pos_app.engine.ports import Journal
from pos_app.engine.recorder import Recorder

DAY_TARGET = "day"
"""The target of every ``CLOSE_DAY`` (and ``VIEW_REPORTS``) approval."""
_ALL_TIME = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class ClosedDay:
    """A Z report taken: the day it closed, its number, when, by whom, and its document."""

    day: date
    number: int
    at: datetime
    taken_by: str
    document: dict[str, Any]

    @classmethod
    def of(cls, event: JournalEvent) -> ClosedDay:
        data = event.data
        return cls(
            date.fromisoformat(data["day"]),
            int(data["number"]),
            event.at,
            str(data["taken_by"]),
            data["report"],
        )


def closed_days(journal: Journal) -> list[ClosedDay]:
    """Every Z report taken on the register of ``journal``, oldest first."""
    events = journal.events_between(frozenset({EventKind.DAY_CLOSED}), *_ALL_TIME)
    return [ClosedDay.of(event) for event in events]


class Calendar:
    """Business days after the Z reports taken (oldest first): a moment's business day is its
    local date, or the day after the latest day closed before it, whichever is later."""

    def __init__(self, closed: Iterable[ClosedDay], local_day: Callable[[datetime], date]) -> None:
        self._local_day = local_day
        self._times: list[datetime] = []
        self._latest: list[date] = []
        """The latest day closed by each Z report or an earlier one (a running maximum)."""
        for done in closed:
            self.add(done)

    def add(self, done: ClosedDay) -> None:
        """A Z report just taken (the newest)."""
        self._times.append(done.at)
        self._latest.append(max(done.day, self._latest[-1]) if self._latest else done.day)

    def day_of(self, at: datetime) -> date:
        day = self._local_day(at)
        before = bisect_right(self._times, at)
        if before:
            day = max(day, self._latest[before - 1] + timedelta(days=1))
        return day


def journal_days(
    journal: Journal, local_day: Callable[[datetime], date]
) -> Callable[[datetime], date]:
    """The business day of a moment, by the Z reports in ``journal`` (read once, now): for
    whoever reads a journal beside its running register."""
    return Calendar(closed_days(journal), local_day).day_of


class DayAlreadyClosed(EngineError):
    """A Z report was already taken for this day."""


class BusinessDays:
    """Which business day a moment belongs to, and the Z reports taken (``Engine.days``)."""

    def __init__(
        self,
        recorder: Recorder,
        approvals: Approvals,
        local_day: Callable[[datetime], date],
        lock: threading.RLock,
    ) -> None:
        self._recorder = recorder
        self._approvals = approvals
        self._local_day = local_day
        self._lock = lock
        self._closed = closed_days(recorder.journal)
        self._calendar = Calendar(self._closed, local_day)
        recorder.day_closed = self.is_closed

    def day_of(self, at: datetime) -> date:
        """The business day of moment ``at``."""
        return self._calendar.day_of(at)

    def today(self) -> date:
        """The business day now: the day new checks belong to."""
        return self.day_of(self._recorder.clock())

    def is_closed(self, record: CheckRecord) -> bool:
        """Whether ``record`` is numbered on a business day a Z report closed: nothing can be
        added to it (an empty check left open at the Z is replaced by a new one)."""
        day = identifier_day(record.check.identifier)
        return day is not None and self.closed_day(day) is not None

    def closable(self) -> date:
        """The day a Z report taken now closes by default: today's business day, or, once
        today's Z report was taken, today's date (the next day has not come yet)."""
        now = self._recorder.clock()
        return min(self.day_of(now), self._local_day(now))

    def closed(self) -> list[ClosedDay]:
        """Every Z report taken on this register, oldest first."""
        with self._lock:
            return list(self._closed)

    def closed_day(self, day: date) -> ClosedDay | None:
        """The Z report of ``day``, if it was taken."""
        with self._lock:
            return next((c for c in self._closed if c.day == day), None)

    def open_reports(self, approval: ManagerApproval | None) -> None:
        """A manager's approval of ``VIEW_REPORTS`` on :data:`DAY_TARGET` used up, on the
        audit trail: whoever looks at the day's figures is known."""
        with self._lock:
            consumed = self._approvals.consume(approval, ApprovalAction.VIEW_REPORTS, DAY_TARGET)
            self._recorder.audit(consumed)

    def require_open(self, day: date) -> None:
        """Raise :class:`DayAlreadyClosed` if the Z report of ``day`` was taken."""
        if (done := self.closed_day(day)) is not None:
            raise DayAlreadyClosed(
                f"The Z report of {day:%d %b %Y} was taken already (Z #{done.number}, "
                f"{done.at.astimezone():%H:%M}); it cannot be taken twice. An X report shows "
                "the day again."
            )

    def close(
        self,
        day: date,
        approval: ManagerApproval | None,
        report: Callable[[int, datetime], dict[str, Any]],
    ) -> ClosedDay:
        """Take the Z report of ``day`` (today's business day or an earlier one): ``report``
        gives its document from its number and the time it is taken, counted under the
        engine's lock. Raises :class:`DayAlreadyClosed` if ``day`` was closed, and
        :class:`EngineError` for a day not begun yet."""
        with self._lock:
            now = self._recorder.clock()
            self.require_open(day)
            if day > self.closable():
                # After a Z report the register sells on the next day before the calendar
                # reaches it; that day is closed once it has come.
                raise EngineError(
                    f"The business day {day:%d %b %Y} has not come yet: its Z report is taken "
                    "on that day or after."
                )
            approved = self._approvals.consume(approval, ApprovalAction.CLOSE_DAY, DAY_TARGET)
            assert approval is not None  # consumed above
            number = max((c.number for c in self._closed), default=0) + 1
            document = report(number, now)
            self._recorder.audit(approved)
            data = {
                "day": day.isoformat(),
                "number": number,
                "taken_by": approval.manager,
                "approval_id": approval.approval_id,
                "report": document,
            }
            event = JournalEvent(EventKind.DAY_CLOSED, now, data=data)  # the report's moment
            self._recorder.audit(event)
            closed = ClosedDay.of(event)
            self._closed.append(closed)
            self._calendar.add(closed)
            return closed
