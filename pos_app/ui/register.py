"""The register window: catalog, the check, the tenders, and the status bar.

Every scan, from a scanner driver, the keyboard wedge or the demo panel, comes to
:meth:`RegisterWindow.on_scan`: a LevelUp code pays, a product barcode adds its item, anything
else is told. A scan that arrives while a dialog is open waits and is handled when it closes
(except a LevelUp code the payment dialog is waiting for), so no scan is ever lost.
"""

from __future__ import annotations

import textwrap
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.catalog import Catalog
from pos_app.domain import (
    Check,
    Discount,
    Fee,
    FeeType,
    LineItem,
    Modifier,
    TenderKind,
    format_cents,
)
from pos_app.engine import ApprovalAction, CheckRecord, CheckState, ManagerApproval
from pos_app.scanning import CodeKind, classify
from pos_app.ui.check_view import CheckView, kind_name
from pos_app.ui.dialogs import AdjustDialog, CardDialog, CashDialog, ManagerDialog, SignInDialog
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.status import RegisterStatus
from pos_app.ui.till import Problem, Till
from pos_app.ui.widgets import ProblemBox, TileArea, button, label, restyle

SLOW_LANE_MS = 300
"""A scan held back this long (the engine lane busy) is said to be waiting."""


def wrapped(name: str, width: int = 14) -> str:
    """An item name broken onto lines of about ``width`` characters (buttons do not wrap)."""
    return textwrap.fill(name, width, break_long_words=False)


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
        columns.addWidget(self._tender_panel(), 3)
        outer.addLayout(columns, 1)
        self.setCentralWidget(central)
        self.status = RegisterStatus(register_id)
        self.setStatusBar(self.status)
        self._shortcuts()

        till.lane.drained.connect(self._drain_scans)
        till.check_changed.connect(self._show_check)
        till.problem.connect(self._problem)
        till.health_changed.connect(self.status.show_health)
        till.cashier_changed.connect(self._cashier)
        self._show_check(None)

    # ----- building -----------------------------------------------------------------------

    def _catalog_panel(self, side_tabs: list[tuple[str, QWidget]]) -> QWidget:
        menu = QWidget()
        layout = QVBoxLayout(menu)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search items (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_items)
        self.search.returnPressed.connect(self._add_the_match)
        layout.addWidget(self.search)
        self.categories = QButtonGroup(self)
        self.categories.setExclusive(True)
        pills = []
        for category in self.catalog.categories:
            pill = button(category, "category")
            pill.setCheckable(True)
            pill.clicked.connect(lambda _=False, c=category: self._show_category(c))
            self.categories.addButton(pill)
            pills.append(pill)
        pill_area = TileArea(tile_width=95, fit_height=True)
        pill_area.set_tiles(pills)
        layout.addWidget(pill_area)
        self.items_area = TileArea(tile_width=150)
        layout.addWidget(self.items_area, 1)
        self._show_category(self.catalog.categories[0])
        self.categories.buttons()[0].setChecked(True)
        if not side_tabs:
            return menu
        tabs = QTabWidget()
        tabs.addTab(menu, "Menu")
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
        lines = QGridLayout()
        self.less = button("− 1", tip="One less", shortcut="Ctrl+-")
        self.more = button("+ 1", tip="One more", shortcut="Ctrl+=")
        self.modifier = button("Modifier", tip="Add a modifier to the line", shortcut="Ctrl+M")
        self.line_discount = button("Line −%", tip="Discount this line", shortcut="Ctrl+I")
        self.check_discount = button("Check −%", tip="Discount the check", shortcut="Ctrl+K")
        self.fee = button("Fee", shortcut="Ctrl+E")
        self.remove = button("Remove", "danger", shortcut="Del")
        self.less.clicked.connect(lambda: self._change_quantity(-1))
        self.more.clicked.connect(lambda: self._change_quantity(1))
        self.modifier.clicked.connect(self._modifier_menu)
        self.line_discount.clicked.connect(self._line_discount)
        self.check_discount.clicked.connect(self._check_discount)
        self.fee.clicked.connect(self._fee)
        self.remove.clicked.connect(self._remove)
        for index, widget in enumerate(
            (
                self.less,
                self.more,
                self.modifier,
                self.remove,
                self.line_discount,
                self.check_discount,
                self.fee,
            )
        ):
            lines.addWidget(widget, index // 4, index % 4)
        layout.addLayout(lines)
        return panel

    def _tender_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Payment", "heading"))
        self.levelup = button("LevelUp", "levelup", shortcut="F2", tip="Pay with LevelUp")
        self.credit = button("Credit", "card", shortcut="F3")
        self.debit = button("Debit", "card", shortcut="F4")
        self.cash = button("Cash", "cash", shortcut="F5")
        self.other = button("Other", "card", shortcut="F6")
        self.levelup.clicked.connect(self.pay_with_levelup)
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
        self.new_check = button("New check", "primary", shortcut="Ctrl+N")
        self.new_check.clicked.connect(self.till.new_check)
        layout.addWidget(self.new_check)
        layout.addStretch()
        layout.addWidget(label("Manager", "subtle"))
        self.void_payment = button("Void payment", "danger", shortcut="F9")
        self.void_payment.clicked.connect(self.void_selected_payment)
        self.void_check = button("Void check", "danger", shortcut="F10")
        self.void_check.clicked.connect(self.void_this_check)
        self.history_button = button("History", shortcut="Ctrl+H")
        self.history_button.clicked.connect(self.open_history)
        self.more_button = button("More…")
        more = QMenu(self.more_button)
        self.more_actions = more
        self.more_button.setMenu(more)
        for widget in (self.void_payment, self.void_check, self.history_button, self.more_button):
            layout.addWidget(widget)
        return panel

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+L"), self, self.sign_out)
        self.more_actions.addAction("Sign out (Ctrl+L)", self.sign_out)

    def add_menu_action(self, text: str, shortcut: str, slot: Callable[[], None]) -> None:
        """An entry of the "More…" menu, with its own shortcut."""
        self.more_actions.addAction(f"{text} ({shortcut})", slot)
        QShortcut(QKeySequence(shortcut), self, slot)

    # ----- catalog ------------------------------------------------------------------------

    def _show_category(self, category: str) -> None:
        self._show_items(self.catalog.in_category(category))

    def _filter_items(self, text: str) -> None:
        if text.strip():
            self._show_items(self.catalog.search(text))
        else:
            checked = self.categories.checkedButton()
            self._show_category(checked.text() if checked else self.catalog.categories[0])

    def _add_the_match(self) -> None:
        """Enter in the search adds the item when exactly one matches (keyboard selling)."""
        matches = self.catalog.search(self.search.text())
        if len(matches) == 1:
            self.add_item(matches[0])
            self.search.clear()
        elif matches:
            self.say(f"{len(matches)} items match: type more, or tap one.", bad=True)

    def _show_items(self, items: list[LineItem]) -> None:
        tiles: list[QWidget] = []
        for item in items:
            tile = button(f"{wrapped(item.name)}\n{format_cents(item.unit_price)}", "item")
            tile.setObjectName(f"item:{item.name}")
            tile.setToolTip(item.description or item.name)
            tile.clicked.connect(lambda _=False, i=item: self.add_item(i))
            tiles.append(tile)
        self.items_area.set_tiles(tiles or [label("No item matches.", "subtle")])

    def add_item(self, item: LineItem) -> None:
        if not self._may_edit():
            return
        self.till.add_item(item)
        self.say(f"Added {item.name}.")

    # ----- the check ----------------------------------------------------------------------

    def _show_check(self, record: CheckRecord | None) -> None:
        self.check_view.show_record(record)
        paying = record is not None and record.state is CheckState.TENDERING
        due = record.check.totals.balance_due if record else 0
        open_ = record is not None and record.state in (CheckState.OPEN, CheckState.TENDERING)
        for tender in (self.levelup, self.credit, self.debit, self.cash, self.other):
            tender.setEnabled(open_ and due > 0 and not (record and record.in_flight))
        editable = record is None or not record.check.is_locked
        for widget in (
            self.less,
            self.more,
            self.modifier,
            self.line_discount,
            self.check_discount,
            self.fee,
            self.remove,
        ):
            widget.setEnabled(editable and record is not None)
        self.void_check.setEnabled(record is not None and record.state is not CheckState.VOIDED)
        self.void_payment.setEnabled(bool(record and record.check.tenders))
        if record is not None and record.state is CheckState.CLOSED and not paying:
            change = record.check.totals.change_due
            self.say(
                f"Check {record.check.identifier} closed."
                + (f" Give {format_cents(change)} change." if change else "")
                + " Scan or tap an item to start the next one."
            )

    def _may_edit(self) -> bool:
        if not self.till.editable:
            self.say(
                "Payments are on this check: void them to change it, or start a new check.",
                bad=True,
            )
            return False
        return True

    def _edit(self, change: Callable[[Check], Check]) -> None:
        if self._may_edit():
            self.till.edit(change)

    def _selected_item(self) -> int | None:
        line = self.check_view.selected()
        if line is None or line.kind != "item" or not isinstance(line.key, int):
            self.say("Select an item line first.", bad=True)
            return None
        return line.key

    def _change_quantity(self, step: int) -> None:
        line_id = self._selected_item()
        if line_id is None:
            return
        record = self.till.record
        assert record is not None
        quantity = record.check.item(line_id).quantity + step
        if quantity < 1:
            self._edit(lambda check: check.remove_item(line_id))
        else:
            self._edit(
                lambda check: check.update_item(line_id, lambda i: replace(i, quantity=quantity))
            )

    def _modifier_menu(self) -> None:
        line_id = self._selected_item()
        if line_id is None:
            return
        menu = QMenu(self)
        for modifier in self.catalog.modifiers:
            price = f" +{format_cents(modifier.unit_price)}" if modifier.unit_price else ""
            menu.addAction(modifier.name + price, partial(self.add_modifier, line_id, modifier))
        menu.popup(self.modifier.mapToGlobal(self.modifier.rect().bottomLeft()))

    def add_modifier(self, line_id: int, modifier: Modifier) -> None:
        self._edit(
            lambda check: check.update_item(
                line_id, lambda i: replace(i, modifiers=(*i.modifiers, modifier))
            )
        )

    def _line_discount(self) -> None:
        line_id = self._selected_item()
        if line_id is None:
            return
        dialog = AdjustDialog("Line discount", "Discount", allow_percent=True, parent=self)
        dialog.chosen.connect(
            lambda name, cents, percent: self._edit(
                lambda check: check.update_item(
                    line_id,
                    lambda i: replace(i, discounts=(*i.discounts, Discount(name, cents, percent))),
                )
            )
        )
        self.open_dialog(dialog)

    def _check_discount(self) -> None:
        dialog = AdjustDialog("Check discount", "Discount", allow_percent=True, parent=self)
        dialog.chosen.connect(
            lambda name, cents, percent: self._edit(
                lambda check: check.add_discount(Discount(name, cents, percent))
            )
        )
        self.open_dialog(dialog)

    def _fee(self) -> None:
        dialog = AdjustDialog("Fee", "Service fee", allow_percent=False, parent=self)
        dialog.chosen.connect(
            lambda name, cents, _: self._edit(
                lambda check: check.add_fee(Fee(name, FeeType.CUSTOM, cents, "food"))
            )
        )
        self.open_dialog(dialog)

    def _remove(self) -> None:
        line = self.check_view.selected()
        if line is None:
            self.say("Select a line to remove.", bad=True)
        elif line.kind == "item" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_item(key))
        elif line.kind == "discount" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_discount(key))
        elif line.kind == "fee" and isinstance(line.key, int):
            key = line.key
            self._edit(lambda check: check.remove_fee(key))
        else:
            self.say("A payment is removed by voiding it (Void payment, F9).", bad=True)

    # ----- payments -----------------------------------------------------------------------

    def _due(self) -> int:
        record = self.till.record
        return 0 if record is None else record.check.totals.balance_due

    def pay_with_levelup(self, code: str | None = None) -> None:
        self.message.setVisible(False)
        if self._due() <= 0:
            self.say("Nothing is due: add items first.", bad=True)
            return
        dialog = LevelUpDialog(self.till, self)
        dialog.collect.connect(self.pay_with)
        self.payment = dialog
        dialog.finished.connect(lambda _: setattr(self, "payment", None))
        self.open_dialog(dialog)
        if code:
            dialog.scan(code)

    def pay_with(self, kind: TenderKind) -> None:
        self.message.setVisible(False)
        due = self._due()
        if due <= 0:
            self.say("Nothing is due.", bad=True)
            return
        if kind is TenderKind.CASH:
            cash = CashDialog(due, self)
            cash.tendered.connect(lambda cents: self.till.pay_cash(cents))
            self.open_dialog(cash)
        else:
            card = CardDialog(kind, due, self)
            card.paid.connect(lambda k, amount, tip: self.till.pay_other(k, amount, tip))
            self.open_dialog(card)

    # ----- manager functions --------------------------------------------------------------

    def approve_then(
        self,
        check_id: str | None,
        action: ApprovalAction,
        target: str,
        what: str,
        then: Callable[[ManagerApproval], None],
    ) -> ManagerDialog:
        """Ask for a manager's PIN, then ``then(approval)``; ``check_id`` is the check it is
        for (None: no check, a settings change)."""
        dialog = ManagerDialog(self.till, action, target, what, check_id, parent=self)
        dialog.approved.connect(then)
        self.open_dialog(dialog)
        return dialog

    def void_selected_payment(self) -> None:
        record = self.till.record
        line = self.check_view.selected()
        if record is None or line is None or line.kind != "tender":
            self.say("Select the payment to void in the check first.", bad=True)
            return
        tender_id = str(line.key)
        tender = record.check.tender(tender_id)
        check_id = record.check_id
        self.approve_then(
            check_id,
            ApprovalAction.VOID_TENDER,
            tender_id,
            f"Void the {kind_name(tender.kind)} payment of {format_cents(tender.amount)} on check "
            f"{record.check.identifier}.",
            lambda approval: self.till.void_tender(check_id, tender_id, approval),
        )

    def void_this_check(self) -> None:
        record = self.till.record
        if record is None:
            self.say("There is no check to void.", bad=True)
            return
        self.void_or_refund(record)

    def void_or_refund(self, record: CheckRecord) -> None:
        """Void a check; its payments are refunded (LevelUp's through LevelUp)."""
        check_id = record.check_id
        what = (
            f"Refund check {record.check.identifier} ({format_cents(record.check.totals.paid)} "
            "paid): every payment on it is refunded."
            if record.state is CheckState.CLOSED
            else f"Void check {record.check.identifier} and every payment on it."
        )
        self.approve_then(
            check_id,
            ApprovalAction.VOID_CHECK,
            check_id,
            what,
            lambda approval: self.till.void_check(check_id, approval),
        )

    def open_history(self) -> None:
        from pos_app.ui.history import HistoryDialog

        self.open_dialog(HistoryDialog(self, self))

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
            self.say(f"Scan waiting ({len(self.pending_scans)}): handled when this is done.")
        elif not self.till.lane.idle:
            self.pending_scans.append(text)  # after the check on screen is up to date
            QTimer.singleShot(SLOW_LANE_MS, self._tell_waiting)
        else:
            self._route(text)

    def _route(self, text: str) -> None:
        classified = classify(text)
        if classified.kind is CodeKind.LEVELUP:
            self.pay_with_levelup(classified.label)
        elif classified.kind is CodeKind.PRODUCT:
            item = self.catalog.by_barcode(classified.label)
            if item is None:
                self.say(f"No item has the barcode {classified.label}.", bad=True)
            else:
                self.add_item(item)
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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        record = self.till.record
        if record is not None and record.in_flight:
            self.say("A LevelUp payment is in progress: wait for its answer.", bad=True)
            event.ignore()
            return
        event.accept()
