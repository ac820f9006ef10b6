"""Order history: today's checks, searchable by identifier, amount or time, and the manager
functions on them: refund a closed check or return some of its items, void an open one,
resolve an unknown payment; and its receipt reprinted or emailed.
*Needs attention* lists, whatever their day, the sales that owe money again and the payments
whose outcome is unknown: what a manager must look at."""

from __future__ import annotations

from datetime import datetime

from pos_app.domain import format_cents
from pos_app.engine import CheckRecord, CheckState
from pos_app.ui.operations import ManagerActions
from pos_app.ui.qt import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from pos_app.ui.receipt_flow import NO_EMAIL, NO_PRINTER, ReceiptFlow
from pos_app.ui.returns import ReturnDialog, open_return
from pos_app.ui.till import Till
from pos_app.ui.widgets import button, dialog_layout, label, restyle
from pos_app.ui.wording import STATE_WORDS, check_label, payments_text

COLUMNS = ["Time", "Check", "State", "Total", "Payments"]


def total_text(record: CheckRecord) -> str:
    """The check's total; for a refunded one, what was given back."""
    totals = record.check.totals
    if record.state is CheckState.REFUNDED:
        return f"{format_cents(totals.returned)} refunded"
    if record.state is CheckState.BALANCE_DUE:
        return f"{format_cents(totals.grand_total)}, {format_cents(totals.balance_due)} owed"
    if totals.taken_back:
        return f"{format_cents(totals.grand_total)}, {format_cents(totals.taken_back)} returned"
    return format_cents(totals.grand_total)


def matches(record: CheckRecord, text: str) -> bool:
    """Whether a search (identifier, name, amount like ``12.34``, time like ``12:3``) finds it."""
    wanted = text.strip().lstrip("$")
    if not wanted:
        return True
    local = record.opened_at.astimezone()
    totals = record.check.totals
    amounts = {
        format_cents(cents)[1:] for cents in (totals.grand_total, totals.paid, totals.returned)
    }
    return (
        wanted in record.check.identifier
        or wanted.casefold() in record.name.casefold()
        or local.strftime("%H:%M").startswith(wanted)
        or any(amount.replace(",", "").startswith(wanted) for amount in amounts)
    )


class HistoryDialog(QDialog):
    def __init__(
        self,
        till: Till,
        operations: ManagerActions,
        parent: QWidget | None = None,
        receipts: ReceiptFlow | None = None,
    ) -> None:
        """``operations``: the register window's manager actions, which refund, void and
        resolve from here as from the window; ``receipts``: the window's, which reprint and
        email (None: no receipt buttons)."""
        super().__init__(parent)
        self.setWindowTitle("Order history")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, 600)
        self._till = till
        self._operations = operations
        self._receipts = receipts
        self.records: list[CheckRecord] = []
        self.return_dialog: ReturnDialog | None = None
        layout = dialog_layout(self, resizable=True)
        top = QHBoxLayout()
        top.addWidget(label("Checks", "heading"), 1)
        self.attention = button("Needs attention")
        self.attention.setCheckable(True)
        self.attention.setToolTip(
            "Sales that owe money again, and payments whose outcome is unknown"
        )
        self.attention.toggled.connect(self._reload)
        top.addWidget(self.attention)
        layout.addLayout(top)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by check number or name, amount (12.34) or time")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        layout.addWidget(self.search)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        self.note = label("", "subtle")
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.show_button = button("Show on register")
        self.show_button.clicked.connect(self._show)
        self.refund = button("Refund / void check", "danger")
        self.refund.clicked.connect(self._refund)
        self.returns = button("Return items", "danger")
        self.returns.clicked.connect(self._return)
        self.resolve = button("Resolve payment", "danger")
        self.resolve.clicked.connect(self._resolve)
        self.reprint = button("Reprint receipt")
        self.reprint.clicked.connect(self._reprint)
        self.email = button("Email receipt")
        self.email.clicked.connect(self._email)
        if receipts is not None:
            self.reprint.setToolTip("" if receipts.desk.printing else NO_PRINTER)
            self.email.setToolTip("" if receipts.desk.emailing else NO_EMAIL)
        self.told = label("", "subtle")
        layout.addWidget(self.told)
        close = button("Close", shortcut="Esc")
        close.clicked.connect(self.accept)
        buttons = [self.show_button, self.refund, self.returns, self.resolve]
        if receipts is not None:
            buttons += [self.reprint, self.email]
        for widget in buttons:
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(close)
        layout.addLayout(row)
        self._till.recorded.connect(self._reload)
        self._reload()

    def _reload(self, *_: object) -> None:
        if self.attention.isChecked():
            self._till.attention(self._loaded, owner=self)
            return
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        self._till.history(midnight, self._loaded, owner=self)

    def _loaded(self, records: list[CheckRecord]) -> None:
        self.records = records
        if self._receipts is not None:
            self._receipts.remember(records)
        self._fill()

    def _fill(self) -> None:
        selected = self.selected()
        shown = [r for r in self.records if matches(r, self.search.text())]
        self.table.setRowCount(len(shown))
        for row, record in enumerate(shown):
            tenders = payments_text(record) or "—"
            values = [
                record.opened_at.astimezone().strftime("%H:%M"),
                check_label(record),
                STATE_WORDS[record.state],
                total_text(record),
                tenders,
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, record.check_id)
                self.table.setItem(row, column, cell)
            if selected is not None and record.check_id == selected.check_id:
                self.table.selectRow(row)
        which = "needing attention" if self.attention.isChecked() else "today"
        self.note.setText(f"{len(shown)} of {len(self.records)} checks {which}")
        self._selection()

    def selected(self) -> CheckRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        check_id = None if cell is None else cell.data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.records if r.check_id == check_id), None)

    def _selection(self) -> None:
        record = self.selected()
        self.show_button.setEnabled(record is not None)
        self.refund.setEnabled(record is not None and record.can_void)
        self.returns.setEnabled(record is not None and record.state is CheckState.CLOSED)
        self.resolve.setEnabled(
            record is not None and bool(record.resolvable or record.charged_late)
        )
        receipt = record is not None and (
            record.state.was_sold or record.state is CheckState.VOIDED
        )
        desk = self._receipts.desk if self._receipts is not None else None
        self.reprint.setEnabled(receipt and desk is not None and desk.printing)
        self.email.setEnabled(receipt and desk is not None and desk.emailing)

    def _show(self) -> None:
        record = self.selected()
        if record is not None:
            self._till.show(record)
            self.accept()

    def _refund(self) -> None:
        record = self.selected()
        if record is not None:
            self._operations.void_or_refund(record)

    def _return(self) -> None:
        record = self.selected()
        if record is not None:
            self.return_dialog = open_return(record, self._till, self._operations, self)

    def _resolve(self) -> None:
        record = self.selected()
        if record is not None:
            self._operations.resolve(record)

    def _reprint(self) -> None:
        record = self.selected()
        if record is not None and self._receipts is not None:
            self._tell("Reprinting…", False)
            self._receipts.reprint(record, self._tell, owner=self)

    def _email(self) -> None:
        record = self.selected()
        if record is not None and self._receipts is not None:
            self._receipts.email(record, self._tell, owner=self)

    def _tell(self, text: str, bad: bool) -> None:
        self.told.setText(text)
        restyle(self.told, "error" if bad else "subtle")
