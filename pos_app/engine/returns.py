"""Returning items of a closed sale, with a manager's approval.

The money goes back by the payments taken at the counter (:mod:`pos_app.domain.returns`):
what each gives back, the items' value and their tax share are journaled with the units
returned and who approved, on the audit trail. The sale stays closed: its totals say what
was returned. A check a LevelUp payment stands on is refunded whole instead (LevelUp refunds
whole orders only): :meth:`Engine.void_check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pos_app.domain.returns import plan_return, returned
from pos_app.engine.approvals import Approvals
from pos_app.engine.errors import IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.model import ApprovalAction, CheckRecord, ManagerApproval
from pos_app.engine.recorder import Recorder


class Returns:
    def __init__(self, recorder: Recorder, approvals: Approvals) -> None:
        self._recorder = recorder
        self._approvals = approvals

    def return_items(
        self, check_id: str, units: Mapping[int, int], approval: ManagerApproval | None
    ) -> CheckRecord:
        """Return ``units`` (line id → units) of a closed sale; the approval is used up, in
        the same commit, only once the return is known to be possible."""
        record = self._recorder.load(check_id)
        why = record.why_not_returnable()
        if why:
            raise IllegalTransition(why)
        plan = plan_return(record.check, units)
        done = replace(record, check=returned(record.check, plan))
        approved = self._approvals.consume(approval, ApprovalAction.RETURN_ITEMS, check_id)
        assert approval is not None  # consumed above
        names = {line.line_id: line.name for line in record.check.items}
        event = self._recorder.event(
            EventKind.ITEMS_RETURNED,
            lines=[
                {"line_id": line_id, "name": names[line_id], "quantity": count}
                for line_id, count in plan.units
            ],
            items=plan.items,
            tax=plan.tax,
            total=plan.total,
            given_back=[
                {"tender_id": r.tender_id, "tender_kind": r.kind.value, "amount": r.amount}
                for r in plan.refunds
            ],
            approval_id=approval.approval_id,
            manager=approval.manager,
        )
        return self._recorder.save(done, approved, event)
