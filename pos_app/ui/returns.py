"""Returning items of a closed sale, from History: which lines and how many of each, what
goes back by each payment (tax included) shown before anyone confirms, then a manager's PIN.

A check a LevelUp payment stands on is refunded whole (LevelUp refunds whole orders only):
the dialog says so and offers that refund instead.
"""

from __future__ import annotations

from pos_app.domain import DomainError
from pos_app.domain.returns import left_to_return, paid_with_levelup, plan_return
from pos_app.engine import ApprovalAction, CheckRecord
from pos_app.ui.operations import ManagerActions
from pos_app.ui.qt import QDialog, QGridLayout, QLabel, Qt, QWidget, Signal
from pos_app.ui.till import Till
from pos_app.ui.widgets import button, cancel_and_ok, dialog_layout, label
from pos_app.ui.wording import quantity_text, return_prompt

RETURN_REASONS = ["Customer changed their mind", "Faulty or wrong item", "Charged twice", "Other"]


class ReturnDialog(QDialog):
    """The lines of a closed sale with − and + for the units going back; :attr:`chosen`
    carries them (line id → units), :attr:`refund_whole` a LevelUp check's whole refund."""

    chosen = Signal(object)  # dict[int, int]
    refund_whole = Signal()

    def __init__(self, record: CheckRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Return items")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.record = record
        self.units: dict[int, int] = {}
        layout = dialog_layout(self, width=560)
        layout.addWidget(label(f"Return items — check {record.check.identifier}", "heading"))
        why = record.why_not_returnable()
        if why:
            layout.addWidget(label(why, "problem"))
            self.cancel, self.ok = cancel_and_ok(
                self, layout, "Refund whole check", "danger", self._refund_whole
            )
            self.ok.setVisible(paid_with_levelup(record.check) and record.can_void)
            return
        grid = QGridLayout()
        self.counts: dict[int, QLabel] = {}
        for row, line in enumerate(record.check.items):
            grid.addWidget(label(line.name), row, 0)
            grid.addWidget(label(f"sold {quantity_text(line)}", "subtle"), row, 1)
            left = left_to_return(line)
            count = label("0", "heading")
            fewer, more = button("−", "key"), button("+", "key")
            fewer.clicked.connect(lambda _=False, i=line.line_id: self.change(i, -1))
            more.clicked.connect(lambda _=False, i=line.line_id: self.change(i, +1))
            for column, widget in enumerate((fewer, count, more), start=2):
                widget.setEnabled(bool(left))
                grid.addWidget(widget, row, column)
            self.counts[line.line_id] = count
        layout.addLayout(grid)
        self.summary = label("Choose the items to return.", "subtle")
        layout.addWidget(self.summary)
        self.cancel, self.ok = cancel_and_ok(self, layout, "Return…", "danger", self._return)
        self.ok.setEnabled(False)

    def change(self, line_id: int, by: int) -> None:
        """One unit more (or fewer) of a line goes back, within what it has left."""
        line = self.record.check.item(line_id)
        count = max(0, min(left_to_return(line), self.units.get(line_id, 0) + by))
        self.units[line_id] = count
        self.counts[line_id].setText(str(count))
        wanted = {i: n for i, n in self.units.items() if n}
        if not wanted:
            self.summary.setText("Choose the items to return.")
            self.ok.setEnabled(False)
            return
        try:
            self.summary.setText(return_prompt(self.record, plan_return(self.record.check, wanted)))
            self.ok.setEnabled(True)
        except DomainError as refused:
            self.summary.setText(str(refused))
            self.ok.setEnabled(False)

    def _return(self) -> None:
        self.chosen.emit({i: n for i, n in self.units.items() if n})
        self.accept()

    def _refund_whole(self) -> None:
        self.refund_whole.emit()
        self.accept()


def open_return(
    record: CheckRecord, till: Till, operations: ManagerActions, parent: QWidget
) -> ReturnDialog:
    """The return dialog over ``parent`` (History); a manager approves what it shows."""
    dialog = ReturnDialog(record, parent)
    dialog.refund_whole.connect(lambda: operations.void_or_refund(record))

    def approve(units: dict[int, int]) -> None:
        check_id = record.check_id
        operations.approve_then(
            check_id,
            ApprovalAction.RETURN_ITEMS,
            check_id,
            return_prompt(record, plan_return(record.check, units)),
            lambda approval: till.return_items(record, units, approval),
            reasons=RETURN_REASONS,
        )

    dialog.chosen.connect(approve)
    dialog.open()
    return dialog
