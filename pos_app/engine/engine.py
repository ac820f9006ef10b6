"""The transaction engine: checks and their payments, journaled before they are acted on.

Every command runs under one lock (the app runs them on one worker, the "engine lane") and
follows the same rule: the intent is committed to the journal before a request leaves, and
the outcome is committed before any listener hears of it. Whatever fails afterwards (the
network, LevelUp, the process, the power), what the journal holds is enough to finish the
payment without losing it or charging twice: see :meth:`Engine.recover`.

A LevelUp payment: the calculator's values → proposed order → its discount applied before tax
→ the calculator again → completed order → approved (or partly approved: the rest is due and a
:class:`RemainderDue` goes out). A lost answer leaves the tender ``UNKNOWN`` until the order
is found at LevelUp (recorded) or proven absent (declined, safe to take again).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pos_app.domain import (
    Check,
    LevelUpDetail,
    TaxTable,
    Tender,
    TenderKind,
    TenderStatus,
    format_cents,
)
from pos_app.engine.events import CheckUpdated, EngineEvent, PaymentProblem, RemainderDue
from pos_app.engine.model import (
    APPROVAL_LIFETIME,
    ApprovalAction,
    CheckRecord,
    CheckState,
    JournalEvent,
    ManagerApproval,
    OfflinePolicy,
    TenderInfo,
    unfinished,
)
from pos_app.engine.ports import Journal, PaymentGateway
from pos_app.engine.reconcile import AmbiguousOrder, RecentOrders, find_order
from pos_app.engine.staff import AccessDenied, Permission, StaffDirectory, StaffMember
from pos_app.levelup import qr
from pos_app.levelup.calculator import (
    AdjustedCheckValues,
    completed_order_values,
    proposed_order_values,
)
from pos_app.levelup.errors import (
    ApiError,
    InvalidResponse,
    LevelUpError,
    Maintenance,
    OutcomeUnknown,
    RequestRejected,
    Unreachable,
)
from pos_app.levelup.payloads import (
    CompletedOrder,
    MerchantOrder,
    OrderContext,
    completed_order_request,
    proposed_order_request,
)

Listener = Callable[[EngineEvent], None]

# LevelUp could not be reached at all: nothing happened there.
_NOT_REACHED = (Unreachable, Maintenance)
# The request went and its answer is lost or unreadable: money may have moved.
_LOST_ANSWER = (OutcomeUnknown, InvalidResponse)


SETTINGS_TARGET = "settings"
"""The target of a ``CHANGE_SETTINGS`` approval."""


class EngineError(Exception):
    """A command the engine refuses; the message is for the cashier or manager."""


class CheckNotFound(EngineError):
    pass


class IllegalTransition(EngineError):
    """The check or tender is not in a state where this can happen."""


class ApprovalRequired(EngineError):
    """A manager's approval is missing, is for something else, or has expired."""


@dataclass(frozen=True)
class EngineSettings:
    """Who and where this register is, and the merchant's choices."""

    location_id: int
    merchant_id: int
    register: str
    tax_table: TaxTable = field(default_factory=TaxTable)
    offline: OfflinePolicy = field(default_factory=OfflinePolicy)
    partial_authorization: bool = True
    receipt_message_html: str | None = None
    levelup_enabled: bool = True
    """The merchant's switch for the LevelUp tender (off: LevelUp payments are refused)."""
    settle_after: timedelta = timedelta(seconds=60)
    """How long after sending a completed order its absence at LevelUp proves it was not
    charged: before that, LevelUp may still be working on it."""


@dataclass
class RecoveryReport:
    """What :meth:`Engine.recover` resolved, in words, and what is still unknown."""

    resolved: list[str] = field(default_factory=list)
    still_unknown: list[str] = field(default_factory=list)


