"""Voids and refunds, with a manager's approval: one payment, or a whole check.

A LevelUp payment is refunded whole (discount, gift card, tip and payment together); cash and
card are given back at the counter; an offline payment not sent yet is cancelled. Voiding a
payment of a closed sale never reopens it for editing: the sale owes that money again
(``BALANCE_DUE``). Voiding a whole check gives every payment back; a sold check ends
``REFUNDED``, one that never closed ``VOIDED``.
"""

from __future__ import annotations

from dataclasses import replace

from pos_app.domain import TenderKind, TenderStatus, move
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.model import VOIDABLE, ApprovalAction, CheckRecord, ManagerApproval
from pos_app.engine.outcomes import Outcomes
from pos_app.engine.recorder import Recorder

_SETTLE_FIRST = (TenderStatus.UNKNOWN, TenderStatus.COMPLETING, TenderStatus.FORWARDING)


class Voids:
    def __init__(self, recorder: Recorder, outcomes: Outcomes, approvals: Approvals) -> None:
        self._recorder = recorder
        self._outcomes = outcomes
        self._approvals = approvals

    def void_tender(
        self,
        check_id: str,
        tender_id: str,
        approval: ManagerApproval | None,
        manager_confirmation: str | None,
    ) -> CheckRecord:
        record = self._recorder.load(check_id)
        why = record.why_not_voidable(tender_id)
        if why:
            raise IllegalTransition(why)
        record = self._approvals.spend(record, approval, ApprovalAction.VOID_TENDER, tender_id)
        return self._void(record, tender_id, manager_confirmation)

    def void_check(
        self, check_id: str, approval: ManagerApproval | None, manager_confirmation: str | None
    ) -> CheckRecord:
        record = self._recorder.load(check_id)
        if not record.can_void:
            raise IllegalTransition(
                f"Check {record.check.identifier} is already {record.state.value}."
            )
        record = self._approvals.spend(record, approval, ApprovalAction.VOID_CHECK, check_id)
        record = self._recorder.save(
            replace(record, void_requested=True),
            self._recorder.event(EventKind.VOID_REQUESTED, state=record.state.value),
        )
        for tender in record.check.tenders:
            if tender.status in _SETTLE_FIRST:
                record = self._outcomes.reconcile_payment(record, tender.tender_id)
            if record.tender(tender.tender_id).status in VOIDABLE:
                record = self._void(record, tender.tender_id, manager_confirmation)
            if not record.void_requested:
                break  # LevelUp refused a refund: the check stays as it was
        return self._outcomes.finish_void(record)

    def _void(
        self, record: CheckRecord, tender_id: str, manager_confirmation: str | None
    ) -> CheckRecord:
        tender = record.tender(tender_id)
        if tender.kind is TenderKind.LEVELUP and tender.status is TenderStatus.QUEUED:
            note = "Cancelled before it was sent to LevelUp: nothing was charged."
            event = self._recorder.event(
                EventKind.VOIDED, tender_id, tender_kind=tender.kind.value, amount=tender.amount
            )
            record = self._outcomes.declined(record, tender_id, note, event)
            return self._outcomes.finish_void(record)
        if tender.kind is TenderKind.LEVELUP:
            return self._outcomes.refund(record, tender_id, manager_confirmation)
        voided = move(tender, TenderStatus.VOID)
        record = self._recorder.save(
            record.with_tender(voided),
            self._recorder.event(
                EventKind.VOIDED,
                tender_id,
                tender_kind=tender.kind.value,
                amount=tender.amount,
                returned=voided.returned,
            ),
        )
        return self._outcomes.finish_void(record)
