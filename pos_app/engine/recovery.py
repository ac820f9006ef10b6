"""Settling what is unfinished: at every start, in the background while the register runs,
and when a manager asks ("resolve").

Attempts that never reached a completed order charged nothing and are declined; completed
orders, forwards and refunds whose answer was lost are looked up at LevelUp, and payments
presumed not charged are looked for again (:mod:`pos_app.engine.late`). What LevelUp
cannot tell yet stays as it is, and the report says why: LevelUp could not be asked, or the
order may still appear until its settle window has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pos_app.domain import TenderStatus
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.late import LateCharges
from pos_app.engine.model import ApprovalAction, CheckRecord, EngineSettings, ManagerApproval
from pos_app.engine.outcomes import Lookup, Outcomes
from pos_app.engine.ports import PaymentGateway, StoreFindings
from pos_app.engine.reconcile import AmbiguousOrder, RecentOrders, find_order
from pos_app.engine.recorder import Recorder
from pos_app.levelup.errors import LevelUpError

_S = TenderStatus
_LOOKED_UP = (_S.COMPLETING, _S.UNKNOWN, _S.FORWARDING)
_STILL_TO_COME = (_S.COMPLETING, _S.UNKNOWN, _S.FORWARDING, _S.REFUNDING)


@dataclass
class RecoveryReport:
    """What a recovery settled, in words, and what is still to come and why."""

    resolved: list[str] = field(default_factory=list)
    still_unknown: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    """Why LevelUp could not be asked (or could not tell which order it was)."""
    wait_until: datetime | None = None
    """When the last payment not found yet is proven absent, if nothing else stops it."""

    @property
    def waiting_only(self) -> bool:
        """Everything still unknown waits only for its settle window: asking again after
        :attr:`wait_until` settles it."""
        return bool(self.still_unknown) and not self.unreachable and self.wait_until is not None


class Recovery:
    def __init__(
        self,
        recorder: Recorder,
        outcomes: Outcomes,
        approvals: Approvals,
        gateway: PaymentGateway,
        settings: EngineSettings,
        store: StoreFindings | None = None,
    ) -> None:
        self._recorder = recorder
        self._outcomes = outcomes
        self._approvals = approvals
        self._gateway = gateway
        self._settings = settings
        self._store = store
        self.late = LateCharges(recorder, outcomes, approvals, gateway, settings)
        self._told: set[str] = set()
        """Other registers' payments this register found and said so (once each)."""

    def recover(self) -> RecoveryReport:
        """Settle every tender the journal left unfinished."""
        report = RecoveryReport()
        recent = RecentOrders(self._gateway, self._settings.location_id)
        for stale in self._recorder.journal.unsettled():
            record = stale
            for tender in stale.unsettled:
                before = tender.status
                record = self._recover_tender(record, tender.tender_id, recent, report)
                after = record.tender(tender.tender_id).status
                line = (
                    f"check {record.check.identifier} {tender.kind.value} tender "
                    f"{tender.tender_id[:8]}: {before.value} → {after.value}"
                )
                if after in _STILL_TO_COME:
                    report.still_unknown.append(line)
                elif after is not before:
                    report.resolved.append(line)
            record = self._outcomes.finish_void(record)
            record, found = self.late.look_again(record, recent)
            if found:
                report.resolved.append(
                    f"check {record.check.identifier}: {found} payment(s) presumed not charged "
                    "were charged late by LevelUp; a manager must keep or refund each"
                )
        self._find_for_others(recent)
        return report

    def reconcile(
        self, check_id: str, tender_id: str, approval: ManagerApproval | None
    ) -> CheckRecord:
        """Settle one tender whose outcome is unknown (a manager's "resolve" button): asks
        LevelUp now, without waiting for the next recovery."""
        record = self._recorder.load(check_id)
        status = record.tender(tender_id).status
        if status.is_final or status is _S.QUEUED:
            raise IllegalTransition(
                f"This payment is {status.value.replace('_', ' ')}: there is nothing to check."
            )
        record = self._approvals.spend(record, approval, ApprovalAction.RESOLVE_TENDER, tender_id)
        recent = RecentOrders(self._gateway, self._settings.location_id)
        report = RecoveryReport()
        record = self._recover_tender(record, tender_id, recent, report)
        if report.unreachable:
            raise IllegalTransition(
                "LevelUp could not be asked about this payment: it is still being checked. "
                f"Try again in a minute ({report.unreachable[0]})."
            )
        return self._outcomes.finish_void(record)

    def _recover_tender(
        self, record: CheckRecord, tender_id: str, recent: RecentOrders, report: RecoveryReport
    ) -> CheckRecord:
        status = record.tender(tender_id).status
        if status in (_S.REQUESTED, _S.PROPOSED):
            note = "The register stopped before LevelUp charged anything. Take the payment again."
            event = self._recorder.event(
                EventKind.RECOVERED, tender_id, was=status.value, outcome="not charged"
            )
            return self._outcomes.declined(record, tender_id, note, event)
        if status in _LOOKED_UP:
            found = self._store.found_elsewhere(record, tender_id) if self._store else None
            if found is not None:  # another register of the store found it at LevelUp
                return self._outcomes.settle(record, tender_id, Lookup(order=found))
            lookup = self._outcomes.look_up(record, tender_id, recent)
            _note(report, lookup)
            return self._outcomes.settle(record, tender_id, lookup)
        if status is _S.REFUNDING:
            return self._outcomes.reconcile_refund(record, tender_id)
        return record

    def _find_for_others(self, recent: RecentOrders) -> None:
        """Look up, at LevelUp, the other registers' payments whose outcome is not known, and
        say each order found (a ``RECONCILED`` event of this register naming theirs): a
        register that cannot ask LevelUp itself learns it through the store server."""
        if self._store is None:
            return
        for register, record, tender_id in self._store.unknown_elsewhere():
            if tender_id in self._told:
                continue
            info = record.info(tender_id)
            try:
                order = find_order(
                    self._gateway,
                    recent,
                    merchant_id=self._settings.merchant_id,
                    register=info.sent_register or register,
                    identifier=record.check.identifier,
                    sent_at=info.sent_at or record.opened_at,
                    max_spend=info.sent_spend or info.requested,
                    claimed=self._outcomes.claimed_by(record),
                )
            except (LevelUpError, AmbiguousOrder):
                continue  # its own register, or a manager, settles it
            if order is None:
                continue
            self._told.add(tender_id)
            self._recorder.audit(
                self._recorder.event(
                    EventKind.RECONCILED,
                    None,
                    register=register,
                    check=record.check_id,
                    tender=tender_id,
                    identifier=record.check.identifier,
                    order_uuid=order.uuid,
                    spend_amount=order.spend_amount or 0,
                    tip_amount=order.tip_amount or 0,
                    total_amount=order.total_amount or 0,
                    payer=order.user_display_name or "",
                )
            )


def _note(report: RecoveryReport, lookup: Lookup) -> None:
    if lookup.failure:
        report.unreachable.append(lookup.failure)
    if lookup.wait_until is not None and (
        report.wait_until is None or lookup.wait_until > report.wait_until
    ):
        report.wait_until = lookup.wait_until
