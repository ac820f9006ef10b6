"""The customer-facing display: the check on the register's screen as the customer sees it,
full screen on a second screen when there is one (the ``display.customer`` setting).

It follows the till's ``check_changed``: the lines and their amounts, the totals and what is
due, "Scan your LevelUp code" while the check waits for payment, "Thank you" and the change
once it is paid. It shows nothing a customer must not see: no payment code, no cashier or
manager, no approval, reason or check number, no payment's state. It never takes focus, so
the cashier's keys and a keyboard-wedge scanner's stay with the register.
"""

from __future__ import annotations

from pos_app.domain import CheckState, format_cents
from pos_app.engine import CheckRecord
from pos_app.ui.qt import (
    QAbstractItemView,
    QGridLayout,
    QGuiApplication,
    QHeaderView,
    QLabel,
    Qt,
    QTimer,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pos_app.ui.till import Till
from pos_app.ui.widgets import label
from pos_app.ui.wording import due_line, kind_name

_TOTALS = ("Subtotal", "Discounts", "Fees", "Tax", "Total", "Paid")


def customer_lines(record: CheckRecord | None) -> list[tuple[str, str]]:
    """The rows the customer sees: items (quantity, modifiers, discounts), check discounts,
    fees, and the payments that took money, each with its amount."""
    if record is None:
        return []
    check, rows = record.check, []
    for item in check.items:
        name = f"{item.quantity} × {item.name}" if item.quantity > 1 else item.name
        rows.append((name, format_cents(item.standard_price)))
        for modifier in item.modifiers:
            price = item.modifier_charge(modifier)
            rows.append((f"    + {modifier.name}", format_cents(price) if price else ""))
        for discount, taken in zip(item.discounts, item.discount_amounts, strict=True):
            rows.append((f"    {discount.label}", f"−{format_cents(taken)}"))
    taken_off = check.totals.check_discount_amounts
    for discount, taken in zip(check.discounts, taken_off, strict=True):
        rows.append((discount.label, f"−{format_cents(taken)}"))
    rows += [(fee.name, format_cents(fee.amount)) for fee in check.fees]
    for tender in check.tenders:
        if tender.status.is_paid:
            rows.append((f"Paid with {kind_name(tender.kind)}", format_cents(tender.amount)))
    return rows


def customer_prompt(record: CheckRecord | None, *, levelup: bool) -> str:
    """The big line: what the customer can do now, or thanks."""
    if record is None or not (record.check.items or record.check.tenders):
        return "Welcome"
    totals = record.check.totals
    if record.state is CheckState.CLOSED:
        change = f" Your change: {format_cents(totals.change_due)}" if totals.change_due else ""
        return f"Thank you!{change}"
    if record.state is CheckState.VOIDED:
        return "This order was cancelled."
    if record.state is CheckState.REFUNDED:
        return "Refunded. Thank you!"
    if record.in_flight:
        return "One moment, please…"
    if record.state.takes_payments and totals.balance_due > 0 and levelup:
        return "Scan your LevelUp code"
    return ""


class CustomerDisplay(QWidget):
    """A window of its own for the customer, updated from the till."""

    def __init__(self, till: Till, register: QWidget, *, mode: str, levelup: bool) -> None:
        """``register``: the cashier's window (the display goes on another screen);
        ``mode``: the setting, ``auto`` or ``on``; ``levelup``: LevelUp is offered."""
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("customer-display")
        self.setWindowTitle("Your order")
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resize(800, 600)
        self._register, self._mode, self._levelup = register, mode, levelup
        self._placing = False
        """Shown and moved with the screens, from :meth:`start` until :meth:`stop`."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(label("Your order", "display-heading"))
        self.lines = QTreeWidget()
        self.lines.setColumnCount(2)
        self.lines.setHeaderHidden(True)
        self.lines.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.lines.header().setStretchLastSection(False)
        self.lines.setRootIsDecorated(False)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.lines, 1)
        grid = QGridLayout()
        self.totals: dict[str, tuple[QLabel, QLabel]] = {}
        for row, name in enumerate(_TOTALS):
            value = label("", "display-total")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.totals[name] = (label(name, "display-total"), value)
            grid.addWidget(self.totals[name][0], row, 0)
            grid.addWidget(value, row, 1)
        layout.addLayout(grid)
        self.due = label("", "display-due")
        self.due.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.due)
        self.prompt = label("", "display-prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.prompt)
        till.check_changed.connect(self.show_record)
        self.show_record(till.record)

    def show_record(self, record: CheckRecord | None) -> None:
        self.lines.clear()
        for name, amount in customer_lines(record):
            row = QTreeWidgetItem(self.lines, [name, amount])
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        last = self.lines.topLevelItem(self.lines.topLevelItemCount() - 1)
        if last is not None:
            self.lines.scrollToItem(last)
        started = record is not None and bool(record.check.items or record.check.tenders)
        values = _total_values(record) if record is not None and started else {}
        for name, (name_label, value) in self.totals.items():
            cents = values.get(name, 0)
            shown = name in values and (name in ("Total", "Tax") or bool(cents))
            name_label.setVisible(shown)
            value.setVisible(shown)
            value.setText(format_cents(cents))
        self.due.setText(due_line(record) if record is not None and started else "")
        self.prompt.setText(customer_prompt(record, levelup=self._levelup))

    def start(self) -> None:
        """Show it where it belongs, and again whenever a screen comes or goes."""
        self._placing = True
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._screens_changed)
            app.screenRemoved.connect(self._screens_changed)
        self.place()

    def _screens_changed(self) -> None:
        QTimer.singleShot(0, self.place)  # once Qt has moved its windows off a screen gone

    def place(self) -> None:
        """Full screen on a screen other than the register's; with one screen, a window of
        its own when the setting is ``on``, else hidden."""
        if not self._placing:
            return
        register_screen = self._register.screen()
        others = [s for s in QGuiApplication.screens() if s is not register_screen]
        if others and not (self.isFullScreen() and self.screen() is others[0]):
            self.showNormal()
            self.setGeometry(others[0].geometry())
            self.showFullScreen()
        elif not others and self._mode == "on":
            self.showNormal()
        elif not others:
            self.hide()

    def stop(self) -> None:
        """Closed for good (the session ends): no screen change shows it again."""
        self._placing = False
        self.close()


def _total_values(record: CheckRecord) -> dict[str, int]:
    totals = record.check.totals
    return {
        "Subtotal": totals.subtotal,
        "Discounts": -totals.discounts,
        "Fees": totals.fees,
        "Tax": totals.tax,
        "Total": totals.grand_total,
        "Paid": totals.paid,
    }
