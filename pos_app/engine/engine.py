"""The transaction engine: checks and their payments, journaled before they are acted on.

:class:`Engine` is the facade the window, the command line and the demo use. Every command
runs under one lock (the app runs them on one worker, the "engine lane") and follows one rule,
kept by the :class:`~pos_app.engine.recorder.Recorder`: the intent is committed to the journal
before a request leaves, and the outcome is committed before any listener hears of it.
Whatever fails afterwards (the network, LevelUp, the process, the power), what the journal
holds is enough to finish the payment without losing it or charging twice.

Its parts each own one piece of the lifecycle (:mod:`pos_app.domain.lifecycle`), one module
each: a LevelUp payment, outcomes, the offline queue, voids, approvals, recovery, late charges.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime

from pos_app.domain import Check, CheckState, Tender, TenderKind, TenderStatus, format_cents
from pos_app.engine.approvals import Approvals
from pos_app.engine.days import BusinessDays
from pos_app.engine.discounts import DiscountRequest, Discounts, require_no_new_discount
from pos_app.engine.drawer import CashDrawer
from pos_app.engine.errors import ApprovalRequired, IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.events import EngineEvent
from pos_app.engine.levelup_payment import LevelUpPayments
from pos_app.engine.model import (
    ApprovalAction,
    CheckRecord,
    EngineSettings,
    ManagerApproval,
    unfinished,
)
from pos_app.engine.names import name_check
from pos_app.engine.offline import ForwardReport, OfflineQueue
from pos_app.engine.outcomes import Outcomes
from pos_app.engine.payers import PayerAnswer, Payers
from pos_app.engine.ports import Journal, PaymentGateway, StoreFindings
from pos_app.engine.recorder import Recorder
from pos_app.engine.recovery import Recovery, RecoveryReport
from pos_app.engine.returns import Returns
from pos_app.engine.shifts import Shifts
from pos_app.engine.staff import StaffDirectory, StaffMember
from pos_app.engine.voids import Voids
from pos_app.levelup import CustomerToken, qr

Listener = Callable[[EngineEvent], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def local_day(now: datetime) -> date:
    """The business day of ``now``: its date on this computer's clock."""
    return now.astimezone().date()


