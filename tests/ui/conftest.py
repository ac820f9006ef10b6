"""A demo register window against its embedded sandbox, driven as a cashier would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.engine import CheckRecord
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from pos_app.ui.launch import register_session
from pos_app.ui.session import RegisterSession

WAIT_MS = 15_000
D = TypeVar("D", bound=QDialog)


class Cashier:
    """The register under test and what a cashier does with it."""

    def __init__(self, session: RegisterSession, qtbot) -> None:
        self.session = session
        self.window = session.window
        self.till = session.till
        self.qtbot = qtbot
        self.admin = SandboxAdmin(session.terminal.levelup_url)

    def wait(self, condition, timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout)

    def settle(self) -> None:
        """Wait until the engine lane has nothing left to do."""
        self.wait(lambda: self.till.lane.idle)

    def click(self, widget: QWidget) -> None:
        assert widget.isEnabled(), f"{widget!r} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def tap_item(self, name: str) -> None:
        """Tap the item's category, then the item."""
        [item] = [i for i in self.window.catalog.items if i.name == name]
        [pill] = [b for b in self.window.menu.categories.buttons() if b.text() == item.category]
        self.click(pill)
        tile = self.window.findChild(QPushButton, f"item:{name}")
        assert tile is not None
        self.click(tile)
        self.settle()

    def scan_customer(self, name: str) -> None:
        """The customer holds their phone to the scanner (the demo panel's button)."""
        customers = self.session.customers
        assert customers is not None
        customers.scanned.emit(self.code(name))

    def code(self, name: str) -> str:
        customers = self.session.customers
        assert customers is not None
        self.wait(lambda: name in customers.codes)
        return customers.codes[name]

    def dialog(self, kind: type[D]) -> D:
        """The dialog on top, once it is of ``kind``."""
        self.wait(lambda: bool(self.window.dialogs) and isinstance(self.window.dialogs[-1], kind))
        dialog = self.window.dialogs[-1]
        assert isinstance(dialog, kind)
        return dialog

    def button(self, parent: QWidget, text: str) -> QPushButton:
        matches = [
            b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()
        ]
        assert matches, f"no visible button {text!r} in {parent!r}"
        return matches[0]

    def enter_pin(self, dialog, staff_id: str, pin: str) -> None:
        """A person types their id and PIN into a sign-in or manager dialog and confirms."""
        dialog.staff_id.setText(staff_id)
        dialog.pin.setText(pin)
        if hasattr(dialog, "reason") and not dialog.reason.currentText():
            dialog.reason.setCurrentIndex(0)  # the manager chooses a reason
        self.click(dialog.ok)

    def type_fast(self, text: str) -> None:
        """Keys as a keyboard-wedge scanner types them: a burst ended by Enter."""
        window = QApplication.focusWindow() or self.window.windowHandle()
        for char in text:
            QTest.keyClick(window, char)  # type: ignore[call-overload]  # in PySide6, not its stubs
        QTest.keyClick(window, Qt.Key.Key_Return)

    def type_slowly(self, text: str) -> None:
        """Keys as a person types them."""
        window = QApplication.focusWindow() or self.window.windowHandle()
        for char in text:
            QTest.keyClick(window, char)  # type: ignore[call-overload]
            QTest.qWait(80)
        QTest.qWait(80)

    @property
    def record(self) -> CheckRecord:
        record = self.till.record
        assert record is not None
        return record

    def fault(self, **rule) -> None:
        self.admin.add_fault(**rule)

    def orders(self) -> list[dict]:
        return self.admin.orders()


@contextmanager
def register_window(qtbot, tmp_path: Path, **settings: str) -> Iterator[Cashier]:
    """A demo register's window, signed in, with ``settings`` (``offline.enabled="true"``)."""
    data = tmp_path / "register"
    key = tmp_path / "secret.key"
    if settings:
        sign_in_to_sandbox(Paths(data), None, {}, key_path=key)
        set_settings(Paths(data), {}, {k.replace("__", "."): v for k, v in settings.items()})
    terminal = open_register(Paths(data), {}, key_path=key)
    session = register_session(terminal)
    session.start()
    session.window.resize(1024, 768)
    session.window.activateWindow()
    person = Cashier(session, qtbot)
    person.wait(lambda: session.till.cashier is not None)
    person.settle()
    try:
        yield person
    finally:
        person.admin.close()
        session.close()
        terminal.close()


@pytest.fixture
def cashier(qtbot, tmp_path: Path) -> Iterator[Cashier]:
    with register_window(qtbot, tmp_path) as person:
        yield person
