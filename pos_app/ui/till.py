"""The register's working state behind the window: who is signed in, the check on screen,
and every engine command, run in order on the engine lane.

Widgets call the methods here and listen to the signals; nothing here touches a widget.
Results and failures come back on the GUI thread. A failure the cashier can act on (a check
that cannot close, a wrong PIN, a declined payment) is told in plain words; anything else is
logged in full and told as "nothing was lost", with the detail in the diagnostics view.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.domain import Check, DomainError, LineItem, TenderKind, TenderStatus
from pos_app.engine import (
    ApprovalAction,
    CheckRecord,
    CheckState,
    Engine,
    EngineError,
    ManagerApproval,
    PaymentProblem,
)
from pos_app.engine.staff import AccessDenied, StaffMember
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.qr import InvalidPaymentCode
from pos_app.ui.bridge import EngineBridge
from pos_app.ui.lane import Lane, gone

log = logging.getLogger(__name__)
T = TypeVar("T")

EXPECTED = (EngineError, DomainError, InvalidPaymentCode, AccessDenied, LevelUpError)
"""Refusals with a message meant for the person at the register."""

STATUS_EVERY_MS = 30_000


@dataclass(frozen=True)
class Problem:
    """Something that went wrong: ``message`` for the cashier, ``detail`` for a maintainer."""

    message: str
    detail: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Health:
    """What the status bar shows of LevelUp and the journal."""

    reachable: bool | None = None  # None: not asked yet
    queued: int = 0
    unknown: int = 0


def problem_of(error: Exception) -> Problem:
    """How an error of a command is told."""
    if isinstance(error, LevelUpError):
        return Problem(error.cashier_message, error.detail)
    if isinstance(error, EXPECTED):
        return Problem(str(error))
    log.error("A register command failed", exc_info=error)
    return Problem(
        "Something went wrong at this register; nothing was lost. Try again, or see "
        "Diagnostics for the detail.",
        "".join(traceback.format_exception(error)),
    )


class Till(QObject):
    """Commands of the register window, on the engine lane; state as signals."""

    check_changed = Signal(object)  # CheckRecord | None: the check on screen
    recorded = Signal(object)  # CheckRecord: any check a command changed (history listens)
    problem = Signal(object)  # Problem
    health_changed = Signal(object)  # Health
    cashier_changed = Signal(object)  # StaffMember | None

    def __init__(
        self,
        engine: Engine,
        probe: Callable[[], object],
        parent: QObject | None = None,
    ) -> None:
        """``probe`` asks LevelUp something harmless; it raises when LevelUp is not reached."""
        super().__init__(parent)
        self.engine = engine
        self._probe = probe
        self.lane = Lane("engine-lane", self)
        self.io = Lane("levelup-probe", self)
        self.bridge = EngineBridge(engine, self)
        self.bridge.check_updated.connect(self._heard)
        self.bridge.payment_problem.connect(self._payment_problem)
        self.lane.unhandled.connect(self.fail)
        self.io.unhandled.connect(self.fail)
        self.record: CheckRecord | None = None
        """The check on screen (GUI thread)."""
        self._working: str | None = None
        """The id of the check commands act on; read and written on the engine lane only, so
        two taps in quick succession add to one check, never open two."""
        self.cashier: StaffMember | None = None
        self.health = Health()
        self.recent_problems: deque[Problem] = deque(maxlen=50)
        self._cancel: threading.Event | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check_health)
        self._timer.start(STATUS_EVERY_MS)

    def close(self) -> None:
        self._timer.stop()
        self.bridge.close()
        self.io.close()
        self.lane.close()

    # ----- people -------------------------------------------------------------------------

    def sign_in(
        self,
        staff_id: str,
        pin: str,
        failed: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        def signed_in(member: StaffMember) -> None:
            self.cashier = member
            self.cashier_changed.emit(member)

        def refused(error: Exception) -> None:
            if failed is None:
                self.fail(error)
            elif owner is None or not gone(owner):  # told to the dialog while it is open
                failed(error)

        self.lane.run(lambda: self.engine.sign_in(staff_id, pin), signed_in, refused)

    def sign_out(self) -> None:
        self.cashier = None
        self.cashier_changed.emit(None)

    def approve(
        self,
        check_id: str | None,
        action: ApprovalAction,
        target: str,
        staff_id: str,
        pin: str,
        reason: str,
        done: Callable[[ManagerApproval], None],
        failed: Callable[[Exception], None],
        *,
        owner: QObject | None = None,
    ) -> None:
        """A manager's approval for ``action`` on ``target`` of check ``check_id`` (None: of
        no check, such as a settings change)."""
        self.lane.run(
            lambda: self.engine.approve(
                check_id, action, target, staff_id=staff_id, pin=pin, reason=reason
            ),
            done,
            failed,
            owner=owner,
        )

    # ----- the check ----------------------------------------------------------------------

    @property
    def check_id(self) -> str | None:
        return None if self.record is None else self.record.check_id

    @property
    def editable(self) -> bool:
        """Items can be added to the check on screen (or a new one is opened for them)."""
        record = self.record
        return (
            record is None
            or record.state in (CheckState.CLOSED, CheckState.VOIDED)
            or not record.check.is_locked
        )

    def new_check(self) -> None:
        """Put the check on screen away; the next item opens a new one."""
        self.record = None
        self.lane.run(lambda: self._work_on(None))
        self.check_changed.emit(None)

    def add_item(self, item: LineItem) -> None:
        self.edit(lambda check: check.add_item(item))

    def edit(self, change: Callable[[Check], Check]) -> None:
        """Change the check on screen; a closed or voided one is put away for a new check."""

        def job() -> CheckRecord:
            record = None if self._working is None else self.engine.check(self._working)
            if record is None or record.state in (CheckState.CLOSED, CheckState.VOIDED):
                record = self.engine.open_check()
                self._work_on(record.check_id)
            return self.engine.edit_check(record.check_id, change)

        self._command(job)

    def show(self, record: CheckRecord) -> None:
        """Bring a check (from history) onto the screen; commands act on it from now on."""
        self.record = record
        self.lane.run(lambda: self._work_on(record.check_id))
        self.check_changed.emit(record)

    def _work_on(self, check_id: str | None) -> None:
        self._working = check_id

    def _current(self) -> str:
        """The check commands act on (on the lane); refused when there is none."""
        if self._working is None:
            raise EngineError("There is no check: add an item first.")
        return self._working

    # ----- payments -----------------------------------------------------------------------

    def pay_cash(self, tendered: int) -> None:
        self._command(lambda: self.engine.pay_cash(self._current(), tendered))

    def pay_other(self, kind: TenderKind, amount: int, tip: int = 0) -> None:
        self._command(lambda: self.engine.pay_other(self._current(), kind, amount, tip=tip))

    def pay_levelup(
        self,
        code_text: str,
        done: Callable[[tuple[CheckRecord, str]], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Pay what is due with a LevelUp code; :meth:`cancel_levelup` stops it before the
        completed order is sent."""
        cancel = self._cancel = threading.Event()
        cashier = self.cashier.name if self.cashier else None
        self.lane.run(
            lambda: self.engine.pay_levelup(
                self._current(), code_text, cashier=cashier, cancelled=cancel.is_set
            ),
            done,
            failed,
        )

    def cancel_levelup(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def close_check(self) -> None:
        self._command(lambda: self.engine.close_check(self._current()))

    # ----- manager functions --------------------------------------------------------------

    def void_tender(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        self._command(lambda: self.engine.void_tender(check_id, tender_id, approval))

    def void_check(self, check_id: str, approval: ManagerApproval) -> None:
        """Void a check (refund its payments); it may be another than the one on screen."""
        self._command(lambda: self.engine.void_check(check_id, approval))

    def resolve(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        self._command(lambda: self.engine.reconcile(check_id, tender_id, approval))

    def history(
        self,
        since: datetime,
        done: Callable[[list[CheckRecord]], None],
        *,
        owner: QObject | None = None,
    ) -> None:
        self.lane.run(lambda: self.engine.history(since), done, self.fail, owner=owner)

    # ----- health -------------------------------------------------------------------------

    def check_health(self) -> None:
        """Ask LevelUp whether it answers (on its own thread, never the engine lane's), count
        queued and unknown payments, and forward the offline queue once LevelUp is back."""

        def answered(_: object) -> None:
            self._set_health(reachable=True)
            if self.health.queued:
                self.lane.run(self.engine.forward_offline, lambda _: self.count())

        def unanswered(error: Exception) -> None:
            self._set_health(reachable=False)
            if not isinstance(error, LevelUpError):
                self.fail(error)

        self.count()
        self.io.run(self._probe, answered, unanswered)

    def count(self) -> None:
        """Count the queued and unknown payments again."""
        self.lane.run(
            self.engine.unfinished,
            lambda counts: self._set_health(
                queued=counts[TenderStatus.QUEUED], unknown=counts[TenderStatus.UNKNOWN]
            ),
            self.fail,
        )

    def _set_health(
        self,
        *,
        reachable: bool | None = None,
        queued: int | None = None,
        unknown: int | None = None,
    ) -> None:
        health = Health(
            self.health.reachable if reachable is None else reachable,
            self.health.queued if queued is None else queued,
            self.health.unknown if unknown is None else unknown,
        )
        if health != self.health:
            self.health = health
            self.health_changed.emit(health)

    # ----- plumbing -----------------------------------------------------------------------

    def fail(self, error: Exception) -> None:
        self.report(problem_of(error))

    def report(self, problem: Problem) -> None:
        self.recent_problems.appendleft(problem)
        self.problem.emit(problem)

    def _command(self, job: Callable[[], CheckRecord]) -> None:
        """Run a command on the lane; its check comes on screen if commands act on it (a
        void from history of another check leaves the check on screen where it is)."""

        def run() -> tuple[CheckRecord, bool]:
            record = job()
            return record, record.check_id == self._working

        def finished(result: tuple[CheckRecord, bool]) -> None:
            record, working = result
            if working:
                self._put_on_screen(record)
            else:
                self._heard(record)
            self.recorded.emit(record)
            if record.check.tenders:  # items and discounts change no payment's state
                self.count()

        self.lane.run(run, finished, self.fail)

    def _heard(self, record: CheckRecord) -> None:
        """A check changed: the screen follows if it is the one shown."""
        if self.record is not None and record.check_id == self.record.check_id:
            self._put_on_screen(record)

    def _put_on_screen(self, record: CheckRecord) -> None:
        # The engine's event and the command's result bring the same record: draw it once.
        if record != self.record:
            self.record = record
            self.check_changed.emit(record)

    def _payment_problem(self, event: PaymentProblem) -> None:
        """Kept for the diagnostics view; LevelUp is asked again whether it answers."""
        self.recent_problems.appendleft(Problem(event.message, event.detail))
        self.check_health()
