"""Who is at the register and who approved what: sign-ins, a manager's approval of one action
on one target (PIN and role checked here), and spending an approval, once, on that action.
Every attempt, refused ones included, is journaled: on its check, or in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from pos_app.engine.errors import ApprovalRequired
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import (
    APPROVAL_LIFETIME,
    ApprovalAction,
    CheckRecord,
    ManagerApproval,
)
from pos_app.engine.recorder import Recorder
from pos_app.engine.staff import NEEDED, AccessDenied, Permission, StaffDirectory, StaffMember

SETTINGS_TARGET = "settings"
"""The target of a ``CHANGE_SETTINGS`` approval."""


class Approvals:
    def __init__(
        self, recorder: Recorder, staff: StaffDirectory | None, new_id: Callable[[], str]
    ) -> None:
        self._recorder = recorder
        self._staff = staff
        self._new_id = new_id
        self._issued: dict[str, ManagerApproval] = {}
        """Approvals given here and not used yet, whole: a copy changed in any field (another
        target, say) is not one of them."""
        self._signed_in: dict[str, StaffMember] = {}
        """Who signed in at this register since it started, by id: what they may do on their
        own (give a discount) is decided by the role the engine found, never by the caller."""

    def sign_in(self, staff_id: str, pin: str) -> StaffMember:
        """A cashier (or manager) signs in at the register; every attempt is audited."""
        if self._staff is None:
            raise ApprovalRequired("This register has no staff list: nobody can sign in.")
        event = self._recorder.event
        try:
            member = self._staff.verify(staff_id, pin)
        except AccessDenied as denied:
            who = denied.staff_id_to_record(staff_id)
            self._recorder.audit(event(EventKind.SIGN_IN_REFUSED, staff_id=who, why=str(denied)))
            raise
        if not member.may(Permission.SELL):
            raise AccessDenied(f"{member.name} may not sell at this register.")
        self._recorder.audit(event(EventKind.SIGN_IN, staff_id=staff_id, role=member.role.value))
        self._signed_in[member.staff_id] = member
        return member

    def signed_in(self, staff_id: str) -> StaffMember:
        """The member ``staff_id`` as they signed in here; refused for anyone who did not."""
        member = self._signed_in.get(staff_id)
        if member is None:
            raise ApprovalRequired("Sign in at this register first.")
        return member

    def approve(
        self,
        record: CheckRecord | None,
        action: ApprovalAction,
        target: str,
        *,
        staff_id: str,
        pin: str,
        reason: str,
    ) -> ManagerApproval:
        """A manager's approval of ``action`` on ``target``; refusals are journaled on
        ``record``, or in the audit trail when it is None (a settings change)."""
        if self._staff is None:
            raise ApprovalRequired("This register has no staff list: approvals cannot be given.")
        event = self._recorder.event
        try:
            member = self._staff.verify(staff_id, pin)
        except AccessDenied as denied:
            who = denied.staff_id_to_record(staff_id)
            self._refused(
                record,
                event(EventKind.APPROVAL_REFUSED, staff_id=who, action=action, why=str(denied)),
            )
            raise ApprovalRequired(str(denied)) from None
        needed = NEEDED[action]
        if not member.may(needed):
            why = f"role {member.role}"
            self._refused(
                record,
                event(EventKind.APPROVAL_REFUSED, staff_id=staff_id, action=action, why=why),
            )
            who = "an admin" if needed is Permission.SETTINGS else "a manager"
            raise ApprovalRequired(
                f"{member.name} is a {member.role.value}: {who} must approve this."
            )
        if not reason.strip():
            raise ApprovalRequired("A manager's approval needs a reason.")
        approval = ManagerApproval(
            manager=member.label,
            action=action,
            target=target,
            reason=reason.strip(),
            approved_at=self._recorder.clock(),
            approval_id=self._new_id(),
        )
        self._issued[approval.approval_id] = approval
        return approval

    def spend(
        self,
        record: CheckRecord,
        approval: ManagerApproval | None,
        action: ApprovalAction,
        target: str,
    ) -> CheckRecord:
        """Use up ``approval`` of ``action`` on ``target``, journaled on the check."""
        return self._recorder.save(record, self.consume(approval, action, target))

    def confirm_settings_change(self, approval: ManagerApproval | None, changes: str) -> None:
        """Spend an approval of ``CHANGE_SETTINGS`` before ``changes`` (in words, for the
        audit trail) are written; raises :class:`ApprovalRequired` without one."""
        event = self.consume(approval, ApprovalAction.CHANGE_SETTINGS, SETTINGS_TARGET)
        self._recorder.audit(replace(event, data={**event.data, "changes": changes}))

    def consume(
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
        age = self._recorder.clock() - approval.approved_at
        if age > APPROVAL_LIFETIME or age < -timedelta(minutes=1):
            raise ApprovalRequired("This manager approval has expired; ask the manager again.")
        del self._issued[approval.approval_id]  # one approval, one use
        return self._recorder.event(EventKind.APPROVAL, **approval.as_data())

    def _refused(self, record: CheckRecord | None, event: JournalEvent) -> None:
        if record is None:
            self._recorder.audit(event)
        else:
            self._recorder.save(record, event)
