"""The tender lifecycle after a request leaves: every outcome a LevelUp payment or refund can
have, each a checked move (:func:`pos_app.domain.move`) committed by the recorder.

A completed order is approved (or partly), declined, or its answer is lost: then the payment
is ``UNKNOWN`` until its order is found at LevelUp (approved) or proven absent once the settle
window has passed (declined, or queued again when it was an offline payment). A refund is
refunded, refused (the payment stands), or looked up at LevelUp when its answer is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from pos_app.domain import LevelUpDetail, TenderStatus, format_cents, move
from pos_app.engine.errors import LOST_ANSWER, already_refunded
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.events import PaymentProblem, RemainderDue
from pos_app.engine.model import CheckRecord, CheckState, EngineSettings
from pos_app.engine.ports import PaymentGateway
from pos_app.engine.reconcile import AmbiguousOrder, RecentOrders, find_order
from pos_app.engine.recorder import Recorder
from pos_app.levelup.calculator import completed_order_values
from pos_app.levelup.errors import ApiError, LevelUpError, OutcomeUnknown
from pos_app.levelup.wire import CompletedOrder, MerchantOrder

_S = TenderStatus

PRESUMED_NOT_CHARGED = (
    "LevelUp has no record of this payment: it is presumed not charged. Take the payment "
    "again; the register keeps looking for a day and tells a manager if LevelUp charged it late."
)


@dataclass(frozen=True)
class Lookup:
    """What LevelUp said of a payment whose answer was lost.

    ``order``: found; ``absent``: provably not there; ``wait_until``: not there yet, and not
    provably absent before then; ``failure``: LevelUp could not be asked, or could not tell
    (``ambiguous``: more than one order fits, a manager must look).
    """

    order: MerchantOrder | None = None
    absent: bool = False
    wait_until: datetime | None = None
    failure: str = ""
    ambiguous: bool = False


class Outcomes:
    """Records what LevelUp did with a payment or refund."""

    def __init__(
        self, recorder: Recorder, gateway: PaymentGateway, settings: EngineSettings
    ) -> None:
        self._recorder = recorder
        self._gateway = gateway
        self._settings = settings

    # ----- payments ---------------------------------------------------------------------

    def approved(
        self,
        record: CheckRecord,
        tender_id: str,
        order: CompletedOrder,
        how: EventKind,
        payer: str = "",
    ) -> CheckRecord:
        """Record what LevelUp approved for a tender that was completing, unknown or
        being forwarded; ``payer``: who paid, when the answer said (an order found)."""
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
        gift_tip = order.gift_card_tip_amount
        approved = move(
            tender,
            _S.PARTIALLY_APPROVED if partial else _S.APPROVED,
            amount=max(0, order.spend_amount - applied),
            tip=order.tip_amount,
            levelup=replace(
                detail,
                tax_amount=covered.tax_amount,
                exemption_amount=covered.exemption_amount,
                gift_card_amount=order.gift_card_total_amount - gift_tip,
                gift_card_tip_amount=gift_tip,
                order_uuid=order.uuid,
                gift_card_known=how is not EventKind.RECONCILED,  # the merchant view says not
            ),
        )
        record = self._recorder.save(
            record.with_tender(
                approved, replace(info, note="", payer=payer or info.payer), decided_elsewhere=True
            ),
            self._recorder.event(
                how,
                tender_id,
                status=approved.status.value,
                order_uuid=order.uuid,
                spend_amount=order.spend_amount,
                tip_amount=order.tip_amount,
                total_amount=order.total_amount,
                gift_card_total_amount=order.gift_card_total_amount,
                gift_card_tip_amount=gift_tip,
                amount=approved.amount,
                discount_amount=applied,
            ),
            close=True,
        )
        if record.void_requested:  # found after the manager voided the check: give it back
            return self.finish_void(self.refund(record, tender_id, None))
        overpaid = record.check.totals.overpaid
        if overpaid:
            note = (
                f"LevelUp took {format_cents(overpaid)} more than this check's total. Refund "
                "that payment and take the right amount."
            )
            self._recorder.publish(PaymentProblem(record.check_id, tender_id, note, note, True))
        if partial and record.state is not CheckState.CLOSED:
            self._recorder.publish(
                RemainderDue(
                    check_id=record.check_id,
                    tender_id=tender_id,
                    paid=approved.amount,
                    asked=max(0, asked - applied),
                    discount=applied,
                    remainder=record.check.totals.balance_due,
                )
            )
        return record

    def fail(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> CheckRecord:
        """The attempt did not charge: decline it, which rolls its discount back."""
        record = self.declined(
            record,
            tender_id,
            error.cashier_message,
            self._recorder.event(
                EventKind.DECLINED, tender_id, reason=type(error).__name__, detail=error.detail
            ),
        )
        self._recorder.publish(
            PaymentProblem(record.check_id, tender_id, error.cashier_message, error.detail)
        )
        return record

    def declined(
        self,
        record: CheckRecord,
        tender_id: str,
        note: str,
        event: JournalEvent,
        watch_until: datetime | None = None,
    ) -> CheckRecord:
        """The tender took nothing; ``note`` tells the cashier what to do; ``watch_until``:
        only presumed, looked for at LevelUp until then."""
        return self._recorder.save(
            record.with_tender(
                move(record.tender(tender_id), _S.DECLINED, amount=0),
                replace(record.info(tender_id), note=note, watch_until=watch_until),
            ),
            event,
        )

    def requeued(self, record: CheckRecord, tender_id: str, event: JournalEvent) -> CheckRecord:
        """An offline payment put back in the queue exactly as it was before it was sent."""
        info = record.info(tender_id)
        return self._recorder.save(
            record.with_tender(
                move(
                    record.tender(tender_id),
                    _S.QUEUED,
                    amount=info.queued_spend,
                    levelup=LevelUpDetail(),
                ),
                replace(info, sent_at=None),
            ),
            event,
            close=True,
        )

    def unknown(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> CheckRecord:
        """The completed order's answer was lost: look for it at LevelUp at once."""
        record = self._recorder.save(
            record.with_tender(
                move(record.tender(tender_id), _S.UNKNOWN),
                replace(record.info(tender_id), note=OutcomeUnknown.cashier_message),
            ),
            self._recorder.event(EventKind.UNKNOWN, tender_id, cause=error.detail),
        )
        self._recorder.publish(
            PaymentProblem(record.check_id, tender_id, OutcomeUnknown.cashier_message, error.detail)
        )
        return self.reconcile_payment(record, tender_id)

    def look_up(
        self, record: CheckRecord, tender_id: str, recent: RecentOrders | None = None
    ) -> Lookup:
        """Ask LevelUp for the order of a payment whose answer was lost. ``recent`` shares
        one reading of the location's orders between the tenders of one recovery."""
        info = record.info(tender_id)
        sent_at = info.sent_at or record.opened_at
        try:
            found = find_order(
                self._gateway,
                recent or RecentOrders(self._gateway, self._settings.location_id),
                merchant_id=self._settings.merchant_id,
                register=info.sent_register or self._settings.register,
                identifier=record.check.identifier,
                sent_at=sent_at,
                max_spend=info.sent_spend or info.requested,
                claimed=self.claimed_by(record),
            )
        except LevelUpError as error:
            return Lookup(failure=error.detail)
        except AmbiguousOrder as error:
            return Lookup(failure=str(error), ambiguous=True)
        if found is not None:
            return Lookup(order=found)
        settled_at = sent_at + self._settings.settle_after
        if self._recorder.clock() < settled_at:
            return Lookup(wait_until=settled_at)
        return Lookup(absent=True)

    def reconcile_payment(
        self, record: CheckRecord, tender_id: str, recent: RecentOrders | None = None
    ) -> CheckRecord:
        """Settle a tender whose completed order may have been charged."""
        return self.settle(record, tender_id, self.look_up(record, tender_id, recent))

    def settle(self, record: CheckRecord, tender_id: str, lookup: Lookup) -> CheckRecord:
        """Record what a :class:`Lookup` found: leaves the tender as it is (or ``UNKNOWN``,
        once a completion was found interrupted) while nothing is known."""
        tender = record.tender(tender_id)
        info = record.info(tender_id)
        event = self._recorder.event
        if lookup.order is not None:
            found = lookup.order
            order = CompletedOrder(
                uuid=found.uuid,
                spend_amount=found.spend_amount or 0,
                tip_amount=found.tip_amount or 0,
                total_amount=found.total_amount or 0,
            )
            payer = found.user_display_name or ""
            return self.approved(record, tender_id, order, EventKind.RECONCILED, payer)
        if lookup.absent and record.void_requested and info.queued_at is not None:
            note = "Cancelled before LevelUp charged it: the check was voided."
            outcome = event(EventKind.RECONCILED, tender_id, outcome="absent, cancelled")
            return self.finish_void(self.declined(record, tender_id, note, outcome))
        if lookup.absent and (tender.status is _S.FORWARDING or info.queued_at is not None):
            # An offline payment whose forwarding was lost: LevelUp has none, so it waits again.
            outcome = event(EventKind.RECONCILED, tender_id, outcome="absent, queued again")
            return self.requeued(record, tender_id, outcome)
        if lookup.absent:  # presumed: LevelUp may still commit it (pos_app.engine.late)
            outcome = event(EventKind.RECONCILED, tender_id, outcome="absent, presumed not charged")
            watch = (info.sent_at or record.opened_at) + self._settings.late_watch
            return self.declined(record, tender_id, PRESUMED_NOT_CHARGED, outcome, watch)
        if lookup.ambiguous:
            note = (
                "LevelUp has more than one order this payment could be; a manager must "
                f"check them in the LevelUp dashboard ({lookup.failure})."
            )
            self._recorder.publish(
                PaymentProblem(record.check_id, tender_id, note, lookup.failure, True)
            )
        if tender.status is _S.COMPLETING:  # found interrupted: the answer is lost
            cause = lookup.failure or "not found yet"
            return self._recorder.save(
                record.with_tender(move(tender, _S.UNKNOWN)),
                event(EventKind.UNKNOWN, tender_id, cause=cause),
            )
        return record

    # ----- refunds ----------------------------------------------------------------------

    def refund(
        self, record: CheckRecord, tender_id: str, manager_confirmation: str | None
    ) -> CheckRecord:
        """Refund a LevelUp payment whole (discount, gift card, tip and payment together)."""
        tender = record.tender(tender_id)
        info = record.info(tender_id)
        assert tender.levelup is not None
        assert tender.levelup.order_uuid is not None
        record = self._recorder.save(
            record.with_tender(
                move(tender, _S.REFUNDING),
                replace(info, status_before_refund=tender.status, sent_at=self._recorder.clock()),
            ),
            self._recorder.event(
                EventKind.REFUND_SENT,
                tender_id,
                order_uuid=tender.levelup.order_uuid,
                amount=tender.amount,
                tip=tender.tip,
            ),
        )
        try:
            self._gateway.refund(tender.levelup.order_uuid, manager_confirmation)
        except LOST_ANSWER as error:
            self._recorder.publish(
                PaymentProblem(
                    record.check_id,
                    tender_id,
                    "LevelUp did not confirm the refund; the register will check.",
                    error.detail,
                )
            )
            return self.reconcile_refund(record, tender_id)
        except LevelUpError as error:
            if already_refunded(error):
                return self.refunded(record, tender_id, "already refunded at LevelUp")
            return self.refund_refused(record, tender_id, error)
        return self.refunded(record, tender_id, "refunded")

    def refunded(self, record: CheckRecord, tender_id: str, how: str) -> CheckRecord:
        tender = move(record.tender(tender_id), _S.REFUNDED)
        record = self._recorder.save(
            record.with_tender(tender),
            self._recorder.event(EventKind.REFUNDED, tender_id, how=how, returned=tender.returned),
        )
        return self.finish_void(record)

    def reconcile_refund(self, record: CheckRecord, tender_id: str) -> CheckRecord:
        """Settle a refund whose answer was lost: LevelUp's order says whether it happened;
        if not, the refund is sent again (LevelUp refuses to refund an order twice)."""
        tender = record.tender(tender_id)
        assert tender.levelup is not None
        assert tender.levelup.order_uuid is not None
        try:
            order = self._gateway.order_details(
                self._settings.merchant_id, tender.levelup.order_uuid
            )
            if order.is_refunded:
                return self.refunded(record, tender_id, "confirmed at LevelUp")
            self._gateway.refund(tender.levelup.order_uuid)
        except LevelUpError as error:
            if already_refunded(error):
                return self.refunded(record, tender_id, "already refunded at LevelUp")
            if isinstance(error, ApiError) and error.status < 500:
                return self.refund_refused(record, tender_id, error)
            return record  # LevelUp cannot be asked: still refunding
        return self.refunded(record, tender_id, "refunded again after a lost answer")

    def refund_refused(
        self, record: CheckRecord, tender_id: str, error: LevelUpError
    ) -> CheckRecord:
        """LevelUp said no to a refund: the payment stands as it was (and the check, if it was
        being voided, stays as it was), and a manager hears."""
        info = record.info(tender_id)
        before = info.status_before_refund or _S.APPROVED
        record = self._recorder.save(
            replace(
                record.with_tender(
                    move(record.tender(tender_id), before),
                    replace(info, note=error.cashier_message),
                ),
                void_requested=False,
            ),
            self._recorder.event(EventKind.REFUND_FAILED, tender_id, detail=error.detail),
        )
        self._recorder.publish(
            PaymentProblem(record.check_id, tender_id, error.cashier_message, error.detail, True)
        )
        return record

    def finish_void(self, record: CheckRecord) -> CheckRecord:
        """A check being voided is voided (refunded, once sold) when nothing on it still
        holds money or waits for LevelUp."""
        if not record.void_requested or record.state.is_final:
            return record
        if any(t.status.is_paid or not t.status.is_final for t in record.check.tenders):
            return record
        state = CheckState.REFUNDED if record.state.was_sold else CheckState.VOIDED
        return self._recorder.save(
            record.moved(state, closed_at=self._recorder.clock()),
            self._recorder.event(
                EventKind.CHECK_VOIDED,
                state=state.value,
                returned=record.check.totals.returned,
            ),
        )

    def claimed_by(self, record: CheckRecord) -> Callable[[str], bool]:
        """Whether an order is held already: by a tender of ``record``, or of another check."""
        own = {t.levelup.order_uuid for t in record.check.tenders if t.levelup is not None}
        held = self._recorder.journal.check_of_order
        return lambda uuid: uuid in own or held(uuid) not in (None, record.check_id)
