"""The keyboard-wedge filter: a scanner typing into the app never types into a text field.

Installed on the application, it sees every key as the window system delivers it to a window,
before any widget does, and asks :class:`drivers.wedge.BurstDetector` what it is. Keys that
may be part of a scan are held back; when they turn out to be a person's typing they are
delivered as they were (within ``max_gap``, 50 ms), and when they were a scan the label goes
to :attr:`WedgeFilter.scanned` and no widget ever sees those keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.wedge import ENTER, TAB, BurstDetector, Scanned, Typed
from pos_app.ui.qt import (
    QApplication,
    QEvent,
    QGuiApplication,
    QKeyEvent,
    QObject,
    Qt,
    QTimer,
    QWindow,
    Signal,
    isValid,
)

_TERMINATORS = {Qt.Key.Key_Return: ENTER, Qt.Key.Key_Enter: ENTER, Qt.Key.Key_Tab: TAB}
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_MODIFIERS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta}


class WedgeFilter(QObject):
    """Application-wide event filter that turns scanner bursts into :attr:`scanned` labels."""

    scanned = Signal(str)

    def __init__(
        self,
        detector: BurstDetector | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._detector = detector or BurstDetector()
        self._clock = clock
        self._held: list[tuple[QWindow, QKeyEvent]] = []
        self._replaying = False
        self._offset = 0.0  # our clock minus the window system's, at the last key
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            self._replaying
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(watched, QWindow)
            or not isinstance(event, QKeyEvent)
        ):
            return False
        key = self._key_text(event)
        # Only plain keys and Shift can be a scanner's: Ctrl/Alt shortcuts are a person's.
        if event.modifiers() & ~(_SHIFT | Qt.KeyboardModifier.KeypadModifier):
            key = "<shortcut>"
        self._timer.stop()
        swallowed = False
        for decision in self._detector.feed(key, self._pressed_at(event)):
            if isinstance(decision, Scanned):
                self._held.clear()
                self.scanned.emit(decision.label)
                swallowed = True
            elif isinstance(decision, Typed):
                self._release()
        if self._detector.holding:
            self._held.append((watched, self._copy(event)))
            self._timer.start(int(self._detector.max_gap * 1000) + 5)
            return True
        return swallowed

    def _key_text(self, event: QKeyEvent) -> str:
        key = Qt.Key(event.key())
        if key in _TERMINATORS:
            return _TERMINATORS[key]
        if key in _MODIFIERS:
            return ""
        text = event.text()
        return text if len(text) == 1 and text.isprintable() else "<key>"

    def _pressed_at(self, event: QKeyEvent) -> float:
        """When the key was pressed, by the window system's clock where it says: a GUI thread
        busy for a moment must not make a scanner's burst look like a person's typing."""
        now = self._clock()
        if not event.timestamp():
            self._offset = 0.0
            return now
        pressed = event.timestamp() / 1000
        self._offset = now - pressed
        return pressed

    def _tick(self) -> None:
        for decision in self._detector.tick(self._clock() - self._offset):
            if isinstance(decision, Typed):
                self._release()
        if self._detector.holding:
            self._timer.start(int(self._detector.max_gap * 1000) + 5)

    def _release(self) -> None:
        """Deliver the held keys, which were a person's, to the windows they were typed in."""
        held, self._held = self._held, []
        self._replaying = True
        try:
            for window, event in held:
                target = window if isValid(window) else QGuiApplication.focusWindow()
                if target is not None:  # the window closed within 50 ms: to the one now in use
                    QApplication.sendEvent(target, event)
        finally:
            self._replaying = False

    @staticmethod
    def _copy(event: QKeyEvent) -> QKeyEvent:
        return QKeyEvent(
            event.type(),
            event.key(),
            event.modifiers(),
            event.text(),
            event.isAutoRepeat(),
            event.count(),
        )
