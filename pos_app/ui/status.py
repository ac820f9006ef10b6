"""The status bar: scanner, LevelUp reachability, offline queue, unknown payments and sales
that owe money again (red when there are any), the receipt printer and the receipt emails
(red while receipts wait on a problem; a click tries them again), the store server (when one
is set) and how old the register's copy of the store's staff, menu and settings is, register
and cashier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pos_app.app.emailing import EmailStatus
from pos_app.app.printing import QueueStatus
from pos_app.app.receipts import ReceiptStatus
from pos_app.app.shipping import ShipStatus
from pos_app.app.store_copy import CopyState
from pos_app.engine.staff import StaffMember
from pos_app.ui.problems import Health
from pos_app.ui.qt import QPushButton, QStatusBar, Qt, QTimer, QWidget, Signal
from pos_app.ui.store_status import store_tip, store_words
from pos_app.ui.widgets import button, label, restyle

RETRY_TIP = "Click to try the waiting receipts again now."
STORE_COPY_EVERY_MS = 30_000


def short_problem(problem: str, printer: str = "") -> str:
    """A queue's problem in a few words for the status bar: ``The printer at 10.0.0.5:9100
    is out of paper.`` → ``out of paper``."""
    words = problem.removeprefix(f"The {printer} ") if printer else problem
    return words.removeprefix("is ").split(";")[0].strip().rstrip(".")


def printer_words(status: QueueStatus | None) -> tuple[str, str]:
    """The printer's status bar text and role."""
    if status is None:
        return "Printer: none", "muted"
    problem = short_problem(status.problem, status.printer)
    if status.waiting and problem:
        return f"Printer: {status.waiting} waiting — {problem}", "bad"
    if status.waiting:
        return f"Printer: printing {status.waiting}", "warn"
    if problem:
        return f"Printer: ready — {problem}", "warn"
    return "Printer: ready", "ok"


def email_words(status: EmailStatus | None) -> tuple[str, str]:
    """The receipt emails' status bar text and role ("" when email is not set up)."""
    if status is None:
        return "", ""
    problem = short_problem(status.problem)
    if status.waiting and problem:
        return f"Email: {status.waiting} waiting — {problem}", "bad"
    if status.waiting:
        return f"Email: sending {status.waiting}", "warn"
    if problem:
        return f"Email: last one not sent — {problem}", "warn"
    return "Email: ready", "ok"


class RegisterStatus(QStatusBar):
    retry = Signal()
    """The printer or the email entry was clicked: try the waiting receipts now."""

    def __init__(self, register_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.scanner = label("Scanner: keyboard")
        self.levelup = label("LevelUp: checking…", "warn")
        self.queue = label("Queue: 0")
        self.unknown = label("Unknown: 0")
        self.owing = label("")
        self.owing.setToolTip("Sold checks that owe money again: see History, Needs attention")
        self.printer = self._clickable("Printer: none", "muted")
        self.email = self._clickable("", "")
        self.email.setVisible(False)
        self.store = label("")
        self.store.setWordWrap(False)
        self.store.setVisible(False)  # shown once a store server is set (show_store)
        self.store_copy = label("")
        self.store_copy.setWordWrap(False)
        self.store_copy.setVisible(False)  # shown once watched (watch_store_copy)
        self.register = label(f"Register {register_id}")
        self.cashier = label("Not signed in", "warn")
        for widget in (self.scanner, self.levelup, self.queue, self.unknown, self.owing):
            widget.setWordWrap(False)
            self.addWidget(widget)
        self.addWidget(self.printer)
        self.addWidget(self.email)
        self.addWidget(self.store)
        self.addWidget(self.store_copy)
        for widget in (self.register, self.cashier):
            widget.setWordWrap(False)
            self.addPermanentWidget(widget)

    def show_health(self, health: Health) -> None:
        if health.reachable is None:
            self.levelup.setText("LevelUp: checking…")
            restyle(self.levelup, "warn")
        elif health.reachable:
            self.levelup.setText("LevelUp: online")
            restyle(self.levelup, "ok")
        else:
            self.levelup.setText("LevelUp: OFFLINE")
            restyle(self.levelup, "bad")
        self.queue.setText(f"Queued: {health.queued}")
        restyle(self.queue, "bad" if health.queued else "")
        self.unknown.setText(f"Unknown: {health.unknown}")
        restyle(self.unknown, "bad" if health.unknown else "")
        self.owing.setText(f"Owing: {health.owing}" if health.owing else "")
        self.owing.setVisible(bool(health.owing))
        restyle(self.owing, "bad")

    def show_receipts(self, status: ReceiptStatus) -> None:
        """The receipt printer's and the email queue's state (the full problem in the tooltip;
        addresses are only ever masked in it)."""
        text, role = printer_words(status.printer)
        self.printer.setText(text)
        restyle(self.printer, role)
        problem = status.printer.problem if status.printer else ""
        self.printer.setToolTip(f"{problem} {RETRY_TIP}".strip() if status.printer else "")
        self.printer.setEnabled(status.printer is not None)
        text, role = email_words(status.email)
        self.email.setText(text)
        restyle(self.email, role)
        self.email.setToolTip(f"{status.email.problem} {RETRY_TIP}".strip() if status.email else "")
        self.email.setVisible(bool(text))

    def show_store(self, status: ShipStatus | None) -> None:
        """How far the journal is on the store server (None: no store server is set)."""
        text, role = store_words(status)
        self.store.setText(text)
        restyle(self.store, role)
        self.store.setToolTip(store_tip(status))
        self.store.setVisible(bool(text))

    def watch_store_copy(self, state: Callable[[], CopyState]) -> None:
        """Say how old the store's copy of staff, menu and settings is, now and every 30 s."""

        def show() -> None:
            copy = state()
            text, role = copy.words(datetime.now(UTC))
            self.store_copy.setText(text)
            restyle(self.store_copy, role)
            self.store_copy.setToolTip(copy.problem or "Staff, menu and settings of the store.")

        show()
        self.store_copy.setVisible(True)
        self._copy_timer = QTimer(self)
        self._copy_timer.timeout.connect(show)
        self._copy_timer.start(STORE_COPY_EVERY_MS)

    def _clickable(self, text: str, role: str) -> QPushButton:
        entry = button(text, role)
        entry.setObjectName("status-entry")
        entry.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        entry.clicked.connect(self.retry.emit)
        return entry

    def show_scanner(self, text: str, role: str = "") -> None:
        self.scanner.setText(f"Scanner: {text}")
        restyle(self.scanner, role)

    def show_cashier(self, member: StaffMember | None) -> None:
        if member is None:
            self.cashier.setText("Not signed in")
            restyle(self.cashier, "warn")
        else:
            self.cashier.setText(member.name)
            restyle(self.cashier, "ok")
