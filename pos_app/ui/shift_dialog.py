"""Shifts at the window (the "Drawer" menu): open one with a starting float, close it by
counting the drawer by denomination.

The close dialog shows what the drawer should hold (from the engine, as the dialog opens), the
count as it is typed, and the difference, green when even and red when over or short; a count
that is over or short goes to a manager's approval (the window's usual dialog) before the
engine records it. After the close, the shift's slip prints when a printer is set.
"""

from __future__ import annotations

from pos_app.domain import DomainError, format_cents
from pos_app.engine import SHIFT_TARGET, ApprovalAction, EngineError, ManagerApproval
from pos_app.engine.shifts import (
    DENOMINATIONS,
    LOOSE,
    MAX_QUANTITY,
    Shift,
    ShiftCash,
    ShiftClose,
    Shifts,
    counted_cents,
    drawer_count,
    over_short_words,
    shift_float,
)
from pos_app.engine.staff import StaffMember
from pos_app.ui.operations import ManagerActions, Screen
from pos_app.ui.qt import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QIntValidator,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.receipt_flow import ReceiptFlow
from pos_app.ui.widgets import Keypad, MoneyEdit, cancel_and_ok, dialog_layout, label, restyle

CLOSE_REASONS = ["Counted twice: the difference stands", "Change given wrong", "Other"]
_COINS = 4
"""The last of :data:`DENOMINATIONS` are coins, shown in their own column."""


def denomination_name(cents: int) -> str:
    """``$20`` for a bill, ``25¢`` for a coin."""
    return f"${cents // 100}" if cents >= 100 else f"{cents}¢"


def shift_words(shift: Shift) -> str:
    """Who opened ``shift``, when, and its float."""
    return (
        f"Shift of {shift.cashier} since {shift.opened_at.astimezone():%H:%M}, "
        f"float {format_cents(shift.float_cents)}"
    )


class OpenShiftDialog(QDialog):
    """The starting float, typed or tapped; :attr:`chosen` carries it once it is one."""

    chosen = Signal(int)  # cents

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open shift")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self)
        layout.addWidget(label("Open shift", "heading"))
        layout.addWidget(label("Count the starting float into the drawer.", "subtle"))
        self.amount = MoneyEdit()
        layout.addWidget(self.amount)
        layout.addWidget(Keypad(self.amount))
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.cancel, self.ok = cancel_and_ok(self, layout, "Open shift", "primary", self._ok)
        self.amount.setFocus()

    def _ok(self) -> None:
        cents = self.amount.cents()
        if cents is None:
            self.error.setText("Type the float: 0.00 if the drawer starts empty.")
            return
        try:
            shift_float(cents)
        except DomainError as refused:
            self.error.setText(str(refused))
            return
        self.chosen.emit(cents)
        self.accept()


