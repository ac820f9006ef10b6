"""Paying by email in the LevelUp dialog: the cashier types the customer's LevelUp email, the
register asks them (a permissions request) and waits, with a countdown and Cancel, for them to
accept in their LevelUp app; then the payment goes on exactly as after a scan.

:class:`EmailAsker` waits off the GUI thread and off the engine lane (nothing is journaled
while the customer decides); :class:`EmailEntry` is the dialog's switch between a code and an
email, and the words it shows. The full email shows only in the field it is typed into.
"""

from __future__ import annotations

import threading
from typing import Protocol

from pos_app.app.email_payments import (
    EmailPaymentError,
    EmailPayments,
    Waiting,
    shown_to_cashier,
)
from pos_app.levelup import CustomerToken
from pos_app.receipts.mail import check_email
from pos_app.ui.lane import Lane
from pos_app.ui.problems import problem_of
from pos_app.ui.qt import (
    QLabel,
    QLineEdit,
    QObject,
    QProgressBar,
    QPushButton,
    QWidget,
    Signal,
    SignalInstance,
)
from pos_app.ui.widgets import button

SCAN_WORDS = ("Or key in the code (LU…LU)", "Pay")
EMAIL_WORDS = ("Customer's LevelUp email", "Ask")
SCAN_NOT_USED = "Waiting for the customer's answer by email: that scan was not used."


class EmailAsker(QObject):
    """Asks one customer at a time and says how it goes, on the GUI thread."""

    waiting = Signal(object)  # Waiting, from the asking thread (queued to the GUI thread)
    accepted = Signal(object)  # CustomerToken
    refused = Signal(str)  # why, in the cashier's words

    def __init__(self, payments: EmailPayments, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._payments = payments
        self._lane = Lane("levelup-email", self)
        self._cancel: threading.Event | None = None

    @property
    def timeout(self) -> float:
        return self._payments.timeout

    def ask(self, email: str) -> None:
        cancel = self._cancel = threading.Event()
        self._lane.run(
            lambda: self._payments.ask(email, cancel, self.waiting.emit),
            self.accepted.emit,
            lambda error: self.refused.emit(_words(error)),
        )

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def close(self) -> None:
        self.cancel()
        self._lane.close()


def _words(error: Exception) -> str:
    if isinstance(error, EmailPaymentError | ValueError):
        return str(error)
    return problem_of(error).message


def time_left(waiting: Waiting) -> str:
    """``1:52 left``."""
    seconds = max(0, round(waiting.timeout - waiting.waited))
    return f"{seconds // 60}:{seconds % 60:02d} left"


class EmailEntry(QObject):
    """The dialog's entry row as a code or an email: a "By email…" switch beside it."""

    def __init__(self, field: QLineEdit, go: QPushButton, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._field, self._go = field, go
        self.switch = button("By email…", "quiet", tip="The customer pays with their LevelUp email")
        self.switch.clicked.connect(self.toggle)
        self.by_email = False

    def toggle(self) -> None:
        self.show_email(not self.by_email)

    def show_email(self, by_email: bool) -> None:
        self.by_email = by_email
        placeholder, action = EMAIL_WORDS if by_email else SCAN_WORDS
        self._field.setEchoMode(
            QLineEdit.EchoMode.Normal if by_email else QLineEdit.EchoMode.Password
        )
        self._field.setPlaceholderText(placeholder)
        self._go.setText(action)
        self.switch.setText("Scan instead" if by_email else "By email…")
        self._field.setFocus()


def show_countdown(bar: QProgressBar, prompt: QLabel, waiting: Waiting) -> None:
    """The progress bar as a countdown to the timeout, and the time left in words."""
    bar.setRange(0, max(1, round(waiting.timeout * 10)))
    bar.setValue(min(bar.maximum(), round(waiting.waited * 10)))
    prompt.setText(f"Waiting for {waiting.customer} to accept in LevelUp… ({time_left(waiting)})")


class _Dialog(Protocol):
    """What of the dialog the email half works with."""

    state: str
    asker: EmailAsker | None
    error: QLabel
    prompt: QLabel
    progress: QProgressBar
    cancel: QPushButton
    retry: QPushButton
    tenders: QWidget
    close_button: QPushButton
    finished_payment: SignalInstance
    _asked: tuple[str, int | None]

    def _amount(self) -> tuple[bool, int | None]: ...
    def _busy(self, state: str, title: str) -> None: ...
    def _start(self, payer: str | CustomerToken, amount: int | None) -> None: ...
    def _ask_for_scan(self) -> None: ...
    def _outcome(self, title: str, role: str, message: str) -> None: ...


class EmailPaying:
    """The email half of :class:`~pos_app.ui.payment.LevelUpDialog`: ask, wait, then pay."""

    def _ask(self: _Dialog, email: str) -> None:
        """Ask the customer by email; the payment starts once they accept."""
        chosen, amount = self._amount()
        try:
            address = check_email(email)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if not chosen or self.asker is None:
            self.error.setText("Choose the amount first.")
            return
        self._asked = (email, amount)
        self._busy("asking", "Pay by email")
        self.prompt.setText(f"Waiting for {shown_to_cashier(address)} to accept in LevelUp…")
        self.asker.ask(address)

    def _waiting(self: _Dialog, waiting: Waiting) -> None:
        if self.state == "asking":
            show_countdown(self.progress, self.prompt, waiting)

    def _accepted(self: _Dialog, token: CustomerToken) -> None:
        if self.state == "asking":
            self._start(token, self._asked[1])

    def _not_asked(self: _Dialog, message: str) -> None:
        """The customer's permission could not be had: nothing was charged."""
        if self.state != "asking":
            return
        if not self.cancel.isEnabled():  # the cashier cancelled
            self._ask_for_scan()
            self.error.setText(message)
            return
        self.state = "answered"
        self.progress.setVisible(False)
        self.cancel.setVisible(False)
        self._outcome("Not paid", "outcome-bad", message)
        for widget in (self.retry, self.tenders, self.close_button):
            widget.setVisible(True)
        self.close_button.setText("Close")
        self.finished_payment.emit()
