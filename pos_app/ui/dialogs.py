"""The register's small dialogs: cash with change, a card or other tender, a manager's PIN,
and a discount or fee. Each opens window-modal and reports through its own signals, so the
window never waits in a nested event loop."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from pos_app.domain import TenderKind, format_cents
from pos_app.engine import ApprovalAction, ManagerApproval
from pos_app.ui.cash_rules import far_above, quick_amounts
from pos_app.ui.problems import problem_of
from pos_app.ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.split import SplitRow
from pos_app.ui.till import Till
from pos_app.ui.widgets import (
    Keypad,
    MoneyEdit,
    button,
    cancel_and_ok,
    dialog_layout,
    label,
    radio_row,
    restyle,
)
from pos_app.ui.wording import kind_name


class CashDialog(QDialog):
    """Cash against what is due: quick amounts, a keypad, the change as it is typed. An
    amount typed far above what is due (:func:`far_above`) is taken only once confirmed."""

    tendered = Signal(int)

    def __init__(self, due: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cash")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.due = due
        self.confirming = False
        """The amount typed is far above what is due and the cashier was asked about it."""
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
            quick.addWidget(choice, index // 3, index % 3)
        layout.addLayout(quick)
        layout.addWidget(Keypad(self.amount))
        self.change = label("", "heading")
        layout.addWidget(self.change)
        _, self.ok = cancel_and_ok(self, layout, "Take cash", "cash", self._take_typed)
        self._update()
        self.amount.setFocus()

    def _update(self) -> None:
        self.confirming = False
        self.ok.setText("Take cash")
        restyle(self.change, "heading")
        cents = self.amount.cents()
        if cents is None:
            self.change.setText("Type the amount, or pick one above.")
        elif cents < self.due:
            self.change.setText(f"{format_cents(self.due - cents)} still due after this")
        else:
            self.change.setText(f"Change {format_cents(cents - self.due)}")
        self.ok.setEnabled(bool(cents))

    def _take_typed(self) -> None:
        cents = self.amount.cents()
        if cents and far_above(cents, self.due) and not self.confirming:
            self.confirming = True
            change = format_cents(cents - self.due)
            self.change.setText(
                f"Take {format_cents(cents)} for {format_cents(self.due)} due? Change {change}."
            )
            restyle(self.change, "confirm")
            self.ok.setText(f"Yes, take {format_cents(cents)}")
            return
        self._take(cents)

    def _take(self, cents: int | None) -> None:
        if cents:
            self.tendered.emit(cents)
            self.accept()


CARD_KINDS = (TenderKind.CREDIT, TenderKind.DEBIT, TenderKind.OTHER)


class CardDialog(QDialog):
    """A credit, debit or other payment taken on the card terminal: its kind (the button
    pressed, changed here with a tap), the amount (what is due; typing replaces it, for a
    split) and the tip, with a keypad for whichever of the two was tapped last."""

    paid = Signal(object, int, int)  # TenderKind, amount, tip

    def __init__(self, kind: TenderKind, due: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(kind_name(kind))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.due = due
        layout = dialog_layout(self)
        layout.addWidget(label(f"Due {format_cents(due)}", "due"))
        names = [kind_name(k) for k in CARD_KINDS]
        kinds, self.kinds = radio_row(self, names, CARD_KINDS.index(kind))
        for choice in self.kinds:
            choice.toggled.connect(lambda: self.setWindowTitle(kind_name(self.kind)))
        layout.addLayout(kinds)
        form = QFormLayout()
        self.amount = MoneyEdit()
        self.amount.suggest(due)
        self.tip = MoneyEdit()
        form.addRow("Amount", self.amount)
        form.addRow("Tip", self.tip)
        layout.addLayout(form)
        self.splitter = SplitRow(self.amount, lambda: due)  # one share of a bill split evenly
        layout.addWidget(self.splitter)
        layout.addWidget(Keypad(self.amount, also=[self.tip]))
        self.error = label("", "error")
        layout.addWidget(self.error)
        cancel_and_ok(self, layout, "Approved on the terminal", "primary", self._pay)
        self.amount.setFocus()

    @property
    def kind(self) -> TenderKind:
        """The kind of payment chosen."""
        return next(k for k, r in zip(CARD_KINDS, self.kinds, strict=True) if r.isChecked())

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
COMP_REASONS = ["Food was late or wrong", "Quality complaint", "Staff meal", "Promotion", "Other"]


def reason_box(reasons: list[str]) -> QComboBox:
    """The reasons to choose from, or type: none is chosen for the manager."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(reasons)
    box.setCurrentIndex(-1)
    line = box.lineEdit()
    if line is not None:
        line.setPlaceholderText("Choose or type the reason")
    return box


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
        reasons: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``check_id``: the check the approval is for (None: no check, a settings change);
        ``reasons``: what to offer as the reason (the manager may type another)."""
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
        self.reason = reason_box(reasons or REASONS)
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


class ReasonDialog(QDialog):
    """A reason for something that needs no manager here (a comp, when the merchant says so)."""

    chosen = Signal(str)

    def __init__(self, title: str, what: str, reasons: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self)
        layout.addWidget(label(title, "heading"))
        layout.addWidget(label(what, "subtle"))
        self.reason = reason_box(reasons)
        layout.addWidget(self.reason)
        self.error = label("", "error")
        layout.addWidget(self.error)
        _, self.ok = cancel_and_ok(self, layout, title, "primary", self._choose)

    def _choose(self) -> None:
        reason = self.reason.currentText().strip()
        if not reason:
            self.error.setText("Choose or type the reason.")
            return
        self.chosen.emit(reason)
        self.accept()


class ConfirmDialog(QDialog):
    """A yes or no: Cancel keeps things as they are; the action is :attr:`accepted`."""

    def __init__(self, title: str, question: str, action: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self, width=460)
        layout.addWidget(label(title, "heading"))
        layout.addWidget(label(question))
        self.cancel, self.ok = cancel_and_ok(self, layout, action, "danger", self.accept)
        self.cancel.setDefault(True)
        self.ok.setDefault(False)


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
        kinds, (self.as_amount, self.as_percent) = radio_row(self, ["Amount ($)", "Percent (%)"])
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
