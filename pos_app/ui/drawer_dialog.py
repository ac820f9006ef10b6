"""The cash drawer's actions (the "Drawer" menu): no sale, cash paid in or out, and the cash
the drawer should hold today.

A no-sale needs a reason; a pay-in or pay-out an amount and a reason, then a manager's
approval of exactly that (the window's usual approval dialog). Each is recorded on the engine
lane (and so on the audit trail) before the drawer opens and its slip prints.
"""

from __future__ import annotations

from collections.abc import Callable

from pos_app.domain import DomainError, format_cents
from pos_app.engine import (
    DRAWER_TARGET,
    ApprovalAction,
    DrawerCash,
    DrawerMovement,
    EngineError,
    EventKind,
    ManagerApproval,
)
from pos_app.engine.drawer import drawer_amount, drawer_reason
from pos_app.engine.shifts import Shift
from pos_app.engine.staff import StaffMember
from pos_app.receipts import ReceiptKind
from pos_app.ui.dialogs import ReasonDialog, reason_box
from pos_app.ui.operations import ManagerActions, Screen
from pos_app.ui.qt import QDialog, QGridLayout, QLabel, Qt, QWidget, Signal
from pos_app.ui.receipt_flow import ReceiptFlow
from pos_app.ui.shift_dialog import shift_words
from pos_app.ui.widgets import Keypad, MoneyEdit, button, cancel_and_ok, dialog_layout, label

NO_SALE_REASONS = ["Change for a customer", "Counting the float", "Wrong tender", "Other"]
PAY_REASONS = {
    EventKind.PAID_IN: ["Float top-up", "Change from the bank", "Other"],
    EventKind.PAID_OUT: ["Supplies bought", "Delivery paid in cash", "Tip payout", "Other"],
}
_WORDS = {
    EventKind.NO_SALE: ("No sale", ReceiptKind.NO_SALE),
    EventKind.PAID_IN: ("Paid in", ReceiptKind.PAID_IN),
    EventKind.PAID_OUT: ("Paid out", ReceiptKind.PAID_OUT),
}
_ACTIONS = {EventKind.PAID_IN: ApprovalAction.PAY_IN, EventKind.PAID_OUT: ApprovalAction.PAY_OUT}


class CashMoveDialog(QDialog):
    """How much cash goes into (or out of) the drawer, and why; :attr:`chosen` carries both
    once the engine's own rules accept them."""

    chosen = Signal(int, str)  # cents, reason

    def __init__(self, kind: EventKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        title = _WORDS[kind][0]
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self)
        layout.addWidget(label(title, "heading"))
        into = "put into" if kind is EventKind.PAID_IN else "taken out of"
        layout.addWidget(label(f"Cash {into} the drawer; a manager approves it.", "subtle"))
        self.amount = MoneyEdit()
        layout.addWidget(self.amount)
        layout.addWidget(Keypad(self.amount))
        layout.addWidget(label("Reason", "subtle"))
        self.reason = reason_box(PAY_REASONS[kind])
        layout.addWidget(self.reason)
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.cancel, self.ok = cancel_and_ok(self, layout, "Ask a manager", "primary", self._ok)
        self.amount.setFocus()

    def _ok(self) -> None:
        what = _WORDS[self.kind][0]
        try:
            cents = drawer_amount(self.amount.cents() or 0, what)
            reason = drawer_reason(self.reason.currentText(), what)
        except (DomainError, EngineError) as refused:
            self.error.setText(str(refused))
            return
        self.chosen.emit(cents, reason)
        self.accept()


