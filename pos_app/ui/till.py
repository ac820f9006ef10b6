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

from pos_app.domain import Check, DomainError, LineItem, TenderKind
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
from pos_app.ui.lane import Lane

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
        self, staff_id: str, pin: str, failed: Callable[[Exception], None] | None = None
    ) -> None:
        def signed_in(member: StaffMember) -> None:
            self.cashier = member
            self.cashier_changed.emit(member)

        self.lane.run(lambda: self.engine.sign_in(staff_id, pin), signed_in, failed or self.fail)

    def sign_out(self) -> None:
        self.cashier = None
        self.cashier_changed.emit(None)

    def approve(
        self,
        action: ApprovalAction,
        target: str,
        staff_id: str,
        pin: str,
        reason: str,
        done: Callable[[ManagerApproval], None],
        failed: Callable[[Exception], None],
        check_id: str | None = None,
    ) -> None:
        """A manager's approval for ``action`` on ``target`` of this check (or ``check_id``)."""
        of = check_id if check_id is not None else self.check_id
        self.lane.run(
            lambda: self.engine.approve(
                of, action, target, staff_id=staff_id, pin=pin, reason=reason
            ),
            done,
            failed,
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
        """Put the finished check away; the next item opens a new one."""
        self.record = None
        self.check_changed.emit(None)

    def add_item(self, item: LineItem) -> None:
        self.edit(lambda check: check.add_item(item))

    def edit(self, change: Callable[[Check], Check]) -> None:
        """Change the check on screen; a closed or voided one is put away for a new check."""

        def job() -> CheckRecord:
            record = self.record
            if record is None or record.state in (CheckState.CLOSED, CheckState.VOIDED):
                record = self.engine.open_check()
            return self.engine.edit_check(record.check_id, change)

        self._command(job)

    def show(self, record: CheckRecord) -> None:
        """Bring a check (from history) onto the screen."""
        self.record = record
        self.check_changed.emit(record)

    # ----- payments -----------------------------------------------------------------------

    def pay_cash(self, tendered: int, done: Callable[[CheckRecord], None] | None = None) -> None:
        check_id = self._require_check()
        if check_id:
            self._command(lambda: self.engine.pay_cash(check_id, tendered), done)

    def pay_other(self, kind: TenderKind, amount: int, tip: int = 0) -> None:
        check_id = self._require_check()
        if check_id:
            self._command(lambda: self.engine.pay_other(check_id, kind, amount, tip=tip))

    def pay_levelup(
        self,
        code_text: str,
        done: Callable[[tuple[CheckRecord, str]], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Pay what is due with a LevelUp code; :meth:`cancel_levelup` stops it before the
        completed order is sent."""
        check_id = self._require_check()
        if not check_id:
            return
        cancel = self._cancel = threading.Event()
        cashier = self.cashier.name if self.cashier else None
        self.lane.run(
            lambda: self.engine.pay_levelup(
                check_id, code_text, cashier=cashier, cancelled=cancel.is_set
            ),
            done,
            failed,
        )

    def cancel_levelup(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def close_check(self) -> None:
        check_id = self._require_check()
        if check_id:
            self._command(lambda: self.engine.close_check(check_id))

    # ----- manager functions --------------------------------------------------------------

    def void_tender(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        self._command(lambda: self.engine.void_tender(check_id, tender_id, approval))

    def void_check(
        self,
        check_id: str,
        approval: ManagerApproval,
        done: Callable[[CheckRecord], None] | None = None,
    ) -> None:
        self._command(lambda: self.engine.void_check(check_id, approval), done)

    def resolve(
        self,
        check_id: str,
        tender_id: str,
        approval: ManagerApproval,
        done: Callable[[CheckRecord], None] | None = None,
    ) -> None:
        self._command(lambda: self.engine.reconcile(check_id, tender_id, approval), done)

    def history(self, since: datetime, done: Callable[[list[CheckRecord]], None]) -> None:
        self.lane.run(lambda: self.engine.history(since), done, self.fail)

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
            lambda: (len(self.engine.queued()), len(self.engine.unknown())),
            lambda counts: self._set_health(queued=counts[0], unknown=counts[1]),
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

    def _command(
        self, job: Callable[[], CheckRecord], done: Callable[[CheckRecord], None] | None = None
    ) -> None:
        def finished(record: CheckRecord) -> None:
            self._show_if_current(record, force=True)
            self.count()
            if done is not None:
                done(record)

        self.lane.run(job, finished, self.fail)

    def _require_check(self) -> str | None:
        if self.record is None:
            self.report(Problem("There is no check: add an item first."))
            return None
        return self.record.check_id

    def _heard(self, record: CheckRecord) -> None:
        self._show_if_current(record)

    def _show_if_current(self, record: CheckRecord, *, force: bool = False) -> None:
        if force or (self.record is not None and record.check_id == self.record.check_id):
            self.record = record
            self.check_changed.emit(record)

    def _payment_problem(self, event: PaymentProblem) -> None:
        """Kept for the diagnostics view; LevelUp is asked again whether it answers."""
        self.recent_problems.appendleft(Problem(event.message, event.detail))
        self.check_health()
