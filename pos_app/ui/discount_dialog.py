"""A discount, with control: the merchant's presets (and a custom amount or percent), a reason
every time, and a manager's PIN when the engine's rules ask for one
(:mod:`pos_app.engine.discounts`): the dialog says so before anything is given."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pos_app.domain import Discount, DomainError
from pos_app.engine import ApprovalAction, DiscountRequest, EngineError
from pos_app.engine.discounts import approval_target, why_a_manager
from pos_app.engine.staff import Permission
from pos_app.ui.dialogs import AdjustDialog, reason_box
from pos_app.ui.operations import ManagerActions, Screen
from pos_app.ui.qt import QButtonGroup, QDialog, QGridLayout, QPushButton, Qt, QWidget, Signal
from pos_app.ui.widgets import button, cancel_and_ok, dialog_layout, label, restyle

DISCOUNT_REASONS = [
    "Coupon",
    "Happy hour",
    "Staff meal",
    "Regular customer",
    "Quality complaint",
    "Food was late",
    "Other",
]


class DiscountDialog(QDialog):
    """Pick a preset (or a custom discount) and a reason; :attr:`chosen` carries the request.
    What the choice needs (a manager) or why it cannot be given is said as it is made."""

    chosen = Signal(object, str)  # DiscountRequest, why a manager must approve it ("": no need)

    def __init__(self, window: Screen, line_id: int | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discount")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        till = window.till
        record = till.record
        assert record is not None  # offered only for a check on screen
        self._check, self._giver = record.check, till.cashier
        self._policy = till.engine.settings.discounts
        self._line_id = line_id
        self.request: DiscountRequest | None = None
        self._why = ""
        layout = dialog_layout(self, width=460)
        self.on = "the check" if line_id is None else self._check.item(line_id).name
        layout.addWidget(label(f"Discount {self.on}", "heading"))
        grid = QGridLayout()
        self._choices = QButtonGroup(self)
        self._nothing = QPushButton(self)  # checked while nothing is chosen; never shown
        self._nothing.setCheckable(True)
        self._nothing.setVisible(False)
        self._choices.addButton(self._nothing)
        self._nothing.setChecked(True)
        self._picked = self._nothing
        presets = [p for p in self._policy.presets if p.on_line == (line_id is not None)]
        for index, preset in enumerate(presets):
            request = DiscountRequest.of(preset, line_id)
            choice = self._choice(f"{preset.name}  {request.value}")
            choice.clicked.connect(lambda _=False, r=request, c=choice: self._pick(r, c))
            grid.addWidget(choice, index // 2, index % 2)
        manager = self._giver is None or not self._giver.may(Permission.ANY_DISCOUNT)
        self.custom = self._choice("Custom… (a manager approves)" if manager else "Custom…")
        self.custom.clicked.connect(self._ask_custom)
        grid.addWidget(self.custom, (len(presets) + 1) // 2, 0, 1, 2)
        layout.addLayout(grid)
        layout.addWidget(label("Reason", "subtle"))
        self.reason = reason_box(DISCOUNT_REASONS)
        layout.addWidget(self.reason)
        self.note = label("Choose a discount.", "subtle")
        layout.addWidget(self.note)
        _, self.ok = cancel_and_ok(self, layout, "Give discount", "primary", self._give)
        self.ok.setEnabled(False)

    def _choice(self, text: str) -> QPushButton:
        choice = button(text, "category")
        choice.setCheckable(True)
        self._choices.addButton(choice)
        return choice

    def _ask_custom(self) -> None:
        custom = AdjustDialog("Custom discount", "Discount", allow_percent=True, parent=self)
        custom.chosen.connect(self._custom_chosen)
        custom.rejected.connect(self._custom_cancelled)
        custom.finished.connect(custom.deleteLater)
        custom.open()

    def _custom_chosen(self, name: str, cents: int, percent: Decimal | None) -> None:
        try:
            request = DiscountRequest(Discount(name, cents, percent), self._line_id)
        except DomainError as refused:
            self._custom_cancelled()
            self._say(str(refused), "error")
            return
        self.custom.setText(f"Custom: {request.discount.label} {request.value}")
        self._pick(request, self.custom)

    def _custom_cancelled(self) -> None:
        self._picked.setChecked(True)  # the choice made before stays

    def _pick(self, request: DiscountRequest, choice: QPushButton) -> None:
        """Say what ``request`` needs, or why it cannot be given."""
        self.request, self._picked = request, choice
        try:
            if self._giver is None:
                raise EngineError("Sign in first.")
            self._why = why_a_manager(self._policy, self._check, request, self._giver)
        except (DomainError, EngineError) as refused:
            self.ok.setEnabled(False)
            self._say(str(refused), "error")
            return
        self.ok.setEnabled(True)
        self.ok.setText("Ask a manager" if self._why else "Give discount")
        said = f"A manager approves this. {self._why}" if self._why else f"{request.value} off."
        self._say(said, "subtle")

    def _say(self, text: str, role: str) -> None:
        self.note.setText(text)
        restyle(self.note, role)

    def _give(self) -> None:
        reason = self.reason.currentText().strip()
        if self.request is None:
            return
        if not reason:
            self._say("Choose or type the reason for this discount.", "error")
            return
        self.chosen.emit(replace(self.request, reason=reason), self._why)
        self.accept()


class Discounting:
    """What the discount buttons do: the dialog, then the engine's command, through a
    manager's approval of exactly that discount when it needs one."""

    def __init__(self, window: Screen, parent: QWidget) -> None:
        self._window = window
        self._parent = parent
        self._manager = ManagerActions(window, parent)

    def offer(self, line_id: int | None) -> None:
        """Open the dialog for line ``line_id`` (None: the check)."""
        if self._window.till.record is None:
            self._window.say("Add an item first.", bad=True)
            return
        dialog = DiscountDialog(self._window, line_id, self._parent)
        dialog.chosen.connect(lambda request, why: self._give(request, why, dialog.on))
        self._window.open_dialog(dialog)

    def _give(self, request: DiscountRequest, why: str, on: str) -> None:
        till = self._window.till
        record = till.record
        if not why or record is None:
            till.give_discount(request)
            return
        self._manager.approve_then(
            record.check_id,
            ApprovalAction.GIVE_DISCOUNT,
            approval_target(record.check_id, request),
            f"{request.discount.label}: {request.value} off {on}, for “{request.reason}”. {why}",
            lambda approval: till.give_discount(replace(request, approval=approval)),
            reasons=[request.reason],
        )
