"""The check on screen: its lines (items with modifiers and discounts, check discounts,
fees, payments) and its totals, with the balance due large."""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain import CheckState, Discount, TenderStatus, format_cents
from pos_app.engine import CheckRecord
from pos_app.ui.qt import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pos_app.ui.widgets import label, restyle
from pos_app.ui.wording import due_line, heading, quantity_text, tender_details, tender_title


@dataclass(frozen=True)
class Line:
    """What a row of the check stands for: ``kind`` is item, discount, fee or tender."""

    kind: str
    key: int | str  # a line id, a discount or fee index, or a tender id


_TENDER_COLORS = {
    TenderStatus.DECLINED: Qt.GlobalColor.gray,
    TenderStatus.VOID: Qt.GlobalColor.gray,
    TenderStatus.REFUNDED: Qt.GlobalColor.gray,
    TenderStatus.UNKNOWN: Qt.GlobalColor.red,
}


class CheckView(QWidget):
    """The lines and totals of one check (or an empty check)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        self.heading = label("New check", "heading")
        layout.addWidget(self.heading)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Qty", "Amount"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.tree, 1)
        totals = QGridLayout()
        totals.setVerticalSpacing(2)
        totals.setContentsMargins(8, 0, 8, 0)
        self._totals: dict[str, tuple[QLabel, QLabel]] = {}
        for row, name in enumerate(
            ("Subtotal", "Discounts", "Fees", "Tax", "Total", "Paid", "Tip", "Change", "Given back")
        ):
            name_label, value = label(name, "subtle"), label("")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            totals.addWidget(name_label, row, 0)
            totals.addWidget(value, row, 1)
            self._totals[name] = (name_label, value)
        layout.addLayout(totals)
        self.due = label("Due $0.00", "due")
        self.due.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.due)
        self._shown: CheckRecord | None = None
        self.show_record(None)

    def selected(self) -> Line | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        line = item.data(0, Qt.ItemDataRole.UserRole)
        return line if isinstance(line, Line) else None

    def show_record(self, record: CheckRecord | None) -> None:
        previous = self.selected()
        self.tree.clear()
        if record is None:
            self._shown = None
            self.heading.setText("New check — scan or tap an item")
            self._set_totals({})
            self.due.setText("Due $0.00")
            restyle(self.due, "due")
            return
        check = record.check
        self.heading.setText(heading(record))
        for item in check.items:
            row = self._row([item.name, quantity_text(item), format_cents(item.standard_price)])
            row.setData(0, Qt.ItemDataRole.UserRole, Line("item", item.line_id))
            for modifier in item.modifiers:
                price = modifier.unit_price * modifier.quantity * item.quantity
                child = self._row(
                    [f"    + {modifier.name}", "", format_cents(price) if price else ""]
                )
                child.setData(0, Qt.ItemDataRole.UserRole, Line("item", item.line_id))
            for discount, taken in zip(item.discounts, item.discount_amounts, strict=True):
                child = self._row([f"    {discount.label}", "", _discount_text(discount, taken)])
                child.setData(0, Qt.ItemDataRole.UserRole, Line("item", item.line_id))
        totals = check.totals
        for index, (discount, taken) in enumerate(
            zip(check.discounts, totals.check_discount_amounts, strict=True)
        ):
            row = self._row([discount.label, "", _discount_text(discount, taken)])
            row.setData(0, Qt.ItemDataRole.UserRole, Line("discount", index))
        for index, fee in enumerate(check.fees):
            row = self._row([fee.name, "", format_cents(fee.amount)])
            row.setData(0, Qt.ItemDataRole.UserRole, Line("fee", index))
        for tender in check.tenders:
            line = Line("tender", tender.tender_id)
            rows = [self._row([tender_title(tender), "", format_cents(tender.shown_amount)])]
            payer = record.info(tender.tender_id).payer
            rows += [self._row([f"    {part}", "", ""]) for part in tender_details(tender, payer)]
            color = _TENDER_COLORS.get(tender.status)
            for row in rows:
                row.setData(0, Qt.ItemDataRole.UserRole, line)
                if color is not None:
                    for column in range(3):
                        row.setForeground(column, color)
        self._set_totals(
            {
                "Subtotal": totals.subtotal,
                "Discounts": -totals.discounts,
                "Fees": totals.fees,
                "Tax": totals.tax,
                "Total": totals.grand_total,
                "Paid": totals.paid,
                "Tip": totals.tip,
                "Change": totals.change_due,
                "Given back": totals.returned,
            }
        )
        self.due.setText(due_line(record))
        settled = record.state in (CheckState.CLOSED, CheckState.VOIDED, CheckState.REFUNDED)
        restyle(self.due, "due-paid" if settled else "due")
        grown = grown_line(self._shown, record)
        self._shown = record
        self._reselect(previous if grown is None else Line("item", grown))

    def _row(self, texts: list[str]) -> QTreeWidgetItem:
        row = QTreeWidgetItem(self.tree, texts)
        row.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
        row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return row

    def _set_totals(self, values: dict[str, int]) -> None:
        for name, (name_label, value) in self._totals.items():
            cents = values.get(name, 0)
            shown = name in ("Subtotal", "Tax", "Total") or bool(cents)
            name_label.setVisible(shown)
            value.setVisible(shown)
            value.setText(format_cents(cents))

    def _reselect(self, line: Line | None) -> None:
        """Select ``line`` (its first row) and scroll all its rows into view."""
        if line is None:
            return
        rows = [
            row
            for row in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
            if row is not None and row.data(0, Qt.ItemDataRole.UserRole) == line
        ]
        if rows:
            self.tree.setCurrentItem(rows[0])
            self.tree.scrollToItem(rows[-1])
            self.tree.scrollToItem(rows[0])


def grown_line(before: CheckRecord | None, after: CheckRecord) -> int | None:
    """The line a change to the check added or raised the quantity of (the last one, for a
    check newly on screen), to select: the cashier sees what the tap or scan did."""
    was: dict[int, int] = {}
    if before is not None and before.check_id == after.check_id:
        was = {line.line_id: line.quantity for line in before.check.items}
    grown = [line.line_id for line in after.check.items if line.quantity > was.get(line.line_id, 0)]
    return grown[-1] if grown else None


def _discount_text(discount: Discount, taken: int) -> str:
    """What a discount takes, in dollars (and its percent, when it is one)."""
    amount = f"−{format_cents(taken)}"
    return f"−{discount.percent}% ({amount})" if discount.percent is not None else amount
