"""The register's right-hand column: the tender buttons (LevelUp with the cards, as LevelUp's
certification asks), comp and new check, and the manager's buttons; and what a tender button
opens."""

from __future__ import annotations

from typing import Protocol

from pos_app.domain import TenderKind
from pos_app.engine import CheckRecord
from pos_app.ui.dialogs import CardDialog, CashDialog
from pos_app.ui.operations import ManagerActions
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.qt import QDialog, QGridLayout, QLabel, QMenu, QVBoxLayout, QWidget
from pos_app.ui.recall import HoldAndRecall
from pos_app.ui.till import Till
from pos_app.ui.widgets import button, label


class Counter(Protocol):
    """What the tender column needs of the window it sits in."""

    @property
    def till(self) -> Till: ...
    @property
    def message(self) -> QLabel: ...

    payment: LevelUpDialog | None

    def say(self, text: str, *, bad: bool = False) -> None: ...
    def open_dialog(self, dialog: QDialog) -> None: ...
    def open_history(self) -> None: ...


class TenderPanel(QWidget):
    def __init__(self, window: Counter, operations: ManagerActions) -> None:
        super().__init__()
        self._window = window
        self._till = window.till
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Payment", "heading"))
        self.levelup = button("LevelUp", "levelup", shortcut="F2", tip="Pay with LevelUp")
        self.credit = button("Credit", "card", shortcut="F3")
        self.debit = button("Debit", "card", shortcut="F4")
        self.cash = button("Cash", "cash", shortcut="F5")
        self.other = button("Other", "card", shortcut="F6")
        self.levelup.clicked.connect(lambda: self.pay_with_levelup())
        self.credit.clicked.connect(lambda: self.pay_with(TenderKind.CREDIT))
        self.debit.clicked.connect(lambda: self.pay_with(TenderKind.DEBIT))
        self.cash.clicked.connect(lambda: self.pay_with(TenderKind.CASH))
        self.other.clicked.connect(lambda: self.pay_with(TenderKind.OTHER))
        # Certification: the LevelUp button sits with the credit and debit buttons.
        cards = QGridLayout()
        cards.addWidget(self.levelup, 0, 0, 1, 2)
        cards.addWidget(self.credit, 1, 0)
        cards.addWidget(self.debit, 1, 1)
        cards.addWidget(self.cash, 2, 0)
        cards.addWidget(self.other, 2, 1)
        layout.addLayout(cards)
        layout.addSpacing(12)
        self.comp = button("Comp $0 check", "primary", tip="Close a check that comes to $0.00")
        self.comp.clicked.connect(lambda: operations.comp_this_check())
        layout.addWidget(self.comp)
        self.new_check = button("New check", "primary", shortcut="Ctrl+N")
        self.new_check.clicked.connect(self._till.new_check)
        layout.addWidget(self.new_check)
        self.tabs = HoldAndRecall(window)
        layout.addWidget(self.tabs)
        layout.addStretch()
        layout.addWidget(label("Manager", "subtle"))
        self.void_payment = button("Void payment", "danger", shortcut="F9")
        self.void_payment.clicked.connect(lambda: operations.void_selected_payment())
        self.void_check = button("Void check", "danger", shortcut="F10")
        self.void_check.clicked.connect(lambda: operations.void_this_check())
        self.history_button = button("History", shortcut="Ctrl+H")
        self.history_button.clicked.connect(window.open_history)
        self.more_button = button("More…")
        self.more_actions = QMenu(self.more_button)
        self.more_button.setMenu(self.more_actions)
        for widget in (self.void_payment, self.void_check, self.history_button, self.more_button):
            layout.addWidget(widget)

    def show_record(self, record: CheckRecord | None) -> None:
        """Enable what the check on screen allows."""
        totals = record.check.totals if record else None
        payable = record is not None and record.state.takes_payments and not record.in_flight
        for tender in (self.levelup, self.credit, self.debit, self.cash, self.other):
            tender.setEnabled(payable and totals is not None and totals.balance_due > 0)
        self.comp.setVisible(record is not None and record.can_comp)
        self.void_check.setEnabled(record is not None and record.can_void)
        self.void_payment.setEnabled(bool(record and record.voidable))

    def _due(self) -> int:
        record = self._till.record
        return 0 if record is None else record.check.totals.balance_due

    def pay_with_levelup(self, code: str | None = None) -> None:
        window = self._window
        window.message.setVisible(False)
        if self._due() <= 0:
            window.say("Nothing is due: add items first.", bad=True)
            return
        dialog = LevelUpDialog(self._till, self)
        dialog.collect.connect(self.pay_with)
        window.payment = dialog
        dialog.finished.connect(lambda _: setattr(window, "payment", None))
        window.open_dialog(dialog)
        if code:
            dialog.scan(code)

    def pay_with(self, kind: TenderKind) -> None:
        self._window.message.setVisible(False)
        due = self._due()
        if due <= 0:
            self._window.say("Nothing is due.", bad=True)
            return
        if kind is TenderKind.CASH:
            cash = CashDialog(due, self)
            cash.tendered.connect(lambda cents: self._till.pay_cash(cents))
            self._window.open_dialog(cash)
        else:
            card = CardDialog(kind, due, self)
            card.paid.connect(lambda k, amount, tip: self._till.pay_other(k, amount, tip))
            self._window.open_dialog(card)
