"""The quantity keypad under the menu: the cashier types "3", then "Qty ×" (or * on the
keyboard), then taps or scans the item, which goes on the check three times.

Digits and * typed on the keyboard reach the pad when no widget with focus takes them (a
text field keeps what is typed into it, the item search included): the pad watches the keys
that come up to its window. A scanner's burst never does (the wedge filter takes it first).
"""

from __future__ import annotations

from pos_app.domain.items import MAX_QUANTITY
from pos_app.ui.qt import QEvent, QGridLayout, QKeyEvent, QObject, QShowEvent, Qt, QWidget
from pos_app.ui.widgets import button, label, restyle, watch_window

IDLE = "Quantity: type it, then Qty ×"
TIMES = ("*", "×")
_NOT_TYPING = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class QuantityPad(QWidget):
    """Digits, C and "Qty ×"; :meth:`take` is the quantity for the next item (1 unless one
    was typed and armed with ×)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.typed = ""
        self.armed: int | None = None
        self._window: QWidget | None = None
        self.display = label(IDLE, "subtle")
        self.clear_key = button("C", "key", tip="Clear the quantity")
        self.times_key = button("Qty ×", "primary", tip="The next item, this many times (*)")
        self.clear_key.clicked.connect(self.clear)
        self.times_key.clicked.connect(self.times)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        grid.addWidget(self.display, 0, 0, 1, 3)
        grid.addWidget(self.clear_key, 0, 3)
        grid.addWidget(self.times_key, 0, 4)
        for index, digit in enumerate("1234567890"):
            key = button(digit, "key")
            key.clicked.connect(lambda _=False, d=digit: self.press(d))
            grid.addWidget(key, 1 + index // 5, index % 5)
            grid.setColumnStretch(index % 5, 1)

    def press(self, digit: str) -> None:
        if self.armed is not None:  # a new number after "3 ×": start again
            self.armed = None
            self.typed = ""
        if int(self.typed + digit) <= MAX_QUANTITY:
            self.typed = (self.typed + digit).lstrip("0")
        self._show(self.typed or IDLE, "heading" if self.typed else "subtle")

    def times(self) -> None:
        if not self.typed:
            self._show("Type the quantity first, then Qty ×", "error")
            return
        self.armed, self.typed = int(self.typed), ""
        self._show(f"{self.armed} × — tap or scan the item", "heading")

    def take(self) -> int:
        """The quantity for the item chosen now; the pad is cleared for the next one."""
        quantity = self.armed or 1
        self.clear()
        return quantity

    def clear(self) -> None:
        self.typed, self.armed = "", None
        self._show(IDLE, "subtle")

    def _show(self, text: str, role: str) -> None:
        self.display.setText(text)
        restyle(self.display, role)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Watch the keys that come up to the window the pad is shown in."""
        super().showEvent(event)
        self._window = watch_window(self, self._window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is not self._window
            or not self.isVisible()
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or event.modifiers() & _NOT_TYPING
        ):
            return False
        text = event.text()
        if text in TIMES:
            self.times()
        elif len(text) == 1 and text.isdigit() and text.isascii():
            self.press(text)
        else:
            return False
        return True