@dataclass
class ForwardReport:
    """What :meth:`Engine.forward_offline` did with the offline queue."""

    approved: int = 0
    partially_approved: int = 0
    declined: int = 0
    expired: int = 0
    unknown: int = 0
    still_queued: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_day(now: datetime) -> date:
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
        business_day: Callable[[datetime], date] = _local_day,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        staff: StaffDirectory | None = None,
    ) -> None:
        self._journal = journal
        self._gateway = gateway
        self.settings = settings
        self._clock = clock
        self._business_day = business_day
        self._new_id = new_id
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._staff = staff
        self._issued: dict[str, ManagerApproval] = {}
        """Approvals this engine gave and that were not used yet, whole: a copy changed in any
        field (another target, say) is not one of them."""

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every :data:`EngineEvent`; returns a function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # ----- checks -------------------------------------------------------------------------

    def open_check(self) -> CheckRecord:
        with self._lock:
            now = self._clock()
            identifier = self._journal.next_identifier(self._business_day(now))
            record = CheckRecord(
                check_id=self._new_id(),
                check=Check(identifier, self.settings.tax_table),
                state=CheckState.OPEN,
                opened_at=now,
            )
            return self._save(record, self._event("check_opened", identifier=identifier))

    def check(self, check_id: str) -> CheckRecord:
        record = self._journal.load(check_id)
        if record is None:
            raise CheckNotFound(f"There is no check {check_id}.")
        return record

    def history(self, since: datetime) -> list[CheckRecord]:
        """Checks opened since ``since``, newest first."""
        return self._journal.opened_since(since)

    def edit_check(self, check_id: str, change: Callable[[Check], Check]) -> CheckRecord:
        """Change the items, discounts or fees (the domain refuses once payments are on it)."""
        with self._lock:
            record = self._tendering(check_id)
            check = change(record.check)
            if check.identifier != record.check.identifier or check.tenders != record.check.tenders:
                raise IllegalTransition("Only items, discounts and fees can be edited here.")
            totals = check.totals
            return self._save(
                replace(record, check=check),
                self._event("check_changed", lines=len(check.items), total=totals.grand_total),
            )

    def close_check(self, check_id: str) -> CheckRecord:
        with self._lock:
            record = self._tendering(check_id)
            if not record.check.can_close:
                due = format_cents(record.check.totals.balance_due)
                raise IllegalTransition(
                    f"Check {record.check.identifier} cannot close: {due} is due or a payment "
                    "is still in progress."
                )
            record, closing = self._closing(record)
            return self._save(record, closing)

    # ----- cash, card, other --------------------------------------------------------------

    def pay_cash(self, check_id: str, tendered: int) -> CheckRecord:
        """Cash against the balance due; what is over is change (``totals.change_due``)."""
        with self._lock:
            record = self._payable(check_id)
            tender_id = self._new_id()
            check = record.check.pay_cash(tender_id, tendered)
            record = replace(record, check=check, state=CheckState.TENDERING)
            tender = check.tender(tender_id)
            return self._save(
                record,
                self._event(
                    "tender_approved",
                    tender_id,
                    tender_kind="cash",
                    amount=tender.amount,
                    tendered=tendered,
                    change=tender.change,
                ),
                close=True,
            )

    def pay_other(
        self, check_id: str, kind: TenderKind, amount: int, *, tip: int = 0
    ) -> CheckRecord:
        """A card (credit, debit) or other tender approved outside this register."""
        if kind in (TenderKind.LEVELUP, TenderKind.CASH):
            raise IllegalTransition(f"Use the {kind.value} payment for {kind.value}.")
        with self._lock:
            record = self._payable(check_id)
            tender_id = self._new_id()
            record = record.with_tender(Tender(tender_id, kind, amount, tip=tip))
            return self._save(
                record,
                self._event("tender_approved", tender_id, tender_kind=kind.value, amount=amount),
                close=True,
            )

    # ----- LevelUp ------------------------------------------------------------------------

    def pay_levelup(
        self,
        check_id: str,
        code_text: str,
        amount: int | None = None,
        *,
        cashier: str | None = None,
        discount_only: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[CheckRecord, str]:
        """Pay ``amount`` (default: all that is due) with a scanned LevelUp code.

        Returns the check and the new tender's id; look at the tender's status for the
        outcome. Raises :class:`~pos_app.levelup.qr.InvalidPaymentCode` for text that is not
        a LevelUp code, and :class:`EngineError` for an amount that cannot be paid.
        ``cancelled`` is asked once the proposal is back: if the cashier cancelled by then,
        the completed order is never sent (nothing is charged) and the tender is declined.
        """
        if not self.settings.levelup_enabled:
            raise IllegalTransition("LevelUp is turned off at this store: take another tender.")
        code = qr.parse(code_text)
        with self._lock:
            record = self._payable(check_id)
            due = record.check.levelup_due()
            requested = due.outstanding if amount is None else amount
            if not 0 < requested <= due.outstanding:
                raise IllegalTransition(
                    f"LevelUp can pay from $0.01 to {format_cents(due.outstanding)} of this "
                    f"check, not {format_cents(requested)}."
                )
            tender_id = self._new_id()
            tender = Tender(
                tender_id, TenderKind.LEVELUP, 0, TenderStatus.REQUESTED, levelup=LevelUpDetail()
            )
            record = self._save(
                record.with_tender(tender, TenderInfo(requested=requested)),
                self._event("tender_requested", tender_id, requested=requested, code=code.masked()),
            )
            values = proposed_order_values(due.outstanding, due.tax, due.exempt, requested)
            context = self._context(cashier, discount_only)
            try:
                proposal = self._gateway.propose(
                    proposed_order_request(record.check, code, values, context)
                )
            except _NOT_REACHED as error:
                return self._offline_or_fail(record, tender_id, code, values, error), tender_id
            except LevelUpError as error:
                return self._fail(record, tender_id, error), tender_id
            if cancelled():
                note = "Cancelled: LevelUp charged nothing."
                return self._declined(
                    record, tender_id, note, self._event("cancelled", tender_id)
                ), tender_id
            return self._complete(
                record,
                tender_id,
                code,
                requested,
                proposal.uuid,
                proposal.discount_amount,
                values,
                context,
            ), tender_id

    def _complete(
        self,
        record: CheckRecord,
        tender_id: str,
        code: qr.PaymentCode,
        requested: int,
        proposed_uuid: str,
        offered: int,
        proposed_values: AdjustedCheckValues,
        context: OrderContext,
    ) -> CheckRecord:
        tender = record.tender(tender_id)
        detail = LevelUpDetail(discount_amount=offered, proposed_order_uuid=proposed_uuid)
        record = record.with_tender(replace(tender, status=TenderStatus.PROPOSED, levelup=detail))
        applied = record.check.applied_levelup_discount(tender_id)
        if applied != offered:
            detail = replace(detail, discount_amount=applied)
            record = record.with_tender(replace(record.tender(tender_id), levelup=detail))
        proposed = self._event(
            "proposed",
            tender_id,
            proposed_order_uuid=proposed_uuid,
            discount_offered=offered,
            discount_applied=applied,
        )
        due = record.check.levelup_due()
        values = completed_order_values(due.outstanding, due.tax, due.exempt, requested, applied)
        request = completed_order_request(
            record.check,
            code,
            values,
            context,
            proposed_order_uuid=proposed_uuid,
            applied_discount_amount=applied,
        )
        sent_at = self._clock()
        info = replace(
            record.info(tender_id),
            sent_at=sent_at,
            sent_register=self.settings.register,
            note="",
        )
        # The proposal's outcome and the completion's intent go in one commit, before the
        # completed order is sent.
        record = self._save(
            record.with_tender(
                replace(record.tender(tender_id), status=TenderStatus.COMPLETING),
                replace(info, sent_spend=values.spend_amount),
            ),
            proposed,
            self._event(
                "completion_sent",
                tender_id,
                spend_amount=values.spend_amount,
                tax_amount=values.tax_amount,
                exemption_amount=values.exemption_amount,
                applied_discount_amount=applied,
                sent_at=sent_at.isoformat(),
            ),
        )
        try:
            order = self._gateway.complete(request)
        except _LOST_ANSWER as error:
            return self._unknown(record, tender_id, error)
        except _NOT_REACHED as error:
            return self._offline_or_fail(record, tender_id, code, proposed_values, error)
        except LevelUpError as error:
            return self._fail(record, tender_id, error)
        return self._approved(record, tender_id, order, "approved")

    def _approved(
        self, record: CheckRecord, tender_id: str, order: CompletedOrder, how: str
    ) -> CheckRecord:
        """Record what LevelUp approved for a tender that was completing (or unknown)."""
        tender = record.tender(tender_id)
        info = record.info(tender_id)
        detail = tender.levelup or LevelUpDetail()
        applied = detail.discount_amount
        asked = info.sent_spend
        due = record.check.levelup_due()
        covered = completed_order_values(
            due.outstanding, due.tax, due.exempt, order.spend_amount, applied
        )
        partial = order.spend_amount < asked
        status = TenderStatus.PARTIALLY_APPROVED if partial else TenderStatus.APPROVED
        gift_tip = order.gift_card_tip_amount
        approved = replace(
            tender,
            amount=max(0, order.spend_amount - applied),
            status=status,
            tip=order.tip_amount,
            levelup=replace(
                detail,
                tax_amount=covered.tax_amount,
                exemption_amount=covered.exemption_amount,
                gift_card_amount=order.gift_card_total_amount - gift_tip,
                gift_card_tip_amount=gift_tip,
                order_uuid=order.uuid,
            ),
        )
        record = self._save(
            record.with_tender(approved, replace(info, note=""), decided_elsewhere=True),
            self._event(
                how,
                tender_id,
                status=status.value,
                order_uuid=order.uuid,
                spend_amount=order.spend_amount,
                tip_amount=order.tip_amount,
                total_amount=order.total_amount,
                gift_card_total_amount=order.gift_card_total_amount,
                gift_card_tip_amount=gift_tip,
            ),
            close=True,
        )
        if record.void_requested:  # found after the manager voided the check: give it back
            return self._finish_void(self._refund(record, tender_id, None))
        overpaid = record.check.totals.overpaid
        if overpaid:
            note = (
                f"LevelUp took {format_cents(overpaid)} more than this check's total. Refund "
                "that payment and take the right amount."
            )
            self._publish(PaymentProblem(record.check_id, tender_id, note, note, True))
        if partial and record.state is not CheckState.CLOSED:
            self._publish(
                RemainderDue(
                    check_id=record.check_id,
                    tender_id=tender_id,
                    approved=order.spend_amount,
                    requested=asked,
                    remainder=record.check.totals.balance_due,
                )
            )
        return record

    def _fail(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> CheckRecord:
        """The attempt did not charge: decline it, which rolls its discount back."""
        record = self._declined(
            record,
            tender_id,
            error.cashier_message,
            self._event("declined", tender_id, reason=type(error).__name__, detail=error.detail),
        )
        self._publish(
            PaymentProblem(record.check_id, tender_id, error.cashier_message, error.detail)
        )
        return record

    def _unknown(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> CheckRecord:
        record = self._save(
            record.with_tender(
                replace(record.tender(tender_id), status=TenderStatus.UNKNOWN),
                replace(record.info(tender_id), note=OutcomeUnknown.cashier_message),
            ),
            self._event("unknown", tender_id, cause=error.detail),
        )
        self._publish(
            PaymentProblem(record.check_id, tender_id, OutcomeUnknown.cashier_message, error.detail)
        )
        return self._reconcile_payment(record, tender_id)

    def _reconcile_payment(
        self, record: CheckRecord, tender_id: str, recent: RecentOrders | None = None
    ) -> CheckRecord:
        """Settle a tender whose completed order may have been charged: find it or prove it
        absent. Leaves it ``UNKNOWN`` when LevelUp cannot be asked. ``recent`` shares one
        reading of the location's orders between the tenders of one recovery."""
        tender = record.tender(tender_id)
        info = record.info(tender_id)
        if tender.status is TenderStatus.COMPLETING:
            record = record.with_tender(replace(tender, status=TenderStatus.UNKNOWN))
        try:
            found = find_order(
                self._gateway,
                recent or RecentOrders(self._gateway, self.settings.location_id),
                merchant_id=self.settings.merchant_id,
                register=info.sent_register or self.settings.register,
                identifier=record.check.identifier,
                sent_at=info.sent_at or record.opened_at,
                max_spend=info.sent_spend or info.requested,
                claimed=_claimed_orders(record),
            )
        except (LevelUpError, AmbiguousOrder) as error:
            cause = error.detail if isinstance(error, LevelUpError) else str(error)
            if tender.status is TenderStatus.COMPLETING:
                record = self._save(record, self._event("unknown", tender_id, cause=cause))
            if isinstance(error, AmbiguousOrder):
                note = (
                    "LevelUp has more than one order this payment could be; a manager must "
                    f"check them in the LevelUp dashboard ({error})."
                )
                self._publish(PaymentProblem(record.check_id, tender_id, note, cause, True))
            return record
        if found is None and self._clock() - (info.sent_at or record.opened_at) < (
            self.settings.settle_after
        ):
            if tender.status is TenderStatus.COMPLETING:
                record = self._save(
                    record, self._event("unknown", tender_id, cause="not found yet")
                )
            return record
        if found is None and info.queued_at is not None:
            # An offline payment whose forwarding was lost: LevelUp has none, so it waits again.
            return self._requeued(
                record,
                tender_id,
                self._event("reconciled", tender_id, outcome="absent, queued again"),
            )
        if found is None:
            note = (
                "LevelUp confirms this payment did not go through: nothing was charged. "
                "Take the payment again."
            )
            return self._declined(
                record, tender_id, note, self._event("reconciled", tender_id, outcome="absent")
            )
        order = CompletedOrder(
            uuid=found.uuid,
            spend_amount=found.spend_amount or 0,
            tip_amount=found.tip_amount or 0,
            total_amount=found.total_amount or 0,
        )
        return self._approved(record, tender_id, order, "reconciled")

    def _offline_or_fail(
        self,
        record: CheckRecord,
        tender_id: str,
        code: qr.PaymentCode,
        values: AdjustedCheckValues,
        error: LevelUpError,
    ) -> CheckRecord:
        """LevelUp was not reached: accept the payment for later if the merchant's offline
        policy allows it, else decline it."""
        if not self.settings.offline.enabled:
            return self._fail(record, tender_id, error)
        refusal = self._offline_refusal(values.spend_amount)
        if refusal:
            return self._fail(record, tender_id, _Declined(refusal, error.detail))
        now = self._clock()
        tender = replace(
            record.tender(tender_id),
            status=TenderStatus.QUEUED,
            amount=values.spend_amount,
            levelup=LevelUpDetail(),
        )
        info = replace(
            record.info(tender_id),
            queued_at=now,
            queued_spend=values.spend_amount,
            queued_tax=values.tax_amount,
            queued_exemption=values.exemption_amount,
            sent_at=None,
            note="LevelUp is offline: this payment is accepted and will be sent when it is back.",
        )
        # The code is kept (encrypted) only for payments that will be sent later.
        return self._save(
            record.with_tender(tender, info),
            self._event(
                "queued_offline", tender_id, spend_amount=values.spend_amount, cause=error.detail
            ),
            codes={tender_id: code.data},
            close=True,
        )

    def _offline_refusal(self, amount: int) -> str:
        """Why the offline policy refuses ``amount`` more, or ``""`` when it takes it."""
        policy = self.settings.offline
        queued = [t for _, t in self.queued()]
        if amount > policy.max_order:
            return (
                f"LevelUp can't be reached, and {format_cents(amount)} is over the "
                f"{format_cents(policy.max_order)} this store accepts offline. Take another "
                "payment method."
            )
        if len(queued) + 1 > policy.max_count or sum(t.amount for t in queued) + amount > (
            policy.max_total
        ):
            return (
                "LevelUp can't be reached, and the store's limit for offline LevelUp payments "
                "is reached. Take another payment method."
            )
        return ""

    def queued(self) -> list[tuple[CheckRecord, Tender]]:
        """Offline payments waiting for LevelUp, oldest first."""
        waiting = [
            (record, tender)
            for record in self._journal.unsettled()
            for tender in record.check.tenders
            if tender.status is TenderStatus.QUEUED
        ]
        return sorted(
            waiting, key=lambda pair: pair[0].info(pair[1].tender_id).queued_at or pair[0].opened_at
        )

    def unfinished(self) -> Counter[TenderStatus]:
        """Tenders still to come, by status, from one reading of the journal (the status
        bar's queued and unknown counts)."""
        return unfinished(self._journal.unsettled())

    def forward_offline(self) -> ForwardReport:
        """Send the offline queue to LevelUp, oldest first; stop when it is unreachable again."""
        report = ForwardReport()
        with self._lock:
            for record, tender in self.queued():
                record = self.check(record.check_id)
                outcome = self._forward(record, tender.tender_id)
                if outcome is None:
                    report.still_queued = len(self.queued())
                    break
                setattr(report, outcome, getattr(report, outcome) + 1)
        return report

    def _forward(self, record: CheckRecord, tender_id: str) -> str | None:
        info = record.info(tender_id)
        policy = self.settings.offline
        now = self._clock()
        code_text = self._journal.code(tender_id)
        if info.queued_at is not None and now - info.queued_at > policy.max_age:
            reason = "expired"
            note = (
                f"This offline LevelUp payment of {format_cents(info.queued_spend)} waited "
                "longer than the store allows and was not sent. Collect it another way."
            )
        elif code_text is None:
            reason, note = "declined", "The payment code of this offline payment is missing."
        else:
            reason, note = "", ""
        if reason:
            self._declined(record, tender_id, note, self._event("offline_" + reason, tender_id))
            self._publish(PaymentProblem(record.check_id, tender_id, note, note, True))
            return reason
        assert code_text is not None
        code = qr.parse(code_text)
        values = AdjustedCheckValues(info.queued_spend, info.queued_tax, info.queued_exemption)
        context = replace(self._context(None, False), partial_authorization_allowed=True)
        try:
            proposal = self._gateway.propose(
                proposed_order_request(record.check, code, values, context)
            )
            request = completed_order_request(
                record.check,
                code,
                values,
                context,
                proposed_order_uuid=proposal.uuid,
                applied_discount_amount=0,
            )
        except _NOT_REACHED:
            return None
        except LevelUpError as error:
            self._offline_declined(record, tender_id, error)
            return "declined"
        sent_at = self._clock()
        record = self._save(
            record.with_tender(
                replace(
                    record.tender(tender_id),
                    status=TenderStatus.COMPLETING,
                    levelup=LevelUpDetail(proposed_order_uuid=proposal.uuid),
                ),
                replace(
                    info,
                    sent_at=sent_at,
                    sent_spend=values.spend_amount,
                    sent_register=self.settings.register,
                ),
            ),
            self._event(
                "completion_sent",
                tender_id,
                spend_amount=values.spend_amount,
                offline=True,
                sent_at=sent_at.isoformat(),
            ),
        )
        try:
            order = self._gateway.complete(request)
        except _LOST_ANSWER as error:
            record = self._unknown(record, tender_id, error)
            status = record.tender(tender_id).status
            return "unknown" if status is TenderStatus.UNKNOWN else _outcome_name(status)
        except _NOT_REACHED:
            self._requeued(
                record,
                tender_id,
                self._event("queued_offline", tender_id, spend_amount=info.queued_spend),
            )
            return None
        except LevelUpError as error:
            self._offline_declined(record, tender_id, error)
            return "declined"
        record = self._approved(record, tender_id, order, "forwarded")
        tender = record.tender(tender_id)
        if tender.status is TenderStatus.PARTIALLY_APPROVED:
            missing = format_cents(info.queued_spend - order.spend_amount)
            note = (
                f"LevelUp approved {format_cents(order.spend_amount)} of an offline payment of "
                f"{format_cents(info.queued_spend)}: {missing} was not collected."
            )
            self._publish(PaymentProblem(record.check_id, tender_id, note, note, True))
        return _outcome_name(tender.status)

    def _declined(
        self, record: CheckRecord, tender_id: str, note: str, event: JournalEvent
    ) -> CheckRecord:
        """The tender took nothing; ``note`` tells the cashier what to do."""
        return self._save(
            record.with_tender(
                replace(record.tender(tender_id), status=TenderStatus.DECLINED, amount=0),
                replace(record.info(tender_id), note=note),
            ),
            event,
        )

    def _requeued(self, record: CheckRecord, tender_id: str, event: JournalEvent) -> CheckRecord:
        """An offline payment put back in the queue exactly as it was before it was sent."""
        info = record.info(tender_id)
        return self._save(
            record.with_tender(
                replace(
                    record.tender(tender_id),
                    status=TenderStatus.QUEUED,
                    amount=info.queued_spend,
                    levelup=LevelUpDetail(),
                ),
                replace(info, sent_at=None),
            ),
            event,
        )

    def _offline_declined(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> None:
        info = record.info(tender_id)
        note = (
            f"LevelUp declined an offline payment of {format_cents(info.queued_spend)} "
            f"({error.cashier_message}). Collect it another way."
        )
        self._declined(
            record, tender_id, note, self._event("offline_declined", tender_id, detail=error.detail)
        )
        self._publish(PaymentProblem(record.check_id, tender_id, note, error.detail, True))

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
            record = self.check(check_id)
            record = self._approve(record, approval, ApprovalAction.VOID_TENDER, tender_id)
            return self._void(record, tender_id, manager_confirmation)

    def void_check(
        self,
        check_id: str,
        approval: ManagerApproval | None,
        *,
        manager_confirmation: str | None = None,
    ) -> CheckRecord:
        """Void a check and every payment on it. Needs a manager's approval for this check."""
        with self._lock:
            record = self.check(check_id)
            if record.state is CheckState.VOIDED:
                raise IllegalTransition(f"Check {record.check.identifier} is already voided.")
            record = self._approve(record, approval, ApprovalAction.VOID_CHECK, check_id)
            record = self._save(replace(record, void_requested=True), self._event("void_requested"))
            for tender in record.check.tenders:
                if tender.status in (TenderStatus.UNKNOWN, TenderStatus.COMPLETING):
                    record = self._reconcile_payment(record, tender.tender_id)
                current = record.tender(tender.tender_id)
                if current.status.is_paid and current.status is not TenderStatus.REFUNDING:
                    record = self._void(record, tender.tender_id, manager_confirmation)
            return self._finish_void(record)

    def _void(
        self, record: CheckRecord, tender_id: str, manager_confirmation: str | None
    ) -> CheckRecord:
        tender = record.tender(tender_id)
        levelup_paid = tender.kind is TenderKind.LEVELUP and tender.status in (
            TenderStatus.APPROVED,
            TenderStatus.PARTIALLY_APPROVED,
        )
        if levelup_paid:
            return self._refund(record, tender_id, manager_confirmation)
        if not tender.status.is_paid or tender.status is TenderStatus.REFUNDING:
            raise IllegalTransition(
                f"This {tender.kind.value} payment is {tender.status.value.replace('_', ' ')} "
                "and cannot be voided."
            )
        record = self._save(
            self._reopened(record.with_tender(replace(tender, status=TenderStatus.VOID))),
            self._event("voided", tender_id, tender_kind=tender.kind.value, amount=tender.amount),
        )
        return self._finish_void(record)

    def _refund(
        self, record: CheckRecord, tender_id: str, manager_confirmation: str | None
    ) -> CheckRecord:
        tender = record.tender(tender_id)
        info = record.info(tender_id)
        assert tender.levelup is not None
        assert tender.levelup.order_uuid is not None
        record = self._save(
            record.with_tender(
                replace(tender, status=TenderStatus.REFUNDING),
                replace(info, status_before_refund=tender.status, sent_at=self._clock()),
            ),
            self._event("refund_sent", tender_id, order_uuid=tender.levelup.order_uuid),
        )
        try:
            self._gateway.refund(tender.levelup.order_uuid, manager_confirmation)
        except _LOST_ANSWER as error:
            self._publish(
                PaymentProblem(
                    record.check_id,
                    tender_id,
                    "LevelUp did not confirm the refund; the register will check.",
                    error.detail,
                )
            )
            return self._reconcile_refund(record, tender_id)
        except LevelUpError as error:
            if _already_refunded(error):
                return self._refunded(record, tender_id, "already refunded at LevelUp")
            return self._refund_refused(record, tender_id, error)
        return self._refunded(record, tender_id, "refunded")

    def _refunded(self, record: CheckRecord, tender_id: str, how: str) -> CheckRecord:
        record = self._save(
            self._reopened(
                record.with_tender(replace(record.tender(tender_id), status=TenderStatus.REFUNDED))
            ),
            self._event("refunded", tender_id, how=how),
        )
        return self._finish_void(record)

    def _reconcile_refund(self, record: CheckRecord, tender_id: str) -> CheckRecord:
        """Settle a refund whose answer was lost: LevelUp's order says whether it happened;
        if not, the refund is sent again (LevelUp refuses to refund an order twice)."""
        tender = record.tender(tender_id)
        assert tender.levelup is not None
        assert tender.levelup.order_uuid is not None
        try:
            order: MerchantOrder = self._gateway.order_details(
                self.settings.merchant_id, tender.levelup.order_uuid
            )
            if order.is_refunded:
                return self._refunded(record, tender_id, "confirmed at LevelUp")
            self._gateway.refund(tender.levelup.order_uuid)
        except LevelUpError as error:
            if _already_refunded(error):
                return self._refunded(record, tender_id, "already refunded at LevelUp")
            if isinstance(error, ApiError) and error.status < 500:
                return self._refund_refused(record, tender_id, error)
            return record  # LevelUp cannot be asked: still refunding
        return self._refunded(record, tender_id, "refunded again after a lost answer")

    def _refund_refused(
        self, record: CheckRecord, tender_id: str, error: LevelUpError
    ) -> CheckRecord:
        """LevelUp said no to a refund: the payment stands as it was, and a manager hears."""
        info = record.info(tender_id)
        before = info.status_before_refund or TenderStatus.APPROVED
        record = self._save(
            record.with_tender(
                replace(record.tender(tender_id), status=before),
                replace(info, note=error.cashier_message),
            ),
            self._event("refund_failed", tender_id, detail=error.detail),
        )
        self._publish(
            PaymentProblem(record.check_id, tender_id, error.cashier_message, error.detail, True)
        )
        return record

    def _finish_void(self, record: CheckRecord) -> CheckRecord:
        if not record.void_requested or record.state is CheckState.VOIDED:
            return record
        if any(t.status.is_paid or not t.status.is_final for t in record.check.tenders):
            return record
        return self._save(
            replace(record, state=CheckState.VOIDED, closed_at=self._clock()),
            self._event("check_voided"),
        )

    def sign_in(self, staff_id: str, pin: str) -> StaffMember:
        """A cashier (or manager) signs in at the register; every attempt is audited."""
        if self._staff is None:
            raise ApprovalRequired("This register has no staff list: nobody can sign in.")
        try:
            member = self._staff.verify(staff_id, pin)
        except AccessDenied as denied:
            self._journal.audit(
                self._event(
                    "sign_in_refused",
                    staff_id=denied.staff_id_to_record(staff_id),
                    why=str(denied),
                )
            )
            raise
        if not member.may(Permission.SELL):
            raise AccessDenied(f"{member.name} may not sell at this register.")
        self._journal.audit(self._event("sign_in", staff_id=staff_id, role=member.role.value))
        return member

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
            if self._staff is None:
                raise ApprovalRequired(
                    "This register has no staff list: approvals cannot be given."
                )
            try:
                member = self._staff.verify(staff_id, pin)
            except AccessDenied as denied:
                self._refused(
                    record,
                    self._event(
                        "approval_refused",
                        staff_id=denied.staff_id_to_record(staff_id),
                        action=action.value,
                        why=str(denied),
                    ),
                )
                raise ApprovalRequired(str(denied)) from None
            needed = {
                ApprovalAction.VOID_CHECK: Permission.REFUND,
                ApprovalAction.VOID_TENDER: Permission.VOID,
                ApprovalAction.RESOLVE_TENDER: Permission.RESOLVE,
                ApprovalAction.CHANGE_SETTINGS: Permission.SETTINGS,
            }[action]
            if not member.may(needed):
                self._refused(
                    record,
                    self._event(
                        "approval_refused",
                        staff_id=staff_id,
                        action=action.value,
                        why=f"role {member.role}",
                    ),
                )
                raise ApprovalRequired(
                    f"{member.name} is a {member.role.value}: "
                    + (
                        "an admin must approve this."
                        if needed is Permission.SETTINGS
                        else "a manager must approve this."
                    )
                )
            if not reason.strip():
                raise ApprovalRequired("A manager's approval needs a reason.")
            approval = ManagerApproval(
                manager=f"{member.name} ({member.staff_id})",
                action=action,
                target=target,
                reason=reason.strip(),
                approved_at=self._clock(),
                approval_id=self._new_id(),
            )
            self._issued[approval.approval_id] = approval
            return approval

    def _refused(self, record: CheckRecord | None, event: JournalEvent) -> None:
        if record is None:
            self._journal.audit(event)
        else:
            self._save(record, event)

    def confirm_settings_change(self, approval: ManagerApproval | None, changes: str) -> None:
        """Spend an approval of ``CHANGE_SETTINGS`` on ``settings`` before ``changes`` (in
        words, for the audit trail) are written; raises :class:`ApprovalRequired` without one."""
        with self._lock:
            event = self._consume(approval, ApprovalAction.CHANGE_SETTINGS, SETTINGS_TARGET)
            self._journal.audit(replace(event, data={**event.data, "changes": changes}))

    def _approve(
        self,
        record: CheckRecord,
        approval: ManagerApproval | None,
        action: ApprovalAction,
        target: str,
    ) -> CheckRecord:
        return self._save(record, self._consume(approval, action, target))

    def _consume(
        self, approval: ManagerApproval | None, action: ApprovalAction, target: str
    ) -> JournalEvent:
        """The journal event of a valid approval, which is used up by this."""
        if approval is None:
            raise ApprovalRequired("A manager must approve this. Ask a manager to enter their PIN.")
        if self._issued.get(approval.approval_id) != approval:
            raise ApprovalRequired(
                "This approval was not given at this register (or was used already); ask the "
                "manager to enter their PIN."
            )
        if approval.action is not action or approval.target != target:
            raise ApprovalRequired("This manager approval is for something else.")
        if not approval.reason.strip():
            raise ApprovalRequired("A manager's approval needs a reason.")
        age = self._clock() - approval.approved_at
        if age > APPROVAL_LIFETIME or age < -timedelta(minutes=1):
            raise ApprovalRequired("This manager approval has expired; ask the manager again.")
        del self._issued[approval.approval_id]  # one approval, one use
        return self._event("approval", **approval.as_data())

    # ----- recovery -----------------------------------------------------------------------

    def reconcile(
        self, check_id: str, tender_id: str, approval: ManagerApproval | None
    ) -> CheckRecord:
        """Settle one tender whose outcome is unknown (a manager's "resolve" button): asks
        LevelUp now, without waiting for the next recovery. Needs a manager's approval."""
        with self._lock:
            record = self.check(check_id)
            record = self._approve(record, approval, ApprovalAction.RESOLVE_TENDER, tender_id)
            status = record.tender(tender_id).status
            if status.is_final or status is TenderStatus.QUEUED:
                raise IllegalTransition(
                    f"This payment is {status.value}: there is nothing to check."
                )
            recent = RecentOrders(self._gateway, self.settings.location_id)
            return self._finish_void(self._recover_tender(record, tender_id, recent))

    def recover(self) -> RecoveryReport:
        """Settle every tender the journal left unfinished (run at every start).

        Attempts that never reached a completed order charged nothing and are declined;
        completed orders and refunds whose answer was lost are looked up at LevelUp.
        """
        report = RecoveryReport()
        with self._lock:
            recent = RecentOrders(self._gateway, self.settings.location_id)
            for stale in self._journal.unsettled():
                record = stale
                for tender in stale.unsettled:
                    before = tender.status
                    record = self._recover_tender(record, tender.tender_id, recent)
                    after = record.tender(tender.tender_id).status
                    line = (
                        f"check {record.check.identifier} {tender.kind.value} tender "
                        f"{tender.tender_id[:8]}: {before.value} → {after.value}"
                    )
                    if after in (
                        TenderStatus.UNKNOWN,
                        TenderStatus.COMPLETING,
                        TenderStatus.REFUNDING,
                    ):
                        report.still_unknown.append(line)
                    elif after is not before:
                        report.resolved.append(line)
                record = self._finish_void(record)
        return report

    def _recover_tender(
        self, record: CheckRecord, tender_id: str, recent: RecentOrders
    ) -> CheckRecord:
        status = record.tender(tender_id).status
        if status in (TenderStatus.REQUESTED, TenderStatus.PROPOSED):
            note = "The register stopped before LevelUp charged anything. Take the payment again."
            return self._declined(
                record,
                tender_id,
                note,
                self._event("recovered", tender_id, was=status.value, outcome="not charged"),
            )
        if status in (TenderStatus.COMPLETING, TenderStatus.UNKNOWN):
            return self._reconcile_payment(record, tender_id, recent)
        if status is TenderStatus.REFUNDING:
            return self._reconcile_refund(record, tender_id)
        return record

    # ----- common -------------------------------------------------------------------------

    def _payable(self, check_id: str) -> CheckRecord:
        """A check that may take another payment now."""
        record = self._tendering(check_id)
        if record.void_requested:
            raise IllegalTransition(f"Check {record.check.identifier} is being voided.")
        if record.in_flight:
            raise IllegalTransition(
                f"A LevelUp payment on check {record.check.identifier} is still being confirmed. "
                "Wait for it, or ask a manager to resolve it, before taking another payment."
            )
        return record

    def _tendering(self, check_id: str) -> CheckRecord:
        record = self.check(check_id)
        if record.state not in (CheckState.OPEN, CheckState.TENDERING):
            raise IllegalTransition(f"Check {record.check.identifier} is {record.state.value}.")
        return record

    def _closing(self, record: CheckRecord) -> tuple[CheckRecord, JournalEvent]:
        totals = record.check.totals
        closed = replace(record, state=CheckState.CLOSED, closed_at=self._clock())
        event = self._event(
            "check_closed",
            total=totals.grand_total,
            paid=totals.paid,
            change=totals.change_due,
            tip=totals.tip,
        )
        return closed, event

    def _reopened(self, record: CheckRecord) -> CheckRecord:
        """A payment left a closed check: it is being tendered again (unless voided)."""
        if record.state is CheckState.CLOSED and not record.void_requested:
            return replace(record, state=CheckState.TENDERING, closed_at=None)
        return record

    def _context(self, cashier: str | None, discount_only: bool) -> OrderContext:
        return OrderContext(
            location_id=self.settings.location_id,
            register=self.settings.register,
            cashier=cashier,
            receipt_message_html=self.settings.receipt_message_html,
            partial_authorization_allowed=self.settings.partial_authorization,
            discount_only=discount_only,
        )

    def _event(self, kind: str, tender_id: str | None = None, **data: Any) -> JournalEvent:
        return JournalEvent(kind=kind, at=self._clock(), tender_id=tender_id, data=data)

    def _save(
        self,
        record: CheckRecord,
        *events: JournalEvent,
        codes: dict[str, str] | None = None,
        close: bool = False,
    ) -> CheckRecord:
        """Commit ``record`` with ``events``, then tell the listeners. With ``close``, a check
        that is paid in full closes in the same commit."""
        if (
            close
            and not record.void_requested
            and record.state in (CheckState.OPEN, CheckState.TENDERING)
            and record.check.can_close
        ):
            record, closing = self._closing(record)
            events = (*events, closing)
        self._journal.save(record, events, codes)
        self._publish(CheckUpdated(record))
        return record

    def _publish(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            listener(event)


class _Declined(LevelUpError):
    """A refusal of the register's own (the offline policy), told like LevelUp's."""

    def __init__(self, cashier_message: str, detail: str) -> None:
        super().__init__(detail, cashier_message=cashier_message)


def _already_refunded(error: LevelUpError) -> bool:
    return isinstance(error, RequestRejected) and any(
        "already been refunded" in message for message in error.messages
    )


def _claimed_orders(record: CheckRecord) -> set[str]:
    return {
        t.levelup.order_uuid
        for t in record.check.tenders
        if t.levelup is not None and t.levelup.order_uuid is not None
    }


def _outcome_name(status: TenderStatus) -> str:
    return {
        TenderStatus.APPROVED: "approved",
        TenderStatus.PARTIALLY_APPROVED: "partially_approved",
        TenderStatus.DECLINED: "declined",
    }.get(status, "unknown")