class CloseShiftDialog(QDialog):
    """The drawer counted by denomination, with what it should hold and the difference, live;
    :attr:`chosen` carries the count and the difference once the engine's rules accept it."""

    chosen = Signal(object, int)  # {denomination: quantity}, over/short in cents

    def __init__(self, cash: ShiftCash, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cash = cash
        self.setWindowTitle("Close shift")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = dialog_layout(self, width=860)
        layout.addWidget(label("Close shift: count the drawer", "heading"))
        layout.addWidget(label(shift_words(cash.shift), "subtle"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setColumnMinimumWidth(3, 24)  # between the bills and the coins
        self.quantities: dict[int, QLineEdit] = {}
        self._amounts: dict[int, QLabel] = {}
        for index, denomination in enumerate(DENOMINATIONS):
            coin = index >= len(DENOMINATIONS) - _COINS
            row, column = (index - len(DENOMINATIONS) + _COINS, 4) if coin else (index, 0)
            self._row(grid, denomination, row, column)
        grid.addWidget(QLabel("Loose coin"), _COINS, 4)
        self.loose = MoneyEdit()
        self.loose.setProperty("role", "")  # as the quantities look
        self.loose.setMaximumWidth(110)
        self.loose.textChanged.connect(self._recount)
        grid.addWidget(self.loose, _COINS, 5, 1, 2)
        top = QHBoxLayout()
        top.addLayout(grid, 3)
        first = self.quantities[DENOMINATIONS[0]]
        others = [*list(self.quantities.values())[1:], self.loose]
        top.addWidget(Keypad(first, also=others), 2)
        layout.addLayout(top)
        figures = QHBoxLayout()
        self.expected = label("", "heading")
        self.counted = label("", "heading")
        for name, value in (("Expected", self.expected), ("Counted", self.counted)):
            figures.addWidget(QLabel(name))
            value.setText(format_cents(cash.expected))
            figures.addWidget(value)
            figures.addSpacing(24)
        figures.addStretch()
        self.difference = label("", "outcome-ok")
        self.difference.setWordWrap(False)
        figures.addWidget(self.difference)
        layout.addLayout(figures)
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.cancel, self.ok = cancel_and_ok(self, layout, "Close shift", "primary", self._ok)
        self._recount()
        first.setFocus()

    def _row(self, grid: QGridLayout, denomination: int, row: int, column: int) -> None:
        field = QLineEdit()
        field.setValidator(QIntValidator(0, MAX_QUANTITY, field))
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        field.setPlaceholderText("0")
        field.setMaximumWidth(80)
        field.setAccessibleName(f"How many {denomination_name(denomination)}")
        field.textChanged.connect(self._recount)
        amount = QLabel(format_cents(0))
        amount.setMinimumWidth(70)
        amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(QLabel(denomination_name(denomination)), row, column)
        grid.addWidget(field, row, column + 1)
        grid.addWidget(amount, row, column + 2)
        self.quantities[denomination] = field
        self._amounts[denomination] = amount

    def counts(self) -> dict[int, int]:
        """The count as typed (a loose amount that is not one counts as nothing)."""
        counts = {d: int(f.text()) for d, f in self.quantities.items() if f.text().isdigit()}
        return {**counts, LOOSE: self.loose.cents() or 0}

    def _recount(self) -> None:
        counts = self.counts()
        for denomination, amount in self._amounts.items():
            amount.setText(format_cents(denomination * counts.get(denomination, 0)))
        counted = counted_cents(counts)
        difference = counted - self.cash.expected
        self.counted.setText(format_cents(counted))
        self.difference.setText(f"The drawer is {over_short_words(difference)}")
        restyle(self.difference, "outcome-bad" if difference else "outcome-ok")

    def _ok(self) -> None:
        if self.loose.text().strip() and self.loose.cents() is None:
            self.error.setText("The loose coin is not an amount.")
            return
        try:
            counts = drawer_count(self.counts())
        except (DomainError, EngineError) as refused:
            self.error.setText(str(refused))
            return
        self.chosen.emit(counts, counted_cents(counts) - self.cash.expected)
        self.accept()


class ShiftActions:
    """What the "Drawer" menu's shift entries do: the dialogs, the engine's commands on its
    lane, a manager's approval for a count over or short, then the slip."""

    def __init__(
        self, window: Screen, operations: ManagerActions, receipts: ReceiptFlow, parent: QWidget
    ) -> None:
        self._window, self._operations, self._receipts = window, operations, receipts
        self._parent = parent
        self._till = window.till

    @property
    def _shifts(self) -> Shifts:
        return self._till.engine.shifts

    def open_shift(self) -> None:
        if self._signed_in() is None:
            return

        def ask(current: Shift | None) -> None:
            if current is not None:
                self._window.say(f"{shift_words(current)} is open: close it first.", bad=True)
                return
            dialog = OpenShiftDialog(self._parent)
            dialog.chosen.connect(self._open)
            self._window.open_dialog(dialog)

        self._till.lane.run(self._shifts.current, ask, self._till.fail)

    def close_shift(self) -> None:
        if self._signed_in() is None:
            return

        def count(cash: ShiftCash) -> None:
            dialog = CloseShiftDialog(cash, self._parent)
            dialog.chosen.connect(self._counted)
            self._window.open_dialog(dialog)

        self._till.lane.run(self._expected_now, count, self._till.fail)

    def _expected_now(self) -> ShiftCash:
        current = self._shifts.current()
        if current is None:
            raise EngineError("No shift is open on this register: open one first.")
        return self._shifts.expected(current)

    def _open(self, cents: int) -> None:
        cashier = self._signed_in()
        if cashier is None:
            return

        def done(shift: Shift) -> None:
            self._window.say(f"Shift open: {cashier.name}, float {format_cents(cents)}.")
            if shift.float_cents:
                self._receipts.open_drawer_for_cash()

        self._till.lane.run(lambda: self._shifts.open(cashier, cents), done, self._till.fail)

    def _counted(self, counts: dict[int, int], difference: int) -> None:
        if not difference:
            self._close(counts, None)
            return
        self._operations.approve_then(
            None,
            ApprovalAction.CLOSE_SHIFT,
            SHIFT_TARGET,
            f"Close the shift with the drawer {over_short_words(difference)}.",
            lambda approval: self._close(counts, approval),
            reasons=CLOSE_REASONS,
        )

    def _close(self, counts: dict[int, int], approval: ManagerApproval | None) -> None:
        cashier = self._signed_in()
        if cashier is None:
            return

        def done(closed: ShiftClose) -> None:
            self._window.say(
                f"Shift closed: counted {format_cents(closed.counted)}, expected "
                f"{format_cents(closed.expected)}: {over_short_words(closed.over_short)}.",
                bad=bool(closed.over_short),
            )
            desk = self._receipts.desk
            if desk.printing:
                self._receipts.lane.run(lambda: desk.shift_slip(closed))

        close = self._shifts.close
        self._till.lane.run(lambda: close(cashier, counts, approval), done, self._till.fail)

    def _signed_in(self) -> StaffMember | None:
        cashier = self._till.cashier
        if cashier is None:
            self._window.say("Sign in first.", bad=True)
        return cashier
