"""The offline queue: LevelUp payments accepted while LevelUp cannot be reached, within the
merchant's policy, and forwarded to LevelUp once it answers again.

A queued payment counts as paid; the check closes on it. Forwarding moves it to
``FORWARDING`` (journaled before the completed order is sent, so a lost answer is looked for,
never sent twice), then to what LevelUp says. A forward LevelUp declines, or one that waited
longer than the policy allows, leaves the sale owing (``BALANCE_DUE``) and tells a manager.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from pos_app.domain import LevelUpDetail, Tender, TenderStatus, format_cents, move
from pos_app.engine.errors import LOST_ANSWER, NOT_REACHED, RegisterRefusal
from pos_app.engine.eventlog import EventKind
from pos_app.engine.events import PaymentProblem
from pos_app.engine.model import CheckRecord, EngineSettings
from pos_app.engine.outcomes import Outcomes
from pos_app.engine.ports import PaymentGateway
from pos_app.engine.reconcile import implausible
from pos_app.engine.recorder import Recorder
from pos_app.levelup import qr
from pos_app.levelup.calculator import AdjustedCheckValues
from pos_app.levelup.errors import LevelUpError
from pos_app.levelup.orders import (
    OrderContext,
    completed_order_request,
    proposed_order_request,
)

Forwarded = Literal["approved", "partially_approved", "declined", "expired", "unknown"]


@dataclass
class ForwardReport:
    """What :meth:`OfflineQueue.forward` did with the offline queue."""

    approved: int = 0
    partially_approved: int = 0
    declined: int = 0
    expired: int = 0
    unknown: int = 0
    still_queued: int = 0

    def add(self, outcome: Forwarded) -> None:
        match outcome:
            case "approved":
                self.approved += 1
            case "partially_approved":
                self.partially_approved += 1
            case "declined":
                self.declined += 1
            case "expired":
                self.expired += 1
            case "unknown":
                self.unknown += 1


class OfflineQueue:
    def __init__(
        self,
        recorder: Recorder,
        outcomes: Outcomes,
        gateway: PaymentGateway,
        settings: EngineSettings,
    ) -> None:
        self._recorder = recorder
        self._outcomes = outcomes
        self._gateway = gateway
        self._settings = settings

    def accept_or_fail(
        self,
        record: CheckRecord,
        tender_id: str,
        code: qr.PaymentCode,
        values: AdjustedCheckValues,
        error: LevelUpError,
    ) -> CheckRecord:
        """LevelUp was not reached: accept the payment for later if the merchant's offline
        policy allows it, else decline it."""
        if not self._settings.offline.enabled:
            return self._outcomes.fail(record, tender_id, error)
        refusal = self.refusal(values.spend_amount)
        if refusal:
            return self._outcomes.fail(record, tender_id, RegisterRefusal(refusal, error.detail))
        tender = move(
            record.tender(tender_id),
            TenderStatus.QUEUED,
            amount=values.spend_amount,
            levelup=LevelUpDetail(),
        )
        info = replace(
            record.info(tender_id),
            queued_at=self._recorder.clock(),
            queued_spend=values.spend_amount,
            queued_tax=values.tax_amount,
            queued_exemption=values.exemption_amount,
            sent_at=None,
            note="LevelUp is offline: this payment is accepted and will be sent when it is back.",
        )
        # The code is kept (encrypted) only for payments that will be sent later.
        return self._recorder.save(
            record.with_tender(tender, info),
            self._recorder.event(
                EventKind.QUEUED_OFFLINE,
                tender_id,
                spend_amount=values.spend_amount,
                cause=error.detail,
            ),
            codes={tender_id: code.data},
            close=True,
        )

    def refusal(self, amount: int) -> str:
        """Why the offline policy refuses ``amount`` more, or ``""`` when it takes it."""
        policy = self._settings.offline
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
        """Offline payments waiting for LevelUp (being forwarded included), oldest first."""
        waiting = [
            (record, tender)
            for record in self._recorder.journal.unsettled()
            for tender in record.check.tenders
            if tender.status in (TenderStatus.QUEUED, TenderStatus.FORWARDING)
        ]
        return sorted(
            waiting, key=lambda pair: pair[0].info(pair[1].tender_id).queued_at or pair[0].opened_at
        )

    def forward(self, context: OrderContext) -> ForwardReport:
        """Send the queue to LevelUp, oldest first; stop when it is unreachable again."""
        report = ForwardReport()
        for record, tender in self.queued():
            if tender.status is not TenderStatus.QUEUED:
                continue  # being forwarded: recovery looks for its answer
            outcome = self._forward(self._recorder.load(record.check_id), tender.tender_id, context)
            if outcome is None:
                report.still_queued = len(self.queued())
                break
            report.add(outcome)
        return report

    def _forward(
        self, record: CheckRecord, tender_id: str, context: OrderContext
    ) -> Forwarded | None:
        info = record.info(tender_id)
        policy = self._settings.offline
        code_text = self._recorder.journal.code(tender_id)
        if info.queued_at is not None and self._recorder.clock() - info.queued_at > policy.max_age:
            note = (
                f"This offline LevelUp payment of {format_cents(info.queued_spend)} waited "
                "longer than the store allows and was not sent. Collect it another way."
            )
            self._given_up(record, tender_id, note, EventKind.OFFLINE_EXPIRED)
            return "expired"
        if code_text is None:
            note = "The payment code of this offline payment is missing. Collect it another way."
            self._given_up(record, tender_id, note, EventKind.OFFLINE_DECLINED)
            return "declined"
        code = qr.parse(code_text)
        values = AdjustedCheckValues(info.queued_spend, info.queued_tax, info.queued_exemption)
        context = replace(context, partial_authorization_allowed=True)
        try:
            proposal = self._gateway.propose(
                proposed_order_request(record.check, code, values, context)
            )
        except NOT_REACHED:
            return None
        except LevelUpError as error:
            self._declined(record, tender_id, error)
            return "declined"
        request = completed_order_request(
            record.check,
            code,
            values,
            context,
            proposed_order_uuid=proposal.uuid,
            applied_discount_amount=0,
        )
        sent_at = self._recorder.clock()
        record = self._recorder.save(
            record.with_tender(
                move(
                    record.tender(tender_id),
                    TenderStatus.FORWARDING,
                    levelup=LevelUpDetail(proposed_order_uuid=proposal.uuid),
                ),
                replace(
                    info,
                    sent_at=sent_at,
                    sent_spend=values.spend_amount,
                    sent_register=self._settings.register,
                ),
            ),
            self._recorder.event(
                EventKind.COMPLETION_SENT,
                tender_id,
                spend_amount=values.spend_amount,
                offline=True,
                sent_at=sent_at.isoformat(),
            ),
        )
        try:
            order = self._gateway.complete(request)
        except LOST_ANSWER:
            record = self._outcomes.reconcile_payment(record, tender_id)
            return _forwarded(record.tender(tender_id).status)
        except NOT_REACHED:
            self._outcomes.requeued(
                record,
                tender_id,
                self._recorder.event(
                    EventKind.QUEUED_OFFLINE, tender_id, spend_amount=info.queued_spend
                ),
            )
            return None
        except LevelUpError as error:
            self._declined(record, tender_id, error)
            return "declined"
        if implausible(order, values.spend_amount, self._outcomes.claimed_by(record)):
            record = self._outcomes.reconcile_payment(record, tender_id)  # looked up instead
            return _forwarded(record.tender(tender_id).status)
        record = self._outcomes.approved(record, tender_id, order, EventKind.FORWARDED)
        tender = record.tender(tender_id)
        if tender.status is TenderStatus.PARTIALLY_APPROVED:
            missing = format_cents(info.queued_spend - order.spend_amount)
            note = (
                f"LevelUp approved {format_cents(order.spend_amount)} of an offline payment of "
                f"{format_cents(info.queued_spend)}: {missing} was not collected. Check "
                f"{record.check.identifier} owes it."
            )
            self._publish(record, tender_id, note, note)
        return _forwarded(tender.status)

    def _declined(self, record: CheckRecord, tender_id: str, error: LevelUpError) -> None:
        info = record.info(tender_id)
        note = (
            f"LevelUp declined an offline payment of {format_cents(info.queued_spend)} "
            f"({error.cashier_message}). Check {record.check.identifier} owes it: collect it "
            "another way."
        )
        event = self._recorder.event(EventKind.OFFLINE_DECLINED, tender_id, detail=error.detail)
        self._outcomes.declined(record, tender_id, note, event)
        self._publish(record, tender_id, note, error.detail)

    def _given_up(self, record: CheckRecord, tender_id: str, note: str, kind: EventKind) -> None:
        self._outcomes.declined(record, tender_id, note, self._recorder.event(kind, tender_id))
        self._publish(record, tender_id, note, note)

    def _publish(self, record: CheckRecord, tender_id: str, note: str, detail: str) -> None:
        self._recorder.publish(PaymentProblem(record.check_id, tender_id, note, detail, True))


def _forwarded(status: TenderStatus) -> Forwarded:
    if status is TenderStatus.APPROVED:
        return "approved"
    if status is TenderStatus.PARTIALLY_APPROVED:
        return "partially_approved"
    if status is TenderStatus.DECLINED:
        return "declined"
    return "unknown"
