"""The register window: catalog, the check, the tenders, and the status bar.

Every scan, from a scanner driver, the keyboard wedge or the demo panel, comes to
:meth:`RegisterWindow.on_scan`: a LevelUp code pays, a product barcode adds its item, anything
else is told. A scan that arrives while a dialog is open waits and is handled when it closes
(except a LevelUp code the payment dialog is waiting for), so no scan is ever lost; a receipt
choice waiting for a tap closes as "No receipt" for it (the next customer is being served).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from pos_app.app.scans import CodeKind, classify
from pos_app.domain import LineItem, format_cents
from pos_app.domain.catalog import Catalog
from pos_app.engine import CheckRecord, CheckState
from pos_app.ui.check_view import CheckView
from pos_app.ui.dialogs import ConfirmDialog, SignInDialog
from pos_app.ui.history import HistoryDialog
from pos_app.ui.item_entry import ItemEntry
from pos_app.ui.line_editor import LineEditor
from pos_app.ui.menu_panel import MenuPanel
from pos_app.ui.operations import ManagerActions
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.problems import Problem
from pos_app.ui.qt import (
    QCloseEvent,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QMainWindow,
    QShortcut,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.receipt_flow import ReceiptFlow
from pos_app.ui.status import RegisterStatus
from pos_app.ui.tender_panel import TenderPanel
from pos_app.ui.till import Till
from pos_app.ui.widgets import ProblemBox, button, label, restyle
from pos_app.ui.wording import STATE_WORDS

SLOW_LANE_MS = 300
"""A scan held back this long (the engine lane busy) is said to be waiting."""


class RegisterWindow(QMainWindow):
    """The screen a cashier lives in."""

    def __init__(
        self,
        till: Till,
        catalog: Catalog,
        *,
        register_id: str,
        demo_banner: str = "",
        side_tabs: list[tuple[str, QWidget]] | None = None,
        sign_in_hint: str = "",
    ) -> None:
        super().__init__()
        self.till = till
        self.catalog = catalog
        self.sign_in_hint = sign_in_hint
        self.pending_scans: deque[str] = deque()
        self.dialogs: list[QDialog] = []
        self.payment: LevelUpDialog | None = None
        self.receipts: ReceiptFlow | None = None
        """Receipts, printer and drawer (set by the session)."""
        self.close_without_asking = False
        """Set for a shutdown (SIGTERM): an open check is kept, and is back at the next start."""
        self.setWindowTitle(f"LevelUp POS — register {register_id}")
        self.setMinimumSize(1024, 700)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(8)
        if demo_banner:
            banner = label(demo_banner, "banner")
            banner.setObjectName("demo-banner")
            outer.addWidget(banner)
        columns = QHBoxLayout()
        columns.setSpacing(10)
        columns.addWidget(self._catalog_panel(side_tabs or []), 4)
        columns.addWidget(self._check_panel(), 5)
        self.operations = ManagerActions(self, self)
        self.tenders = TenderPanel(self, self.operations)
        columns.addWidget(self.tenders, 3)
        outer.addLayout(columns, 1)
        self.setCentralWidget(central)
        self.status = RegisterStatus(register_id)
        self.setStatusBar(self.status)
        self._shortcuts()

        till.lane.drained.connect(self._drain_scans)
        till.check_changed.connect(self._show_check)
        till.problem.connect(self._problem)
        till.told.connect(self._told)
        till.watch.changed.connect(self.status.show_health)
        till.cashier_changed.connect(self._cashier)
        self._show_check(None)

    # ----- building -----------------------------------------------------------------------

    def _catalog_panel(self, side_tabs: list[tuple[str, QWidget]]) -> QWidget:
        self.menu = MenuPanel(self.catalog)
        self.entry = ItemEntry(self, self.menu)
        self.menu.refused.connect(lambda text: self.say(text, bad=True))
        if not side_tabs:
            return self.menu
        tabs = QTabWidget()
        tabs.addTab(self.menu, "Menu")
        for title, widget in side_tabs:
            tabs.addTab(widget, title)
        return tabs

    def _check_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check_view = CheckView()
        layout.addWidget(self.check_view, 1)
        self.message = label("", "message")
        self.message.setVisible(False)
        self.message_detail = button("Details", "quiet")
        self.message_detail.setVisible(False)
        self.message_detail.clicked.connect(self._show_last_problem)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.message_detail)
        layout.addLayout(message_row)
        self.lines = LineEditor(self)
        layout.addWidget(self.lines)
        return panel

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence("Ctrl+F"), self, self.menu.search.setFocus)
        QShortcut(QKeySequence("Ctrl+L"), self, self.sign_out)
        self.tenders.more_actions.addAction("Sign out (Ctrl+L)", self.sign_out)

    def add_menu_action(self, text: str, shortcut: str, slot: Callable[[], None]) -> None:
        """An entry of the "More…" menu, with its own shortcut."""
        self.tenders.more_actions.addAction(f"{text} ({shortcut})", slot)
        QShortcut(QKeySequence(shortcut), self, slot)

    def add_item(self, item: LineItem) -> None:
        if self._may_edit():
            self.till.add_item(item)

    # ----- the check ----------------------------------------------------------------------

    def _show_check(self, record: CheckRecord | None) -> None:
        self.check_view.show_record(record)
        self.tenders.show_record(record)
        editable = record is not None and record.state.editable and not record.check.is_locked
        for widget in self.lines.buttons:
            widget.setEnabled(editable)
        if record is None:
            return
        identifier = record.check.identifier
        if record.state is CheckState.CLOSED:
            change = record.check.totals.change_due
            self.say(
                f"Check {identifier} closed."
                + (f" Give {format_cents(change)} change." if change else "")
                + " Scan or tap an item to start the next one."
            )
        elif record.state.is_final:
            self.say(
                f"Check {identifier} is {record.state.value}: it is read only. Scan or tap an "
                "item to start a new check."
            )

    def _may_edit(self) -> bool:
        if not self.till.editable:
            self.say(
                "Payments are on this check: void them to change it, or start a new check.",
                bad=True,
            )
            return False
        return True

    # ----- manager functions --------------------------------------------------------------

    def open_history(self) -> None:
        self.open_dialog(HistoryDialog(self.till, self.operations, self, self.receipts))

    # ----- scans --------------------------------------------------------------------------

    def on_scan(self, text: str) -> None:
        """A code was scanned, by whatever device; see the module's docstring."""
        classified = classify(text)
        payment = self.payment
        if (
            payment is not None
            and classified.kind is CodeKind.LEVELUP
            and self.dialogs
            and payment is self.dialogs[-1]
        ):
            payment.scan(classified.label)  # the payment dialog decides what it is for
        elif self.dialogs:
            self.pending_scans.append(text)
            top = self.dialogs[-1]
            if isinstance(top, ReceiptDialog) and top.gives_way_to_scan():
                top.reject()  # no receipt: the scan is handled as it closes
            else:
                self.say(f"Scan waiting ({len(self.pending_scans)}): handled when this is done.")
        elif not self.till.lane.idle:
            self.pending_scans.append(text)  # after the check on screen is up to date
            QTimer.singleShot(SLOW_LANE_MS, self._tell_waiting)
        else:
            self._route(text)

    def _route(self, text: str) -> None:
        classified = classify(text)
        if classified.kind is CodeKind.LEVELUP:
            if not self.entry.refuses_payment():
                self.tenders.pay_with_levelup(classified.label)
        elif classified.kind is CodeKind.PRODUCT:
            item = self.catalog.by_barcode(classified.label)
            if item is None:
                self.say(f"No item has the barcode {classified.label}.", bad=True)
            else:
                self.entry.enter(item)
        else:
            self.say(f"Scanned code not used: {classified.reason}", bad=True)

    def _tell_waiting(self) -> None:
        if self.pending_scans and not self.dialogs:
            self.say(f"Scan waiting ({len(self.pending_scans)}): the register is busy.")

    def _drain_scans(self) -> None:
        """Handle waiting scans, one at a time: each may open a dialog or change the check."""
        if self.pending_scans and not self.dialogs and self.till.lane.idle:
            self._route(self.pending_scans.popleft())
            QTimer.singleShot(0, self._drain_scans)

    # ----- dialogs and messages -----------------------------------------------------------

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a window-modal dialog; scans wait until it (and any other) is closed."""
        self.dialogs.append(dialog)

        def closed() -> None:
            if dialog in self.dialogs:
                self.dialogs.remove(dialog)
            dialog.deleteLater()
            QTimer.singleShot(0, self._drain_scans)

        dialog.finished.connect(closed)
        dialog.open()

    def say(self, text: str, *, bad: bool = False) -> None:
        self.message.setText(text)
        restyle(self.message, "message-bad" if bad else "message")
        self.message.setVisible(True)
        self.message_detail.setVisible(False)

    def _told(self, text: str) -> None:
        """A command went through: say so, or at least clear an error line left from before."""
        if text:
            self.say(text)
        elif self.message.property("role") == "message-bad":
            self.message.setVisible(False)

    def _problem(self, problem: Problem) -> None:
        self.say(problem.message, bad=True)
        self.message_detail.setVisible(bool(problem.detail))

    def _show_last_problem(self) -> None:
        if self.till.recent_problems:
            problem = self.till.recent_problems[0]
            self.open_dialog(ProblemBox("What went wrong", problem.message, problem.detail, self))

    def _cashier(self, member: object) -> None:
        self.status.show_cashier(member)  # type: ignore[arg-type]
        if member is None:
            self.sign_in()

    def sign_in(self) -> None:
        self.open_dialog(SignInDialog(self.till, self.sign_in_hint, self))

    def sign_out(self) -> None:
        if not self.dialogs:
            self.till.sign_out()

    def shut_down(self) -> bool:
        """Close for a shutdown, a drain or Ctrl+C: every dialog goes (the sign-in one
        too), an open check is kept for the next start, but never while LevelUp is answering
        a payment; True once the window is closed (else try again after that answer)."""
        self.close_without_asking = True
        if self._paying():
            self.say("The register closes once LevelUp answers this payment.")
            return False
        for dialog in list(self.dialogs):
            dialog.done(QDialog.DialogCode.Rejected)
        return self.close()

    def _paying(self) -> bool:
        """LevelUp is being asked to charge (the journal may not show it yet)."""
        if self.payment is not None and self.payment.state == "paying":
            return True
        record = self.till.record
        return record is not None and any(t.status.is_pending for t in record.check.tenders)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Never while LevelUp is answering; with an open check, only once the cashier says
        so (a shutdown does not ask: the check is back on screen at the next start)."""
        if self._paying():
            self.say("A LevelUp payment is in progress: wait for its answer.", bad=True)
            event.ignore()
            return
        record = self.till.record
        if self.close_without_asking or record is None or not record.state.takes_payments:
            event.accept()
            return
        if not (record.check.items or record.check.tenders):
            event.accept()
            return
        event.ignore()
        due = format_cents(record.check.totals.balance_due)
        confirm = ConfirmDialog(
            "Close the register?",
            f"Check {record.check.identifier} is {STATE_WORDS[record.state]} with {due} due. "
            "It stays open and is back on screen when the register starts again.",
            "Close the register",
            self,
        )
        confirm.accepted.connect(self._close_now)
        self.open_dialog(confirm)

    def _close_now(self) -> None:
        self.close_without_asking = True
        QTimer.singleShot(0, self.close)
