"""A LevelUp payment: the calculator's values → proposed order → its discount applied before
tax → the calculator again → completed order → the outcome.

The customer pays with a scanned code, or by email: with the user token their permissions
request granted (:class:`~pos_app.levelup.orders.CustomerToken`), sent in the
``Authorization`` header and never journaled. A payment by email is never accepted offline:
it cannot be sent later without keeping the token, so LevelUp out of reach declines it.

The intent is committed before each request (``REQUESTED`` before the proposed order,
``COMPLETING`` before the completed order), so whatever fails afterwards the journal says what
may have happened. Cancel works until the completed order is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pos_app.domain import LevelUpDetail, Tender, TenderKind, TenderStatus, format_cents, move
from pos_app.engine.errors import LOST_ANSWER, NOT_REACHED, IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.model import CheckRecord, EngineSettings, TenderInfo
from pos_app.engine.offline import OfflineQueue
from pos_app.engine.outcomes import Outcomes
from pos_app.engine.ports import PaymentGateway
from pos_app.engine.reconcile import implausible
from pos_app.engine.recorder import Recorder
from pos_app.levelup.calculator import (
    AdjustedCheckValues,
    completed_order_values,
    proposed_order_values,
)
from pos_app.levelup.errors import InvalidResponse, LevelUpError
from pos_app.levelup.orders import (
    CustomerToken,
    OrderContext,
    Payer,
    completed_order_request,
    proposed_order_request,
    user_token,
)


class LevelUpPayments:
    def __init__(
        self,
        recorder: Recorder,
        outcomes: Outcomes,
        offline: OfflineQueue,
        gateway: PaymentGateway,
        settings: EngineSettings,
        new_id: Callable[[], str],
    ) -> None:
        self._recorder = recorder
        self._outcomes = outcomes
        self._offline = offline
        self._gateway = gateway
        self._settings = settings
        self._new_id = new_id

    def context(self, cashier: str | None, discount_only: bool) -> OrderContext:
        return OrderContext(
            location_id=self._settings.location_id,
            register=self._settings.register,
            cashier=cashier,
            receipt_message_html=self._settings.receipt_message_html,
            partial_authorization_allowed=self._settings.partial_authorization,
            discount_only=discount_only,
        )

    def pay(
        self,
        check_id: str,
        payer: Payer,
        amount: int | None,
        *,
        cashier: str | None,
        discount_only: bool,
        cancelled: Callable[[], bool],
    ) -> tuple[CheckRecord, str]:
        record = self._recorder.payable(check_id)
        due = record.check.levelup_due()
        requested = due.outstanding if amount is None else amount
        if not 0 < requested <= due.outstanding:
            raise IllegalTransition(
                f"LevelUp can pay from $0.01 to {format_cents(due.outstanding)} of this "
                f"check, not {format_cents(requested)}."
            )
        tender_id = self._new_id()
        tender = Tender(
            tender_id,
            TenderKind.LEVELUP,
            0,
            TenderStatus.REQUESTED,
            levelup=LevelUpDetail(),
            asked=requested,
        )
        by_email = payer.label if isinstance(payer, CustomerToken) else ""
        paid_with = {"by_email": by_email} if by_email else {"code": payer.masked()}
        record = self._recorder.save(
            record.with_tender(tender, TenderInfo(requested=requested, by_email=by_email)),
            self._recorder.event(
                EventKind.TENDER_REQUESTED, tender_id, requested=requested, **paid_with
            ),
        )
        values = proposed_order_values(due.outstanding, due.tax, due.exempt, requested)
        context = self.context(cashier, discount_only)
        try:
            proposal = self._gateway.propose(
                proposed_order_request(record.check, payer, values, context), user_token(payer)
            )
        except NOT_REACHED as error:
            return self._not_reached(record, tender_id, payer, values, error), tender_id
        except LevelUpError as error:
            return self._outcomes.fail(record, tender_id, error), tender_id
        if cancelled():
            note = "Cancelled: LevelUp charged nothing."
            event = self._recorder.event(EventKind.CANCELLED, tender_id)
            return self._outcomes.declined(record, tender_id, note, event), tender_id
        offer = (proposal.uuid, proposal.discount_amount)
        return self._complete(
            record, tender_id, payer, requested, offer, values, context
        ), tender_id

    def _not_reached(
        self,
        record: CheckRecord,
        tender_id: str,
        payer: Payer,
        values: AdjustedCheckValues,
        error: LevelUpError,
    ) -> CheckRecord:
        """LevelUp was not reached: a code may be accepted offline, a payment by email not."""
        if isinstance(payer, CustomerToken):
            return self._outcomes.fail(record, tender_id, error)
        return self._offline.accept_or_fail(record, tender_id, payer, values, error)

    def _complete(
        self,
        record: CheckRecord,
        tender_id: str,
        payer: Payer,
        requested: int,
        offer: tuple[str, int],
        proposed_values: AdjustedCheckValues,
        context: OrderContext,
    ) -> CheckRecord:
        """``offer``: the proposed order's uuid and the discount it offered."""
        proposed_uuid, offered = offer
        tender = record.tender(tender_id)
        detail = LevelUpDetail(discount_amount=offered, proposed_order_uuid=proposed_uuid)
        record = record.with_tender(move(tender, TenderStatus.PROPOSED, levelup=detail))
        applied = record.check.applied_levelup_discount(tender_id)
        if applied != offered:
            detail = replace(detail, discount_amount=applied)
            record = record.with_tender(replace(record.tender(tender_id), levelup=detail))
        proposed = self._recorder.event(
            EventKind.PROPOSED,
            tender_id,
            proposed_order_uuid=proposed_uuid,
            discount_offered=offered,
            discount_applied=applied,
        )
        due = record.check.levelup_due()
        values = completed_order_values(due.outstanding, due.tax, due.exempt, requested, applied)
        request = completed_order_request(
            record.check,
            payer,
            values,
            context,
            proposed_order_uuid=proposed_uuid,
            applied_discount_amount=applied,
        )
        sent_at = self._recorder.clock()
        info = replace(
            record.info(tender_id),
            sent_at=sent_at,
            sent_register=self._settings.register,
            sent_spend=values.spend_amount,
            note="",
        )
        # The proposal's outcome and the completion's intent go in one commit, before the
        # completed order is sent.
        record = self._recorder.save(
            record.with_tender(
                move(
                    record.tender(tender_id),
                    TenderStatus.COMPLETING,
                    asked=max(0, values.spend_amount - applied),
                ),
                info,
            ),
            proposed,
            self._recorder.event(
                EventKind.COMPLETION_SENT,
                tender_id,
                spend_amount=values.spend_amount,
                tax_amount=values.tax_amount,
                exemption_amount=values.exemption_amount,
                applied_discount_amount=applied,
                sent_at=sent_at.isoformat(),
            ),
        )
        try:
            order = self._gateway.complete(request, user_token(payer))
        except LOST_ANSWER as error:
            return self._outcomes.unknown(record, tender_id, error)
        except NOT_REACHED as error:
            return self._not_reached(record, tender_id, payer, proposed_values, error)
        except LevelUpError as error:
            return self._outcomes.fail(record, tender_id, error)
        doubt = implausible(order, values.spend_amount, self._outcomes.claimed_by(record))
        if doubt:  # a hostile or broken answer: what LevelUp did is looked up
            unbelieved = InvalidResponse(200, doubt, b"", what="POST /v15/completed_orders")
            return self._outcomes.unknown(record, tender_id, unbelieved)
        return self._outcomes.approved(record, tender_id, order, EventKind.APPROVED)
