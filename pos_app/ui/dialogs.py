"""The register's small dialogs: cash with change, a card or other tender, a manager's PIN,
and a discount or fee. Each opens window-modal and reports through its own signals, so the
window never waits in a nested event loop."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from pos_app.domain import TenderKind, format_cents
from pos_app.engine import ApprovalAction, ManagerApproval
from pos_app.ui.check_view import kind_name
from pos_app.ui.till import Till, problem_of
from pos_app.ui.widgets import Keypad, MoneyEdit, button, cancel_and_ok, dialog_layout, label


class CashDialog(QDialog):
    """Cash against what is due: quick amounts, a keypad, the change as it is typed."""

    tendered = Signal(int)

    def __init__(self, due: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cash")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.due = due
        layout = dialog_layout(self)
        layout.addWidget(label(f"Due {format_cents(due)}", "due"))
        self.amount = MoneyEdit()
        self.amount.textChanged.connect(self._update)
        layout.addWidget(label("Cash handed over", "subtle"))
        layout.addWidget(self.amount)
        quick = QGridLayout()
        for index, cents in enumerate(quick_amounts(due)):
            choice = button("Exact" if cents == due else format_cents(cents))
            choice.clicked.connect(lambda _=False, c=cents: self._take(c))
            quick.addWidget(choice, 0, index)
        layout.addLayout(quick)
        layout.addWidget(Keypad(self.amount))
        self.change = label("", "heading")
        layout.addWidget(self.change)
        _, self.ok = cancel_and_ok(
            self, layout, "Take cash", "cash", lambda: self._take(self.amount.cents())
        )
        self._update()
        self.amount.setFocus()

    def _update(self) -> None:
        cents = self.amount.cents()
        if cents is None:
            self.change.setText("Type the amount, or pick one above.")
        elif cents < self.due:
            self.change.setText(f"{format_cents(self.due - cents)} still due after this")
        else:
            self.change.setText(f"Change {format_cents(cents - self.due)}")
        self.ok.setEnabled(bool(cents))

    def _take(self, cents: int | None) -> None:
        if cents:
            self.tendered.emit(cents)
            self.accept()


def quick_amounts(due: int) -> list[int]:
    """What customers hand over: the exact amount, the next dollar, and the next notes."""
    amounts = [due, -(-due // 100) * 100]
    amounts += [note for note in (500, 1000, 2000, 5000, 10000) if note > due][:3]
    return sorted(set(amounts))


class CardDialog(QDialog):
    """A credit, debit or other payment taken on the card terminal (amount and tip)."""

    paid = Signal(object, int, int)  # TenderKind, amount, tip

    def __init__(self, kind: TenderKind, due: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = kind_name(kind)
        self.setWindowTitle(name)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.kind, self.due = kind, due
        layout = dialog_layout(self)
        layout.addWidget(label(f"{name}: {format_cents(due)} due", "heading"))
        form = QFormLayout()
        self.amount = MoneyEdit()
        self.amount.set_cents(due)
        self.tip = MoneyEdit()
        form.addRow("Amount", self.amount)
        form.addRow("Tip", self.tip)
        layout.addLayout(form)
        self.error = label("", "error")
        layout.addWidget(self.error)
        cancel_and_ok(self, layout, "Approved on the terminal", "primary", self._pay)

    def _pay(self) -> None:
        amount = self.amount.cents()
        tip = self.tip.cents() if self.tip.text().strip() else 0
        if not amount or amount > self.due:
            self.error.setText(f"The amount must be from $0.01 to {format_cents(self.due)}.")
        elif tip is None:
            self.error.setText("The tip is not an amount; type it like 2.50.")
        else:
            self.paid.emit(self.kind, amount, tip)
            self.accept()


REASONS = ["Customer changed their mind", "Wrong item rung up", "Charged twice", "Other"]


class ManagerDialog(QDialog):
    """A manager approves with their id and PIN; a wrong PIN is said here and the dialog
    stays for another try. :attr:`approved` carries the engine's approval."""

    approved = Signal(object)  # ManagerApproval

    def __init__(
        self,
        till: Till,
        action: ApprovalAction,
        target: str,
        what: str,
        check_id: str | None,
        *,
        parent: QWidget | None = None,
    ) -> None:
        """``check_id``: the check the approval is for (None: no check, a settings change)."""
        super().__init__(parent)
        self.setWindowTitle("Manager approval")
        self.checking = False
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._till, self._action, self._target, self._check_id = till, action, target, check_id
        layout = dialog_layout(self)
        layout.addWidget(label("Manager approval", "heading"))
        layout.addWidget(label(what, "subtle"))
        form = QFormLayout()
        self.staff_id = QLineEdit()
        self.staff_id.setPlaceholderText("Manager id")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN")
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(REASONS)
        form.addRow("Manager", self.staff_id)
        form.addRow("PIN", self.pin)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        layout.addWidget(Keypad(self.pin))
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.cancel, self.ok = cancel_and_ok(self, layout, "Approve", "primary", self._approve)
        self.staff_id.setFocus()

    def _approve(self) -> None:
        self.ok.setEnabled(False)
        self.error.setText("Checking…")
        self.checking = True
        self.cancel.setEnabled(False)
        self._till.approve(
            self._check_id,
            self._action,
            self._target,
            self.staff_id.text().strip(),
            self.pin.text(),
            self.reason.currentText(),
            self._done,
            self._refused,
            owner=self,
        )

    def _done(self, approval: ManagerApproval) -> None:
        self.checking = False
        self.approved.emit(approval)
        self.accept()

    def reject(self) -> None:
        """Cancel (or Escape), but not while the PIN is being checked: an approval given
        then would be used after the manager cancelled."""
        if not self.checking:
            super().reject()

    def _refused(self, error: Exception) -> None:
        self.checking = False
        self.cancel.setEnabled(True)
        self.ok.setEnabled(True)
        self.error.setText(problem_of(error).message)
        self.pin.clear()
        self.pin.setFocus()


