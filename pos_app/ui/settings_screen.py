"""Settings a store changes at the register: register id, location, scanner (with discovery
and a live test), offline policy. Saving needs an admin's PIN; the terminal audits the change,
then writes ``settings.toml`` in one validated write (:meth:`Terminal.change_settings`). The
scanner changes at once; the rest when the register restarts (a payment in progress is never
cut off)."""

from __future__ import annotations

from drivers.discovery import Found
from pos_app.app import Location
from pos_app.app.scanners import TEST_SECONDS, found_scanners
from pos_app.engine import SETTINGS_TARGET, ApprovalAction, ManagerApproval
from pos_app.host.settings import Settings
from pos_app.ui.lane import gone
from pos_app.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    Qt,
    QTimer,
    QWidget,
)
from pos_app.ui.session import RegisterSession
from pos_app.ui.widgets import MoneyEdit, button, cancel_and_ok, dialog_layout, label


class SettingsDialog(QDialog):
    test_seconds: float = TEST_SECONDS
    """How long the scanner test waits for a code."""

    def __init__(self, session: RegisterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._session = session
        config = session.terminal.config
        layout = dialog_layout(self, width=640)
        layout.addWidget(label("Register settings", "heading"))
        if config.levelup.demo:
            layout.addWidget(
                label("Demo mode: this register pays into the built-in LevelUp sandbox.", "banner")
            )
        form = QFormLayout()
        self.register_id = QLineEdit(config.register_.id)
        form.addRow("Register id", self.register_id)
        self.location = QComboBox()
        self.location.setEditable(True)
        self.location.addItem(str(config.levelup.location_id or ""))
        form.addRow("LevelUp location", self.location)
        scanner_row = QHBoxLayout()
        self.scanner_url = QComboBox()
        self.scanner_url.setEditable(True)
        self.scanner_url.addItem(config.scanner.url)
        self.scanner_url.setToolTip(
            "serial:///dev/ttyACM0 or hid://0c2e:0b61; empty for a keyboard-wedge scanner, "
            "which the register reads whatever has focus"
        )
        self.find_button = button("Find")
        self.find_button.clicked.connect(self._find)
        self.test = button("Test")
        self.test.clicked.connect(self._test)
        scanner_row.addWidget(self.scanner_url, 1)
        scanner_row.addWidget(self.find_button)
        scanner_row.addWidget(self.test)
        form.addRow("Scanner", scanner_row)
        self.scanner_note = label("Empty: keyboard-wedge scanners only.", "subtle")
        form.addRow("", self.scanner_note)
        offline = config.offline
        self.offline = QCheckBox("Take LevelUp payments offline when LevelUp is unreachable")
        self.offline.setChecked(offline.enabled)
        self.max_order = MoneyEdit()
        self.max_order.set_cents(offline.max_order)
        self.max_total = MoneyEdit()
        self.max_total.set_cents(offline.max_total)
        self.max_count = QSpinBox()
        self.max_count.setRange(0, 10_000)
        self.max_count.setValue(offline.max_count)
        self.max_age = QSpinBox()
        self.max_age.setRange(1, 24 * 14)
        self.max_age.setValue(offline.max_age_hours)
        form.addRow("Offline", self.offline)
        form.addRow("Largest offline payment", self.max_order)
        form.addRow("Most owed offline in all", self.max_total)
        form.addRow("Most payments queued", self.max_count)
        form.addRow("Oldest queued payment (hours)", self.max_age)
        layout.addLayout(form)
        self.error = label("", "error")
        layout.addWidget(self.error)
        _, self.save = cancel_and_ok(
            self, layout, "Save (admin PIN)", "primary", self._save, stretch=True
        )
        session.helpers.run(
            session.terminal.client.managed_locations, self._locations, lambda e: None, owner=self
        )

    def _locations(self, locations: list[Location]) -> None:
        current = self.location.currentText()
        self.location.clear()
        for location in locations:
            self.location.addItem(f"{location.id} — {location.name}", location.id)
        index = self.location.findData(int(current)) if current.isdigit() else -1
        self.location.setCurrentIndex(max(index, 0))

    def _find(self) -> None:
        self.scanner_note.setText("Looking for scanners…")
        self._session.helpers.run(found_scanners, self._found, self._not_found, owner=self)

    def _found(self, found: list[Found]) -> None:
        for device in found:
            self.scanner_url.addItem(f"{device.url}", device.url)
        self.scanner_note.setText(
            f"Found {len(found)} device(s): pick one and press Test."
            if found
            else "No serial or HID scanner found. Is it plugged in?"
        )

    def _not_found(self, error: Exception) -> None:
        self.scanner_note.setText(f"Looking for scanners failed: {error}")

    def _test(self) -> None:
        url = self.scanner_url.currentText().strip()
        if not url:
            self.scanner_note.setText("Type or find a scanner URL first.")
            return
        self.scanner_note.setText(f"Scan any code within {self.test_seconds:.0f} s…")
        self.test.setEnabled(False)
        self._session.test_scanner(url, self._tested, seconds=self.test_seconds, owner=self)

    def _tested(self, result: str) -> None:
        self.test.setEnabled(True)
        self.scanner_note.setText(result)

    def changes(self) -> dict[str, str]:
        """The settings this screen would write, as ``section.key`` strings."""
        location = self.location.currentData() or self.location.currentText().split(" ")[0]
        return {
            "register.id": self.register_id.text().strip(),
            "levelup.location_id": str(location).strip(),
            "scanner.url": self.scanner_url.currentText().strip(),
            "offline.enabled": "true" if self.offline.isChecked() else "false",
            "offline.max_order": str(self.max_order.cents() or 0),
            "offline.max_total": str(self.max_total.cents() or 0),
            "offline.max_count": str(self.max_count.value()),
            "offline.max_age_hours": str(self.max_age.value()),
        }

    def _save(self) -> None:
        changes = self.changes()
        window = self._session.window
        window.operations.approve_then(
            None,
            ApprovalAction.CHANGE_SETTINGS,
            SETTINGS_TARGET,
            "Change this register's settings (an admin's PIN).",
            lambda approval: self._write(approval, changes),
        )

    def _write(self, approval: ManagerApproval, changes: dict[str, str]) -> None:
        session = self._session
        terminal = session.terminal

        def written(settings: Settings) -> None:  # whether or not this dialog is still open
            session.open_scanner(settings.scanner.url)
            session.window.say(
                "Settings saved. The scanner changed now; register id, location and offline "
                "policy take effect when the register restarts."
            )
            if not gone(self):
                QTimer.singleShot(0, self.accept)

        session.till.lane.run(
            lambda: terminal.change_settings(approval, changes), written, self._refused
        )

    def _refused(self, error: Exception) -> None:
        if not gone(self):
            self.error.setText(str(error))
