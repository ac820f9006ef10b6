"""Hold and recall: name the check on screen (a customer or a table) and put it away, open, for
the next customer; bring back any open check from a list (name, number, total, due, age). The
Recall button counts the open checks waiting, so a cashier sees them at a glance, at start
too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from pos_app.domain import format_cents
from pos_app.engine import CheckRecord, EngineError
from pos_app.engine.names import check_name
from pos_app.ui.qt import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from pos_app.ui.till import Till
from pos_app.ui.widgets import button, cancel_and_ok, dialog_layout, label
from pos_app.ui.wording import STATE_WORDS, check_label

TABLES = 8
"""Quick names on the hold dialog: Table 1 to Table 8."""
COLUMNS = ["Name", "Check", "Total", "Due", "Open for"]


class Desk(Protocol):
    """What hold and recall need of the window."""

    @property
    def till(self) -> Till: ...
    def say(self, text: str, *, bad: bool = False) -> None: ...
    def open_dialog(self, dialog: QDialog) -> None: ...


def waiting(records: list[CheckRecord], on_screen: str | None) -> list[CheckRecord]:
    """Open checks a cashier may recall: with something on them, not the one on screen."""
    return [r for r in records if (r.check.items or r.check.tenders) and r.check_id != on_screen]


def age(record: CheckRecord, now: datetime) -> str:
    minutes = int((now - record.opened_at).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


class HoldDialog(QDialog):
    """Name the check (type it, or tap a table), then hold it or just keep the name."""

    def __init__(self, till: Till, record: CheckRecord, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hold check")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._till, self._record = till, record
        layout = dialog_layout(self)
        layout.addWidget(label(f"Hold check {check_label(record)}", "heading"))
        layout.addWidget(label("A first name or a table, to find it again", "subtle"))
        self.name = QLineEdit(record.name)
        self.name.setPlaceholderText("Name or table")
        layout.addWidget(self.name)
        tables = QGridLayout()
        for number in range(1, TABLES + 1):
            table = button(f"Table {number}")
            table.clicked.connect(lambda _=False, n=number: self.name.setText(f"Table {n}"))
            tables.addWidget(table, (number - 1) // 4, (number - 1) % 4)
        layout.addLayout(tables)
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.name_only = button("Name only")
        self.name_only.clicked.connect(lambda: self._done(hold=False))
        layout.addWidget(self.name_only)
        _, self.ok = cancel_and_ok(self, layout, "Hold", "primary", lambda: self._done(hold=True))
        self.name.setFocus()

    def _done(self, *, hold: bool) -> None:
        try:
            name = check_name(self.name.text())
        except EngineError as refused:
            self.error.setText(str(refused))
            return
        if hold and not name:
            self.error.setText("Type a name or tap a table, so the check is found again.")
            return
        identifier = self._record.check.identifier
        said = (
            f"Check {identifier} ({name}) is held: Recall (F7) brings it back."
            if hold
            else f"Check {identifier} is now {name or 'without a name'}."
        )
        self._till.name_check(self._record.check_id, name, said, hold=hold)
        self.accept()


class RecallDialog(QDialog):
    """The open checks, newest first; Recall (or a double tap) brings one on screen."""

    def __init__(self, till: Till, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recall a check")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(720, 460)
        self._till = till
        self.records: list[CheckRecord] = []
        layout = dialog_layout(self, width=640, resizable=True)
        layout.addWidget(label("Open checks", "heading"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)  # a row a finger can tap
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda *_: self._recall())
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        self.note = label("Looking…", "subtle")
        layout.addWidget(self.note)
        row = QHBoxLayout()
        close = button("Close", shortcut="Esc")
        close.clicked.connect(self.reject)
        self.recall = button("Recall", "primary")
        self.recall.setDefault(True)
        self.recall.clicked.connect(self._recall)
        row.addStretch()
        row.addWidget(close)
        row.addWidget(self.recall)
        layout.addLayout(row)
        self._selection()
        till.lane.run(till.engine.open_checks, self._loaded, till.fail, owner=self)

    def _loaded(self, records: list[CheckRecord]) -> None:
        self.records = waiting(records, self._till.check_id)
        now = datetime.now(UTC)
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            totals = record.check.totals
            due = format_cents(totals.balance_due)
            values = [
                record.name or "—",
                record.check.identifier,
                format_cents(totals.grand_total),
                due if record.state.editable else f"{due} ({STATE_WORDS[record.state]})",
                age(record, now),
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.records:
            self.table.selectRow(0)
        self.note.setText(f"{len(self.records)} open" if self.records else "No check is open.")

    def _selection(self) -> None:
        self.recall.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _recall(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            record = self.records[rows[0].row()]
            self._till.show(record)
            self._till.told.emit(f"Check {check_label(record)} is back on screen.")
            self.accept()


class HoldAndRecall(QWidget):
    """The Hold (F8) and Recall (F7) buttons; Recall says how many open checks wait."""

    def __init__(self, window: Desk) -> None:
        super().__init__()
        self._window = window
        self._till = window.till
        self._shown: tuple[object, ...] | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.hold = button("Hold", shortcut="F8", tip="Name this check and keep it for later")
        self.recall = button("Recall", shortcut="F7", tip="Bring back an open check")
        self.hold.clicked.connect(self._hold)
        self.recall.clicked.connect(self._recall)
        row.addWidget(self.hold)
        row.addWidget(self.recall)
        self._till.check_changed.connect(self._changed)
        self._changed(None)

    def _changed(self, record: CheckRecord | None) -> None:
        """Count again when another check comes on screen, or the one shown changes state
        or name (not at every item)."""
        self.hold.setEnabled(record is not None and record.state.takes_payments)
        shown = None if record is None else (record.check_id, record.state, record.name)
        if shown != self._shown or shown is None:
            self._shown = shown
            till = self._till
            on_screen = None if record is None else record.check_id
            till.lane.run(
                till.engine.open_checks, lambda found: self._count(found, on_screen), till.fail
            )

    def _count(self, records: list[CheckRecord], on_screen: str | None) -> None:
        count = len(waiting(records, on_screen))
        self.recall.setText(f"Recall ({count})" if count else "Recall")

    def _hold(self) -> None:
        record = self._till.record  # the button is off unless an open check is on screen
        if record is None or not (record.check.items or record.check.tenders):
            self._window.say("There is no check to hold: add an item first.", bad=True)
        else:
            self._window.open_dialog(HoldDialog(self._till, record, self.window()))

    def _recall(self) -> None:
        self._window.open_dialog(RecallDialog(self._till, self.window()))
