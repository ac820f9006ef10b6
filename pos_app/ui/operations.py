"""The manager's actions, from the register window and from history alike: void a payment,
void (or refund) a check, comp a $0 check, resolve an unknown payment. Each asks for a
manager's PIN only once it is clear the action can be done, and says exactly what money goes
back; the till says when it went through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pos_app.engine import ApprovalAction, CheckRecord, ManagerApproval
from pos_app.ui.check_view import CheckView
from pos_app.ui.dialogs import COMP_REASONS, ConfirmDialog, ManagerDialog, ReasonDialog
from pos_app.ui.qt import QDialog, QWidget
from pos_app.ui.till import Till
from pos_app.ui.wording import tender_text, void_check_prompt, void_prompt


class Screen(Protocol):
    """What the manager's actions need of the screen they are taken at (the register
    window): its till, the check on show, a line to tell, and the way it opens dialogs."""

    @property
    def till(self) -> Till: ...
    @property
    def check_view(self) -> CheckView: ...
    def say(self, text: str, *, bad: bool = False) -> None: ...
    def open_dialog(self, dialog: QDialog) -> None: ...


class ManagerActions:
    def __init__(self, window: Screen, parent: QWidget) -> None:
        """``parent``: the widget the manager's dialogs open over (the window itself)."""
        self._window = window
        self._parent = parent
        self._till = window.till

    def approve_then(
        self,
        check_id: str | None,
        action: ApprovalAction,
        target: str,
        what: str,
        then: Callable[[ManagerApproval], None],
        *,
        reasons: list[str] | None = None,
    ) -> ManagerDialog:
        """Ask for a manager's PIN, then ``then(approval)``; ``check_id`` is the check it is
        for (None: no check, a settings change)."""
        dialog = ManagerDialog(
            self._till, action, target, what, check_id, reasons=reasons, parent=self._parent
        )
        dialog.approved.connect(then)
        self._window.open_dialog(dialog)
        return dialog

    def void_selected_payment(self) -> None:
        """Void the payment selected in the check (or its only voidable one), after a
        manager's approval; what cannot be voided is said before any PIN is asked."""
        record = self._till.record
        if record is None:
            self._window.say("There is no check on screen.", bad=True)
            return
        line = self._window.check_view.selected()
        if line is not None and line.kind == "tender":
            tender_id = str(line.key)
        elif len(record.voidable) == 1:
            tender_id = record.voidable[0].tender_id
        else:
            self._window.say("Select the payment to void in the check first.", bad=True)
            return
        why = record.why_not_voidable(tender_id)
        if why:
            self._window.say(why, bad=True)
            return
        check_id = record.check_id
        self.approve_then(
            check_id,
            ApprovalAction.VOID_TENDER,
            tender_id,
            void_prompt(record, record.tender(tender_id)),
            lambda approval: self._till.void_tender(check_id, tender_id, approval),
        )

    def void_this_check(self) -> None:
        record = self._till.record
        if record is None:
            self._window.say("There is no check to void.", bad=True)
            return
        self.void_or_refund(record)

    def void_or_refund(self, record: CheckRecord) -> None:
        """Void a check; its payments are given back (LevelUp's refunded through LevelUp)."""
        if not record.can_void:
            self._window.say(
                f"Check {record.check.identifier} is already {record.state.value}.", bad=True
            )
            return
        check_id = record.check_id
        self.approve_then(
            check_id,
            ApprovalAction.VOID_CHECK,
            check_id,
            void_check_prompt(record),
            lambda approval: self._till.void_check(check_id, approval),
        )

    def comp_this_check(self) -> None:
        """Close a check that comes to $0.00, with a reason (and a manager, if the merchant
        asks for one)."""
        record = self._till.record
        if record is None:
            return
        what = (
            f"Comp check {record.check.identifier}: its items come to $0.00 and it closes with "
            "nothing paid."
        )
        if self._till.engine.settings.comp_needs_approval:
            self.approve_then(
                record.check_id,
                ApprovalAction.COMP_CHECK,
                record.check_id,
                what,
                lambda approval: self._till.comp(approval.reason, approval),
                reasons=COMP_REASONS,
            )
        else:
            dialog = ReasonDialog("Comp", what, COMP_REASONS, self._parent)
            dialog.chosen.connect(lambda reason: self._till.comp(reason, None))
            self._window.open_dialog(dialog)

    def resolve(self, record: CheckRecord) -> None:
        """Ask LevelUp now about the check's unknown payment; for a payment LevelUp charged
        late, keep it as payment (while the check owes) or refund it."""
        late = next(iter(record.charged_late), None)
        if late is not None:
            self._late_charge(record, late.tender_id)
            return
        tender = next(iter(record.resolvable), None)
        if tender is None:
            self._window.say(f"Check {record.check.identifier} has no unknown payment.", bad=True)
            return
        check_id, tender_id = record.check_id, tender.tender_id
        self.approve_then(
            check_id,
            ApprovalAction.RESOLVE_TENDER,
            tender_id,
            f"Ask LevelUp now what became of the payment on check {record.check.identifier} "
            f"({tender_text(tender)}).",
            lambda approval: self._till.resolve(check_id, tender_id, approval),
        )

    def _late_charge(self, record: CheckRecord, tender_id: str) -> None:
        check_id, note = record.check_id, record.info(tender_id).note
        if record.state.takes_payments:
            title, action = "Keep the late payment?", "Keep as payment"
            question = f"{note} Keep it as this check's payment? (Void it instead to refund it.)"
        else:
            title, action = "Refund the late payment?", "Refund it"
            question = f"{note} Check {record.check.identifier} owes nothing: refund it?"
        confirm = ConfirmDialog(title, question, action, self._parent)
        if record.state.takes_payments:
            confirm.accepted.connect(
                lambda: self.approve_then(
                    check_id,
                    ApprovalAction.RESOLVE_TENDER,
                    tender_id,
                    f"Keep the payment LevelUp charged late on check {record.check.identifier}.",
                    lambda approval: self._till.keep_late(check_id, tender_id, approval),
                )
            )
        else:
            confirm.accepted.connect(
                lambda: self.approve_then(
                    check_id,
                    ApprovalAction.VOID_TENDER,
                    tender_id,
                    void_prompt(record, record.tender(tender_id)),
                    lambda approval: self._till.void_tender(check_id, tender_id, approval),
                )
            )
        self._window.open_dialog(confirm)
