"""The register's working state behind the window: who is signed in, the check on screen,
and every engine command, run in order on the engine lane.

Widgets call the methods here and listen to the signals; nothing here touches a widget.
Results and failures come back on the GUI thread. A failure the cashier can act on (a check
that cannot close, a wrong PIN, a declined payment) is told in plain words; anything else is
logged in full and told as "nothing was lost", with the detail in the diagnostics view.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from pos_app.app.email_payments import EmailPayments
from pos_app.domain import Check, LineItem, TenderKind
from pos_app.engine import (
    ApprovalAction,
    CheckRecord,
    CheckState,
    DiscountRequest,
    Engine,
    EngineError,
    ManagerApproval,
    PaymentProblem,
)
from pos_app.engine.staff import StaffMember
from pos_app.levelup import CustomerToken
from pos_app.ui.bridge import EngineBridge
from pos_app.ui.health import HealthWatch
from pos_app.ui.lane import Lane, gone
from pos_app.ui.problems import Problem, problem_of
from pos_app.ui.qt import QObject, Signal
from pos_app.ui.wording import (
    after_check_void,
    after_return,
    after_void,
    answered,
    approved_by,
    open_at_start,
    settled_words,
)


class Till(QObject):
    """Commands of the register window, on the engine lane; state as signals."""

    check_changed = Signal(object)  # CheckRecord | None: the check on screen
    recorded = Signal(object)  # CheckRecord: any check a command changed (history listens)
    problem = Signal(object)  # Problem
    told = Signal(str)  # a command went through: what to tell the cashier ("" clears errors)
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
        self.lane = Lane("engine-lane", self)
        self.bridge = EngineBridge(engine, self)
        self.bridge.check_updated.connect(self._heard)
        self.bridge.payment_problem.connect(self._payment_problem)
        self.lane.unhandled.connect(self.fail)
        self._payers = Lane("levelup-payers", self)
        """Asks LevelUp who paid, after each LevelUp answer: never on the engine lane."""
        self._payers.unhandled.connect(self.fail)
        self.watch = HealthWatch(engine, self.lane, probe, self.fail, self)
        self.record: CheckRecord | None = None
        """The check on screen (GUI thread)."""
        self._working: str | None = None
        """The id of the check commands act on; read and written on the engine lane only, so
        two taps in quick succession add to one check, never open two."""
        self.cashier: StaffMember | None = None
        self.recent_problems: deque[Problem] = deque(maxlen=50)
        self._cancel: threading.Event | None = None
        self.email_payments: EmailPayments | None = None
        """Set when the register can take LevelUp payments by email."""

    def close(self) -> None:
        self._payers.close()
        self.watch.close()
        self.bridge.close()
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
        """An item tapped now goes on the check on screen, or on a new check: none is on
        screen, or it is finished (closed, voided, refunded), or nothing holds it yet."""
        record = self.record
        return (
            record is None
            or record.state in (CheckState.CLOSED, CheckState.VOIDED, CheckState.REFUNDED)
            or (record.state.editable and not record.check.is_locked)
        )

    def new_check(self) -> None:
        """Put the check on screen away; the next item opens a new one."""
        self.record = None
        self.lane.run(lambda: self._work_on(None))
        self.check_changed.emit(None)

    def add_item(self, item: LineItem) -> None:
        """Add ``item`` to the check on screen; one that is finished is put away for a new
        check, which the item opens."""

        def job() -> CheckRecord:
            record = None if self._working is None else self.engine.check(self._working)
            if (
                record is None
                or record.state in (CheckState.CLOSED, CheckState.VOIDED, CheckState.REFUNDED)
                or self.engine.days.is_closed(record)
            ):
                record = self.engine.open_check(self.cashier)
                self._work_on(record.check_id)
            return self.engine.edit_check(record.check_id, lambda check: check.add_or_raise(item))

        self._command(job, lambda _: f"Added {item.name}.")

    def edit(self, change: Callable[[Check], Check], said: str = "") -> None:
        """Change the lines, discounts or fees of the check on screen, never of another: the
        engine refuses a check that is paid, voided or sold, and says why."""
        self._command(lambda: self.engine.edit_check(self._current(), change), lambda _: said)

    def restore(self) -> None:
        """At start: the newest check still open (being rung up, paid, or owing) comes back
        on screen, unless it has a name (it was held); the cashier is told of the others."""

        def found(records: list[CheckRecord]) -> None:
            shown = [r for r in records if r.check.items or r.check.tenders]
            if not shown or self.record is not None:
                return
            back = None if shown[0].name else shown[0]
            if back is not None:
                self.show(back)
            self.told.emit(open_at_start([r for r in shown if r is not back], back))

        self.lane.run(self.engine.open_checks, found, self.fail)

    def give_discount(self, request: DiscountRequest) -> None:
        """A discount on the check on screen, by whoever is signed in."""
        asked = replace(request, staff_id=self.cashier.staff_id if self.cashier else "")
        said = f"{request.discount.label} given ({asked.reason.strip()})."
        self._command(lambda: self.engine.give_discount(self._current(), asked), lambda _: said)

    def name_check(self, check_id: str, name: str, said: str, *, hold: bool = False) -> None:
        """Name a check; ``hold`` first puts it away (it stays open) for a new check."""
        if hold:
            self.new_check()
        self._command(lambda: self.engine.name_check(check_id, name), lambda _: said)

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
        payer: str | CustomerToken,
        done: Callable[[tuple[CheckRecord, str]], None],
        failed: Callable[[Exception], None],
        amount: int | None = None,
    ) -> None:
        """Pay ``amount`` (None: all that is due) with a LevelUp code, or by email with the
        customer's token; :meth:`cancel_levelup` stops it before the completed order is sent.
        Who paid is asked afterwards."""
        cancel = self._cancel = threading.Event()
        cashier = self.cashier.name if self.cashier else None

        def answered(result: tuple[CheckRecord, str]) -> None:
            self.watch.count()
            self._payers.run(  # LevelUp is asked off the lane, the names journaled on it
                self.engine.ask_payers,
                lambda answers: self.lane.run(lambda: self.engine.record_payers(answers)),
            )
            done(result)

        self.lane.run(
            lambda: self.engine.pay_levelup(
                self._current(), payer, amount, cashier=cashier, cancelled=cancel.is_set
            ),
            answered,
            failed,
        )

    def cancel_levelup(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def close_check(self) -> None:
        self._command(lambda: self.engine.close_check(self._current()))

    def comp(self, reason: str, approval: ManagerApproval | None) -> None:
        """Close the $0 check on screen as a comp."""
        self._command(
            lambda: self.engine.comp_check(self._current(), reason, approval),
            lambda record: f"Check {record.check.identifier} comped ({reason}).",
        )

    # ----- manager functions --------------------------------------------------------------

    def void_tender(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        self._command(
            lambda: self.engine.void_tender(check_id, tender_id, approval),
            lambda record: f"{approved_by(approval)} {after_void(record, tender_id)}",
        )

    def void_check(self, check_id: str, approval: ManagerApproval) -> None:
        """Void a check (refund its payments); it may be another than the one on screen."""
        self._command(
            lambda: self.engine.void_check(check_id, approval),
            lambda record: f"{approved_by(approval)} {after_check_void(record)}",
        )

    def return_items(
        self, before: CheckRecord, units: dict[int, int], approval: ManagerApproval
    ) -> None:
        """Return ``units`` (line id → units) of the closed sale ``before``."""
        self._command(
            lambda: self.engine.return_items(before.check_id, units, approval),
            lambda record: f"{approved_by(approval)} {after_return(before, record)}",
        )

    def resolve(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        self._command(
            lambda: self.engine.reconcile(check_id, tender_id, approval),
            lambda record: f"{approved_by(approval)} {answered(record, tender_id)}",
        )

    def keep_late(self, check_id: str, tender_id: str, approval: ManagerApproval) -> None:
        """Keep as the check's payment one LevelUp charged late."""
        self._command(
            lambda: self.engine.keep_late_payment(check_id, tender_id, approval),
            lambda record: f"{approved_by(approval)} {answered(record, tender_id)}",
        )

    def history(
        self,
        since: datetime,
        done: Callable[[list[CheckRecord]], None],
        *,
        owner: QObject | None = None,
    ) -> None:
        self.lane.run(lambda: self.engine.history(since), done, self.fail, owner=owner)

    def attention(
        self, done: Callable[[list[CheckRecord]], None], *, owner: QObject | None = None
    ) -> None:
        """Checks a manager must look at: sold and owing again, or with an unknown payment."""
        self.lane.run(self.engine.needing_attention, done, self.fail, owner=owner)

    # ----- plumbing -----------------------------------------------------------------------

    def fail(self, error: Exception) -> None:
        self.report(problem_of(error))

    def report(self, problem: Problem) -> None:
        self.recent_problems.appendleft(problem)
        self.problem.emit(problem)

    def _command(
        self,
        job: Callable[[], CheckRecord],
        said: Callable[[CheckRecord], str] = lambda _: "",
    ) -> None:
        """Run a command on the lane; its check comes on screen if commands act on it (a
        void from history of another check leaves the check on screen where it is), and the
        cashier is told it went through (which clears an error line left from before)."""

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
            self.told.emit(said(record))
            if record.check.tenders:  # items and discounts change no payment's state
                self.watch.count()

        self.lane.run(run, finished, self.fail)

    def _heard(self, record: CheckRecord) -> None:
        """A check changed: the screen follows if it is the one shown."""
        if self.record is not None and record.check_id == self.record.check_id:
            self._put_on_screen(record)

    def _put_on_screen(self, record: CheckRecord) -> None:
        # The engine's event and the command's result bring the same record: draw it once.
        if record != self.record:
            before, self.record = self.record, record
            self.check_changed.emit(record)
            if before is not None and before.check_id == record.check_id:
                for line in settled_words(before, record):
                    self.told.emit(line)

    def _payment_problem(self, event: PaymentProblem) -> None:
        """Kept for the diagnostics view; what a manager must see is also said on screen
        (and counted in the status bar); LevelUp is asked again whether it answers."""
        problem = Problem(event.message, event.detail)
        if event.needs_manager:
            self.report(problem)
        else:
            self.recent_problems.appendleft(problem)
        self.watch.check()
