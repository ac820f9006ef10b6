"""Late commits (red team D2): LevelUp may commit an order after the register, finding none
once the settle window had passed, declined the payment as not charged.

Such a payment is only *presumed* not charged: its order is looked for again, at every
recovery (at most every :data:`LOOK_EVERY`), until its watch ends a day after it was sent. An
order found is attached to its tender, ``CHARGED_LATE``: the money was taken but counts for
nothing until a manager keeps it as payment (while the check still owes it) or refunds it
(a void of the payment).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pos_app.domain import LevelUpDetail, TenderStatus, format_cents, move
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.events import PaymentProblem
from pos_app.engine.model import ApprovalAction, CheckRecord, EngineSettings, ManagerApproval
from pos_app.engine.outcomes import Outcomes
from pos_app.engine.ports import PaymentGateway
from pos_app.engine.reconcile import RecentOrders
from pos_app.engine.recorder import Recorder
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.wire import CompletedOrder, MerchantOrder

LOOK_EVERY = timedelta(minutes=5)
"""How often a running register looks again for a payment presumed not charged."""


class LateCharges:
    def __init__(
        self,
        recorder: Recorder,
        outcomes: Outcomes,
        approvals: Approvals,
        gateway: PaymentGateway,
        settings: EngineSettings,
    ) -> None:
        self._recorder = recorder
        self._outcomes = outcomes
        self._approvals = approvals
        self._gateway = gateway
        self._settings = settings
        self._next_look: dict[str, datetime] = {}

    def look_again(self, record: CheckRecord, recent: RecentOrders) -> tuple[CheckRecord, int]:
        """Look at LevelUp for the order of each payment of ``record`` presumed not charged;
        the record, and how many were found charged late."""
        found = 0
        now = self._recorder.clock()
        for tender in record.watched:
            tender_id = tender.tender_id
            if self._next_look.get(tender_id, now) > now:
                continue
            self._next_look[tender_id] = now + LOOK_EVERY
            lookup = self._outcomes.look_up(record, tender_id, recent)
            watch_until = record.info(tender_id).watch_until
            if lookup.order is not None:
                record = self.charged(record, tender_id, lookup.order)
                found += 1
            elif lookup.absent and watch_until is not None and now >= watch_until:
                record = self._recorder.save(
                    record.with_tender(
                        record.tender(tender_id),
                        replace(record.info(tender_id), watch_until=None),
                    ),
                    self._recorder.event(
                        EventKind.RECONCILED, tender_id, outcome="absent for a day: not charged"
                    ),
                )
        return record, found

    def charged(self, record: CheckRecord, tender_id: str, order: MerchantOrder) -> CheckRecord:
        """Attach ``order``, committed late, to the payment presumed not charged, and raise
        it to a manager."""
        tender = record.tender(tender_id)
        total = order.total_amount or 0
        note = (
            f"LevelUp charged this payment late ({format_cents(total)}, order "
            f"{order.uuid[:8]}) after the register had presumed it not charged. A manager "
            "must keep it as payment, if the check still owes it, or refund it."
        )
        detail = replace(tender.levelup or LevelUpDetail(), order_uuid=order.uuid)
        record = self._recorder.save(
            record.with_tender(
                move(tender, TenderStatus.CHARGED_LATE, levelup=detail),
                replace(record.info(tender_id), watch_until=None, note=note),
            ),
            self._recorder.event(
                EventKind.RECONCILED,
                tender_id,
                outcome="charged late",
                order_uuid=order.uuid,
                spend_amount=order.spend_amount or 0,
                tip_amount=order.tip_amount or 0,
                total_amount=total,
            ),
        )
        self._recorder.publish(PaymentProblem(record.check_id, tender_id, note, note, True))
        return record

    def keep(self, check_id: str, tender_id: str, approval: ManagerApproval | None) -> CheckRecord:
        """A manager keeps a late charge as the check's payment: LevelUp's order is read
        again (it may have been refunded meanwhile), and it must not overpay the check."""
        record = self._recorder.load(check_id)
        tender = record.tender(tender_id)
        if tender.status is not TenderStatus.CHARGED_LATE or tender.levelup is None:
            raise IllegalTransition("Only a payment LevelUp charged late can be kept.")
        uuid = tender.levelup.order_uuid or ""
        try:
            order = self._gateway.order_details(self._settings.merchant_id, uuid)
        except LevelUpError as error:
            raise IllegalTransition(
                f"LevelUp could not be asked about this payment; try again ({error.detail})."
            ) from None
        spend = order.spend_amount or 0
        owed = record.check.totals.balance_due
        if order.is_refunded:
            return self._outcomes.refunded(record, tender_id, "refunded at LevelUp")
        if not record.state.takes_payments or spend > owed:
            raise IllegalTransition(
                f"Check {record.check.identifier} owes {format_cents(owed)}: keeping this "
                f"payment of {format_cents(spend)} would overpay it. Refund it instead."
            )
        record = self._approvals.spend(record, approval, ApprovalAction.RESOLVE_TENDER, tender_id)
        completed = CompletedOrder(
            uuid=order.uuid,
            spend_amount=spend,
            tip_amount=order.tip_amount or 0,
            total_amount=order.total_amount or 0,
        )
        return self._outcomes.approved(
            record, tender_id, completed, EventKind.RECONCILED, order.user_display_name or ""
        )