class Engine:
    """Commands on checks. Thread-safe; each returns the check's journaled state."""

    def __init__(
        self,
        journal: Journal,
        gateway: PaymentGateway,
        settings: EngineSettings,
        *,
        clock: Callable[[], datetime] = _utc_now,
        business_day: Callable[[datetime], date] = local_day,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        staff: StaffDirectory | None = None,
        store: StoreFindings | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._new_id = new_id
        self._lock = lock = threading.RLock()
        self._recorder = Recorder(journal, clock, lambda at: self.days.day_of(at))
        outcomes = Outcomes(self._recorder, gateway, settings)
        self._outcomes = outcomes
        self._offline = OfflineQueue(self._recorder, outcomes, gateway, settings)
        self._levelup = LevelUpPayments(
            self._recorder, outcomes, self._offline, gateway, settings, new_id
        )
        self._approvals = approvals = Approvals(self._recorder, staff, new_id)
        self.days = BusinessDays(self._recorder, self._approvals, business_day, self._lock)
        self._voids = Voids(self._recorder, outcomes, self._approvals)
        self._recovery = Recovery(self._recorder, outcomes, approvals, gateway, settings, store)
        self._returns = Returns(self._recorder, self._approvals)
        self._payers = Payers(self._recorder, gateway, settings, self._lock)
        self._discounts = Discounts(self._recorder, self._approvals, settings.discounts)
        self.drawer = CashDrawer(self._recorder, self._approvals, settings, self.days.day_of, lock)
        self.shifts = Shifts(self._recorder, self._approvals, settings, self.days, lock, new_id)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every :data:`EngineEvent`; returns a function that stops it."""
        return self._recorder.subscribe(listener)

    # ----- checks -------------------------------------------------------------------------

    def open_check(self, cashier: StaffMember | None = None) -> CheckRecord:
        """A new check of today's business day, rung up by ``cashier`` (for the reports)."""
        who = {} if cashier is None else {"staff_id": cashier.staff_id, "cashier": cashier.label}
        with self._lock:
            identifier = self._recorder.next_identifier()
            record = CheckRecord(
                check_id=self._new_id(),
                check=Check(identifier, self.settings.tax_table),
                state=CheckState.OPEN,
                opened_at=self._clock(),
            )
            event = self._recorder.event(EventKind.CHECK_OPENED, identifier=identifier, **who)
            return self._recorder.save(record, event)

    def check(self, check_id: str) -> CheckRecord:
        return self._recorder.load(check_id)

    def history(self, since: datetime) -> list[CheckRecord]:
        """Checks opened since ``since``, newest first."""
        return self._recorder.journal.opened_since(since)

    def open_checks(self) -> list[CheckRecord]:
        """Checks still being rung up or paid, or sold and owing, newest first."""
        return sorted(
            (r for r in self._recorder.journal.unsettled() if r.state.takes_payments),
            key=lambda r: r.opened_at,
            reverse=True,
        )

    def owing(self) -> list[CheckRecord]:
        """Sold checks that owe money again (a payment given back or declined after they
        closed): a manager must see them."""
        return [r for r in self.open_checks() if r.state is CheckState.BALANCE_DUE]

    def needing_attention(self) -> list[CheckRecord]:
        """What a manager must look at, whatever its day (:attr:`CheckRecord.needs_manager`)."""
        return [r for r in self._recorder.journal.unsettled() if r.needs_manager]

    def edit_check(self, check_id: str, change: Callable[[Check], Check]) -> CheckRecord:
        """Change items or fees, or take discounts off (give one with :meth:`give_discount`)."""
        with self._lock:
            record = self._recorder.editable(check_id)
            check = change(record.check)
            require_no_new_discount(record.check, check)
            if check.identifier != record.check.identifier or check.tenders != record.check.tenders:
                raise IllegalTransition("Only items, discounts and fees can be edited here.")
            totals = check.totals
            event = self._recorder.event(
                EventKind.CHECK_CHANGED, lines=len(check.items), total=totals.grand_total
            )
            return self._recorder.save(replace(record, check=check), event)

    def close_check(self, check_id: str) -> CheckRecord:
        """Close a check that is paid; a $0 check with nothing paid closes only as a comp."""
        with self._lock:
            record = self._recorder.payable(check_id)
            identifier = record.check.identifier
            if not record.check.can_close:
                due = format_cents(record.check.totals.balance_due)
                raise IllegalTransition(
                    f"Check {identifier} cannot close: {due} is due or a payment is still in "
                    "progress."
                )
            if not record.check.totals.paid and not record.state.was_sold:
                raise IllegalTransition(
                    f"Check {identifier} comes to $0.00 with nothing paid: close it as a comp, "
                    "with a reason."
                )
            return self._recorder.save(*self._recorder.closed(record))

    def comp_check(
        self, check_id: str, reason: str, approval: ManagerApproval | None = None
    ) -> CheckRecord:
        """Close a check that comes to $0.00 (its items comped or discounted away), with a
        reason, and a manager's approval when the merchant asks for one."""
        with self._lock:
            record = self._recorder.payable(check_id)
            totals = record.check.totals
            if not record.can_comp:
                raise IllegalTransition(
                    f"Only a check with items that comes to $0.00 with nothing paid is comped; "
                    f"check {record.check.identifier} comes to "
                    f"{format_cents(totals.grand_total)}."
                )
            if not reason.strip():
                raise ApprovalRequired("A comp needs a reason.")
            if self.settings.comp_needs_approval:
                record = self._approvals.spend(
                    record, approval, ApprovalAction.COMP_CHECK, check_id
                )
            comped = self._recorder.event(
                EventKind.CHECK_COMPED,
                reason=reason.strip(),
                subtotal=totals.subtotal,
                discounts=totals.discounts,
                approval_id=approval.approval_id if approval else None,
            )
            closed, closing = self._recorder.closed(record, comp=True)
            return self._recorder.save(closed, comped, closing)

    def give_discount(self, check_id: str, request: DiscountRequest) -> CheckRecord:
        """A discount, with its reason, by whoever asks (:mod:`~pos_app.engine.discounts`)."""
        with self._lock:
            return self._discounts.give(check_id, request)

    def name_check(self, check_id: str, name: str) -> CheckRecord:
        """Name an open check (a customer's first name, a table; ``""`` clears it)."""
        with self._lock:
            return name_check(self._recorder, check_id, name)

    # ----- cash, card, other --------------------------------------------------------------

    def pay_cash(self, check_id: str, tendered: int) -> CheckRecord:
        """Cash against the balance due; what is over is change (``totals.change_due``)."""
        with self._lock:
            record = self._recorder.payable(check_id)
            tender_id = self._new_id()
            record = replace(record, check=record.check.pay_cash(tender_id, tendered))
            if record.state is CheckState.OPEN:
                record = record.moved(CheckState.TENDERING)
            tender = record.tender(tender_id)
            event = self._recorder.event(
                EventKind.TENDER_APPROVED,
                tender_id,
                tender_kind=TenderKind.CASH,
                amount=tender.amount,
                tendered=tendered,
                change=tender.change,
            )
            return self._recorder.save(record, event, close=True)

    def pay_other(
        self, check_id: str, kind: TenderKind, amount: int, *, tip: int = 0
    ) -> CheckRecord:
        """A card (credit, debit) or other tender approved outside this register."""
        if kind in (TenderKind.LEVELUP, TenderKind.CASH):
            raise IllegalTransition(f"Use the {kind.value} payment for {kind.value}.")
        with self._lock:
            record = self._recorder.payable(check_id)
            tender_id = self._new_id()
            record = record.with_tender(Tender(tender_id, kind, amount, tip=tip))
            event = self._recorder.event(
                EventKind.TENDER_APPROVED, tender_id, tender_kind=kind, amount=amount, tip=tip
            )
            return self._recorder.save(record, event, close=True)

    # ----- LevelUp ------------------------------------------------------------------------

    def pay_levelup(
        self,
        check_id: str,
        payer: str | CustomerToken,
        amount: int | None = None,
        *,
        cashier: str | None = None,
        discount_only: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[CheckRecord, str]:
        """Pay ``amount`` (default: all that is due) with a scanned LevelUp code (its text), or
        by email with the customer's :class:`~pos_app.levelup.orders.CustomerToken`.

        Returns the check and the new tender's id, whose status is the outcome. Raises
        :class:`~pos_app.levelup.qr.InvalidPaymentCode` for text that is not a code, and
        :class:`IllegalTransition` for an amount that cannot be paid. ``cancelled`` is asked
        once the proposal is back: if the cashier cancelled, nothing is charged."""
        if not self.settings.levelup_enabled:
            raise IllegalTransition("LevelUp is turned off at this store: take another tender.")
        paying = qr.parse(payer) if isinstance(payer, str) else payer
        with self._lock:
            return self._levelup.pay(
                check_id,
                paying,
                amount,
                cashier=cashier,
                discount_only=discount_only,
                cancelled=cancelled,
            )

    # ----- the offline queue --------------------------------------------------------------

    def queued(self) -> list[tuple[CheckRecord, Tender]]:
        """Offline payments waiting for LevelUp, oldest first."""
        return self._offline.queued()

    def unfinished(self) -> Counter[TenderStatus]:
        """Tenders still to come, by status, from one reading of the journal (the status
        bar's queued and unknown counts)."""
        return unfinished(self._recorder.journal.unsettled())

    def forward_offline(self) -> ForwardReport:
        """Send the offline queue to LevelUp, oldest first; stop when it is unreachable again."""
        with self._lock:
            return self._offline.forward(self._levelup.context(None, False))

    # ----- voids and refunds --------------------------------------------------------------

    def void_tender(
        self,
        check_id: str,
        tender_id: str,
        approval: ManagerApproval | None,
        *,
        manager_confirmation: str | None = None,
    ) -> CheckRecord:
        """Void a payment: a LevelUp one is refunded whole (discount, gift card, tip and
        payment together). Needs a manager's approval for this tender."""
        with self._lock:
            return self._voids.void_tender(check_id, tender_id, approval, manager_confirmation)

    def void_check(
        self,
        check_id: str,
        approval: ManagerApproval | None,
        *,
        manager_confirmation: str | None = None,
    ) -> CheckRecord:
        """Void a check and every payment on it. Needs a manager's approval for this check."""
        with self._lock:
            return self._voids.void_check(check_id, approval, manager_confirmation)

    def return_items(
        self, check_id: str, units: Mapping[int, int], approval: ManagerApproval | None
    ) -> CheckRecord:
        """Return ``units`` (line id → units) of a closed sale (:mod:`~pos_app.engine.returns`)."""
        with self._lock:
            return self._returns.return_items(check_id, units, approval)

    # ----- people -------------------------------------------------------------------------

    def sign_in(self, staff_id: str, pin: str) -> StaffMember:
        """A cashier (or manager) signs in at the register; every attempt is audited."""
        with self._lock:
            return self._approvals.sign_in(staff_id, pin)

    def approve(
        self,
        check_id: str | None,
        action: ApprovalAction,
        target: str,
        *,
        staff_id: str,
        pin: str,
        reason: str,
    ) -> ManagerApproval:
        """A manager's approval of ``action`` on ``target`` (a tender id, or the check id),
        after their PIN and role are checked here. Refusals are journaled on the check, or in
        the audit trail for approvals of no check (``check_id`` None: settings changes)."""
        with self._lock:
            record = None if check_id is None else self.check(check_id)
            return self._approvals.approve(
                record, action, target, staff_id=staff_id, pin=pin, reason=reason
            )

    def confirm_settings_change(self, approval: ManagerApproval | None, changes: str) -> None:
        """Spend an approval of ``CHANGE_SETTINGS`` on ``settings`` before ``changes`` (in
        words, for the audit trail) are written; raises :class:`ApprovalRequired` without one."""
        with self._lock:
            self._approvals.confirm_settings_change(approval, changes)

    # ----- recovery -----------------------------------------------------------------------

    def reconcile(
        self, check_id: str, tender_id: str, approval: ManagerApproval | None
    ) -> CheckRecord:
        """Settle one tender whose outcome is unknown (a manager's "resolve" button): asks
        LevelUp now, without waiting for the next recovery. Needs a manager's approval."""
        with self._lock:
            return self._recovery.reconcile(check_id, tender_id, approval)

    def keep_late_payment(
        self, check_id: str, tender_id: str, approval: ManagerApproval | None
    ) -> CheckRecord:
        """Keep as the check's payment one LevelUp charged late (:mod:`~pos_app.engine.late`);
        refunding it instead is :meth:`void_tender`. Needs a manager's approval."""
        with self._lock:
            return self._recovery.late.keep(check_id, tender_id, approval)

    def recover(self) -> RecoveryReport:
        """Settle every tender the journal left unfinished (at every start, and in the
        background while payments are unknown)."""
        with self._lock:
            self._payers.look_back()
            return self._recovery.recover()

    def ask_payers(self) -> tuple[PayerAnswer, ...]:
        """Who made the LevelUp payments not named yet (:mod:`~pos_app.engine.payers`): any
        thread, no journal, the lock not held while LevelUp answers."""
        return self._payers.ask()

    def record_payers(self, answers: tuple[PayerAnswer, ...]) -> int:
        """Journal what :meth:`ask_payers` found; returns how many payments were named."""
        with self._lock:
            return self._payers.record(answers)
