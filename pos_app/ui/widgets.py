"""Small widgets the register's screens share: buttons with roles for the style sheet,
a money field, a touch keypad, a row of radio choices, and the box that tells a problem in
plain words with the detail one click away."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pos_app.domain import DomainError, format_cents, parse_cents
from pos_app.ui.qt import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QDialog,
    QEvent,
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLayout,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QResizeEvent,
    QScrollArea,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
)


def button(
    text: str,
    role: str = "",
    *,
    shortcut: str = "",
    tip: str = "",
    parent: QWidget | None = None,
) -> QPushButton:
    """A touch-sized button; ``role`` picks its look in the style sheet (``levelup``,
    ``cash``, ``danger``, ...), ``shortcut`` its key, shown in the tooltip."""
    widget = QPushButton(text, parent)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    if shortcut:
        widget.setShortcut(QKeySequence(shortcut))
        tip = f"{tip} ({shortcut})" if tip else shortcut
    if tip:
        widget.setToolTip(tip)
    return widget


def dialog_layout(dialog: QDialog, *, width: int = 400, resizable: bool = False) -> QVBoxLayout:
    """A dialog's main layout, at least ``width`` wide. A small dialog is always the size
    its contents want, growing when a message appears, so nothing (a keypad's last row) is
    squeezed out of sight; a ``resizable`` one (a list) can be made larger, never smaller
    than its contents."""
    layout = QVBoxLayout(dialog)
    layout.addStrut(width)
    layout.setSizeConstraint(
        QLayout.SizeConstraint.SetMinimumSize if resizable else QLayout.SizeConstraint.SetFixedSize
    )
    return layout


def cancel_and_ok(
    dialog: QDialog,
    layout: QBoxLayout,
    ok_text: str,
    ok_role: str,
    on_ok: Callable[[], object],
    *,
    stretch: bool = False,
) -> tuple[QPushButton, QPushButton]:
    """The row that ends a dialog: Cancel (Escape) and its action, the default (Enter)."""
    row = QHBoxLayout()
    cancel = button("Cancel", shortcut="Esc")
    cancel.clicked.connect(dialog.reject)
    ok = button(ok_text, ok_role)
    ok.setDefault(True)
    ok.clicked.connect(on_ok)
    if stretch:
        row.addStretch()
    row.addWidget(cancel)
    row.addWidget(ok)
    layout.addLayout(row)
    return cancel, ok


def label(text: str = "", role: str = "", parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setProperty("role", role)
    widget.setWordWrap(True)
    return widget


def radio_row(
    owner: QWidget, texts: Sequence[str], checked: int = 0
) -> tuple[QHBoxLayout, list[QRadioButton]]:
    """Radio buttons in a row, one group owned by ``owner``, the one at ``checked`` chosen."""
    row = QHBoxLayout()
    group = QButtonGroup(owner)
    radios = []
    for index, text in enumerate(texts):
        radio = QRadioButton(text)
        radio.setChecked(index == checked)
        group.addButton(radio)
        row.addWidget(radio)
        radios.append(radio)
    row.addStretch()  # each as wide as its text, so a tap on it always hits it
    return row, radios


def restyle(widget: QWidget, role: str) -> None:
    """Change a widget's role and apply the style sheet's rules for it at once."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class MoneyEdit(QLineEdit):
    """A field for dollars and cents (``12``, ``12.5``, ``$12.50``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("0.00")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setProperty("role", "money")
        self.suggested = False
        """The amount shown is a suggestion (what is due): the first digit typed replaces it."""

    def set_cents(self, cents: int) -> None:
        self.setText(format_cents(cents).removeprefix("$"))

    def suggest(self, cents: int) -> None:
        """Show ``cents`` to take as it is, or to type over."""
        self.set_cents(cents)
        self.selectAll()
        self.suggested = True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        erases = event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
        if self.suggested and (erases or (text and text.isprintable())):
            self.clear()
        self.suggested = False
        super().keyPressEvent(event)

    def cents(self) -> int | None:
        """The amount typed, or None when it is not an amount."""
        return self.cents_of(self.text())

    @staticmethod
    def cents_of(text: str) -> int | None:
        try:
            return parse_cents(text)
        except DomainError:
            return None


class Keypad(QWidget):
    """Digits for a touch screen, typed into ``target``, or into whichever of ``target`` and
    ``also`` had focus last. In the keypad's window, digits, the point and Backspace typed
    on the keyboard while a control that does not take text has focus (a radio button, a
    button) go to that field too, so a tap on a choice never loses what is typed next."""

    def __init__(
        self, target: QLineEdit, parent: QWidget | None = None, *, also: Sequence[QLineEdit] = ()
    ) -> None:
        super().__init__(parent)
        self.target = target
        """The field the keys type into now."""
        self._fields = (target, *also)
        self._window: QWidget | None = None
        for field in self._fields:
            field.installEventFilter(self)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        secret = target.echoMode() != QLineEdit.EchoMode.Normal
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "C" if secret else ".", "0", "⌫"]
        for index, key in enumerate(keys):
            key_button = button(key, "key")
            key_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key_button.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(key_button, index // 3, index % 3)

    def _press(self, key: str) -> None:
        self.target.setFocus()
        if key == "C":
            self.target.clear()
        else:  # as if typed, so a field that reacts to keys (a suggested amount) does
            code = Qt.Key.Key_Backspace if key == "⌫" else Qt.Key(ord(key))
            text = "" if key == "⌫" else key
            press = QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier, text)
            QApplication.sendEvent(self.target, press)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Watch the keys of the window the keypad is shown in (once it is in one)."""
        super().showEvent(event)
        self._window = watch_window(self, self._window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.target = watched  # one of the fields: only they are watched for focus
        elif (
            watched is self._window
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and _amount_key(event)
        ):
            # The focused control left this key alone, so it came up to the window.
            self.target.setFocus()
            QApplication.sendEvent(
                self.target,
                QKeyEvent(event.type(), event.key(), event.modifiers(), event.text()),
            )
            return True
        return False


_NOT_TYPING = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def _amount_key(event: QKeyEvent) -> bool:
    """A digit, the point or Backspace, typed without Ctrl, Alt or Meta."""
    if event.modifiers() & _NOT_TYPING:
        return False
    text = event.text()
    return event.key() == Qt.Key.Key_Backspace or (len(text) == 1 and text in "0123456789.")


class ProblemBox(QDialog):
    """A problem told to the cashier: what happened and what to do, in plain words; the
    detail for a maintainer behind "Details"."""

    def __init__(
        self, title: str, message: str, detail: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        layout = dialog_layout(self, width=480)
        heading = label(title, "heading")
        self.message = label(message, "problem")
        layout.addWidget(heading)
        layout.addWidget(self.message)
        self.detail = QPlainTextEdit(detail)
        self.detail.setReadOnly(True)
        self.detail.setVisible(False)
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        self.details_button = button("Details", "quiet")
        self.details_button.setVisible(bool(detail))
        self.details_button.clicked.connect(self._toggle)
        copy = button("Copy details", "quiet")
        copy.setVisible(False)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(detail))
        self._copy = copy
        ok = button("OK", "primary")
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        row.addWidget(self.details_button)
        row.addWidget(copy)
        row.addStretch()
        row.addWidget(ok)
        layout.addLayout(row)

    def _toggle(self) -> None:
        shown = not self.detail.isVisible()
        self.detail.setVisible(shown)
        self._copy.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")


class TileArea(QScrollArea):
    """Buttons in a grid that fits as many columns as the width allows (``tile_width``
    each), so a 1024-pixel-wide screen and a wide one both show whole tiles."""

    def __init__(
        self, tile_width: int = 150, *, fit_height: bool = False, parent: QWidget | None = None
    ) -> None:
        """With ``fit_height`` the area is as tall as its tiles (it never scrolls)."""
        super().__init__(parent)
        self.fit_height = fit_height
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tile_width = tile_width
        self.tiles: list[QWidget] = []
        self._columns = 0

    def set_tiles(self, tiles: Sequence[QWidget]) -> None:
        self.tiles = list(tiles)
        self._columns = 0
        self._arrange()

    def _arrange(self) -> None:
        columns = max(1, self.viewport().width() // self.tile_width)
        if columns == self._columns and self.widget() is not None:
            return
        self._columns = columns
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setSpacing(8)
        for index, tile in enumerate(self.tiles):
            grid.addWidget(tile, index // columns, index % columns)
        grid.setRowStretch(grid.rowCount(), 1)
        self.setWidget(inner)
        if self.fit_height:
            grid.setContentsMargins(0, 0, 0, 0)
            self.setFixedHeight(inner.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._arrange()


def watch_window(watcher: QWidget, watched: QWidget | None) -> QWidget:
    """Move ``watcher``'s event filter from ``watched`` to the window it is shown in now;
    return that window."""
    window = watcher.window()
    if window is not watched:
        if watched is not None:
            watched.removeEventFilter(watcher)
        window.installEventFilter(watcher)
    return window