class AdjustDialog(QDialog):
    """A discount (amount or percent) or a fee (amount), with its name."""

    chosen = Signal(str, int, object)  # name, cents, percent (Decimal | None)

    def __init__(
        self, title: str, name: str, *, allow_percent: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self)
        layout.addWidget(label(title, "heading"))
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.value = QLineEdit()
        self.value.setPlaceholderText("0.00")
        form.addRow("Name", self.name)
        form.addRow("Value", self.value)
        layout.addLayout(form)
        kinds = QHBoxLayout()
        self.as_amount = QRadioButton("Amount ($)")
        self.as_percent = QRadioButton("Percent (%)")
        self.as_amount.setChecked(True)
        group = QButtonGroup(self)
        for choice in (self.as_amount, self.as_percent):
            group.addButton(choice)
            kinds.addWidget(choice)
        self.as_percent.setVisible(allow_percent)
        self.as_amount.setVisible(allow_percent)
        layout.addLayout(kinds)
        layout.addWidget(Keypad(self.value))
        self.error = label("", "error")
        layout.addWidget(self.error)
        cancel_and_ok(self, layout, "Add", "primary", self._add)
        self.value.setFocus()

    def _add(self) -> None:
        text = self.value.text().strip()
        if self.as_percent.isChecked():
            try:
                percent = Decimal(text)
            except InvalidOperation:
                percent = Decimal(-1)
            if not 0 < percent <= 100:
                self.error.setText("A percent is a number from 0.01 to 100.")
                return
            self.chosen.emit(self.name.text(), 0, percent)
        else:
            cents = MoneyEdit.cents_of(text)
            if not cents:
                self.error.setText("Type an amount like 2.50.")
                return
            self.chosen.emit(self.name.text(), cents, None)
        self.accept()


class SignInDialog(QDialog):
    """A cashier signs in with their id and PIN before selling."""

    def __init__(self, till: Till, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._till = till
        layout = dialog_layout(self)
        layout.addWidget(label("Sign in to sell", "heading"))
        if hint:
            layout.addWidget(label(hint, "banner"))
        form = QFormLayout()
        self.staff_id = QLineEdit()
        self.staff_id.setPlaceholderText("Staff id")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN")
        form.addRow("Staff id", self.staff_id)
        form.addRow("PIN", self.pin)
        layout.addLayout(form)
        layout.addWidget(Keypad(self.pin))
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.ok = button("Sign in", "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._sign_in)
        layout.addWidget(self.ok)
        till.cashier_changed.connect(self._signed_in)
        self.staff_id.setFocus()

    def _sign_in(self) -> None:
        self.ok.setEnabled(False)
        self.error.setText("Checking…")
        self._till.sign_in(self.staff_id.text().strip(), self.pin.text(), self._refused, owner=self)

    def _signed_in(self, member: object) -> None:
        if member is not None:
            self._till.cashier_changed.disconnect(self._signed_in)
            self.accept()

    def _refused(self, error: Exception) -> None:
        self.ok.setEnabled(True)
        self.error.setText(problem_of(error).message)
        self.pin.clear()
        self.pin.setFocus()

    def reject(self) -> None:
        """Nobody sells without signing in: Escape does not close this."""