class DrawerCashDialog(QDialog):
    """What the drawer should hold today, its parts, and the day's drawer movements."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drawer cash")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self, width=520)
        self.heading = label("Drawer cash today", "heading")
        layout.addWidget(self.heading)
        self.parts = QGridLayout()
        layout.addLayout(self.parts)
        self.expected = label("Counting…", "due")
        layout.addWidget(self.expected)
        self.movements = label("", "subtle")
        layout.addWidget(self.movements)
        close = button("Close", "primary", shortcut="Esc")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close)

    def show_cash(self, figures: tuple[DrawerCash, list[DrawerMovement], Shift | None]) -> None:
        cash, movements, shift = figures
        self.heading.setText(f"Drawer cash, {cash.day:%A %d %B}")
        rows = [
            ("Opening (the shift's float)" if shift else "Opening", cash.opening, None),
            ("Cash taken", cash.taken.amount, cash.taken.count),
            ("Cash given back", -cash.given_back.amount, cash.given_back.count),
            ("Paid in", cash.paid_in.amount, cash.paid_in.count),
            ("Paid out", -cash.paid_out.amount, cash.paid_out.count),
        ]
        for row, (name, cents, count) in enumerate(rows):
            times = "" if count is None else f"({count})"
            for column, text in enumerate((name, times, format_cents(cents))):
                cell = QLabel(text)
                if column:
                    cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                self.parts.addWidget(cell, row, column)
        self.expected.setText(f"Expected in the drawer {format_cents(cash.expected)}")
        lines = [f"{shift_words(shift)}." if shift else "No shift is open."]
        lines.append(f"No-sales today: {cash.no_sales}")
        for movement in movements:
            amount = f" {format_cents(movement.amount)}" if movement.amount else ""
            approved = f", approved by {movement.manager}" if movement.manager else ""
            lines.append(
                f"{movement.at.astimezone():%H:%M}  {_WORDS[movement.kind][0].lower()}{amount}"
                f" — {movement.cashier}{approved}: {movement.reason}"
            )
        self.movements.setText("\n".join(lines))


class DrawerActions:
    """What the "Drawer" menu does: the dialogs, the engine's commands on its lane, then the
    drawer and the slip through the receipts."""

    def __init__(
        self, window: Screen, operations: ManagerActions, receipts: ReceiptFlow, parent: QWidget
    ) -> None:
        self._window, self._operations, self._receipts = window, operations, receipts
        self._parent = parent
        self._till = window.till

    def no_sale(self) -> None:
        if self._signed_in() is None:
            return
        dialog = ReasonDialog(
            "No sale",
            "Open the cash drawer without a sale. Every no-sale is on the audit trail.",
            NO_SALE_REASONS,
            self._parent,
        )
        dialog.chosen.connect(self._no_sale)
        self._window.open_dialog(dialog)

    def pay_in(self) -> None:
        self._pay(EventKind.PAID_IN)

    def pay_out(self) -> None:
        self._pay(EventKind.PAID_OUT)

    def drawer_cash(self) -> None:
        dialog = DrawerCashDialog(self._parent)
        self._window.open_dialog(dialog)
        drawer, day = self._till.engine.drawer, self._till.engine.days.today()
        shifts = self._till.engine.shifts

        def figures() -> tuple[DrawerCash, list[DrawerMovement], Shift | None]:
            shift = shifts.current()
            if shift is None:
                return drawer.expected_cash(day), drawer.movements(day), None
            # The open shift's own cash: its float and what moved since it opened.
            return shifts.expected(shift).drawer, drawer.movements(day), shift

        self._till.lane.run(
            figures,
            dialog.show_cash,
            self._till.fail,
            owner=dialog,
        )

    def _no_sale(self, reason: str) -> None:
        cashier = self._signed_in()
        if cashier is not None:
            self._record(
                EventKind.NO_SALE,
                lambda: self._till.engine.drawer.no_sale(cashier, reason),
                cashier,
            )

    def _pay(self, kind: EventKind) -> None:
        if self._signed_in() is None:
            return
        dialog = CashMoveDialog(kind, self._parent)
        dialog.chosen.connect(lambda cents, reason: self._approve(kind, cents, reason))
        self._window.open_dialog(dialog)

    def _approve(self, kind: EventKind, cents: int, reason: str) -> None:
        way = "into" if kind is EventKind.PAID_IN else "out of"
        self._operations.approve_then(
            None,
            _ACTIONS[kind],
            DRAWER_TARGET,
            f"{_WORDS[kind][0]}: {format_cents(cents)} {way} the drawer, for “{reason}”.",
            lambda approval: self._paid(kind, cents, reason, approval),
            reasons=[reason],
        )

    def _paid(self, kind: EventKind, cents: int, reason: str, approval: ManagerApproval) -> None:
        cashier = self._signed_in()
        if cashier is None:
            return
        drawer = self._till.engine.drawer
        pay = drawer.pay_in if kind is EventKind.PAID_IN else drawer.pay_out
        self._record(kind, lambda: pay(cashier, cents, reason, approval), cashier)

    def _record(
        self, kind: EventKind, job: Callable[[], DrawerMovement], cashier: StaffMember
    ) -> None:
        title, slip = _WORDS[kind]

        def done(movement: DrawerMovement) -> None:
            amount = f" {format_cents(movement.amount)}" if movement.amount else ""
            opens = ": the drawer opens" if self._receipts.kicks_drawer else ""
            self._window.say(f"{title}{amount} recorded ({movement.reason}){opens}.")
            self._receipts.drawer_moved(movement, slip, cashier.name)

        self._till.lane.run(job, done, self._till.fail)

    def _signed_in(self) -> StaffMember | None:
        cashier = self._till.cashier
        if cashier is None:
            self._window.say("Sign in first.", bad=True)
        return cashier
