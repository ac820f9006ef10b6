"""Split evenly: what is due shared among a number of people, the last share taking the odd
cents; a row of touch buttons that fills an amount field with one share."""

from __future__ import annotations

from collections.abc import Callable

from pos_app.domain import format_cents
from pos_app.ui.qt import QHBoxLayout, QVBoxLayout, QWidget, Signal
from pos_app.ui.widgets import Keypad, MoneyEdit, button, label, restyle

MAX_WAYS = 20


def split_evenly(due: int, ways: int) -> list[int]:
    """``due`` in ``ways`` shares of whole cents: equal, the last taking what is over.
    Fewer ways when there are fewer cents than people (every share pays something)."""
    ways = max(1, min(ways, due))
    share = due // ways
    return [share] * (ways - 1) + [due - share * (ways - 1)]


class SplitRow(QWidget):
    """ "Split evenly" among a number of ways (− and + to choose); fills ``target`` with the
    first share of what ``due()`` says and tells the shares (:attr:`split`)."""

    split = Signal(object)  # list[int]: the shares, the one filled in first

    def __init__(self, target: MoneyEdit, due: Callable[[], int], parent: QWidget | None = None):
        super().__init__(parent)
        self._target, self._due = target, due
        self.ways = 2
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        fewer, more = button("−", "key"), button("+", "key")
        fewer.clicked.connect(lambda: self._set_ways(self.ways - 1))
        more.clicked.connect(lambda: self._set_ways(self.ways + 1))
        self.count = label("", "heading")
        self.even = button("Split evenly")
        self.even.clicked.connect(self._split)
        for widget in (fewer, self.count, more, self.even):
            row.addWidget(widget)
        self._set_ways(2)

    def _set_ways(self, ways: int) -> None:
        self.ways = max(2, min(MAX_WAYS, ways))
        self.count.setText(f"{self.ways} ways")

    def _split(self) -> None:
        shares = split_evenly(self._due(), self.ways)
        self._target.set_cents(shares[0])
        self.even.setToolTip(", ".join(format_cents(share) for share in shares))
        self.split.emit(shares)


class PartAmount(QWidget):
    """How much of what is due one payment pays: all of it (the default), an amount typed or
    keyed in (**Keypad** shows the keys), or the next share of an even split (the last share
    takes the odd cents)."""

    def __init__(self, due: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._due = due
        self._shares: list[int] = []
        self._paid = 0
        """Shares of the split paid so far."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        fields = QHBoxLayout()
        fields.addWidget(label("Amount", "subtle"))
        self.amount = MoneyEdit()
        self.amount.textChanged.connect(self._changed)
        fields.addWidget(self.amount, 1)
        whole = button("All due")
        whole.clicked.connect(self._all_due)
        self.keys = button("Keypad", tip="Key in the amount")
        self.keys.setCheckable(True)
        fields.addWidget(whole)
        fields.addWidget(self.keys)
        layout.addLayout(fields)
        self.splitter = SplitRow(self.amount, due)
        self.splitter.split.connect(self._split)
        layout.addWidget(self.splitter)
        self.keypad = Keypad(self.amount)
        self.keypad.setVisible(False)  # the dialog stays small enough for a 768-pixel screen
        self.keys.toggled.connect(self.keypad.setVisible)
        layout.addWidget(self.keypad)
        self.part = label("", "subtle")
        layout.addWidget(self.part)

    def fill(self) -> None:
        """Show what the next payment pays: the next share of a split, or all that is due."""
        due = self._due()
        last = not self._shares or self._paid >= len(self._shares) - 1
        self.amount.set_cents(due if last else min(self._shares[self._paid], due))

    def share_paid(self) -> None:
        """A payment of the amount shown went through: on to the next share."""
        self._paid += 1
        self.fill()

    def chosen(self) -> int | None:
        """The amount to pay, or None (and it is said) when it cannot be paid."""
        cents, due = self.amount.cents(), self._due()
        if cents is None or not 0 < cents <= due:
            self.part.setText(f"Type an amount from $0.01 to {format_cents(due)}.")
            restyle(self.part, "error")
            return None
        return cents

    def _changed(self) -> None:
        cents, due = self.amount.cents(), self._due()
        restyle(self.part, "subtle")
        if cents is not None and 0 < cents < due:
            self.part.setText(f"Pays {format_cents(cents)} of the {format_cents(due)} due.")
        else:
            self.part.setText("")

    def _split(self, shares: list[int]) -> None:
        self._shares, self._paid = shares, 0

    def _all_due(self) -> None:
        self._shares = []
        self.fill()
