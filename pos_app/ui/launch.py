"""Starting the cashier window: ``levelup-pos`` with no command.

A small "Starting…" window shows at once; the terminal (secret store, journal, recovery of
anything a previous run left unfinished, perhaps an embedded sandbox) opens on a worker
thread, then the register window replaces it. A data directory that was never set up becomes
a demo register: the embedded sandbox, the demo catalog, demo customers and demo staff.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from drivers.scanner import Scanner, ScannerError
from drivers.url import ScannerUrlError, open_scanner
from pos_app.app.catalog import CatalogError, load_catalog
from pos_app.app.scans import CodeKind, classify
from pos_app.app.terminal import DEMO_STAFF, Terminal, TerminalError, open_register
from pos_app.domain.catalog import Catalog
from pos_app.host.instance import DataDirectoryBusy
from pos_app.host.paths import Paths
from pos_app.host.resources import resources_dir
from pos_app.host.settings import SettingsError
from pos_app.journal import JournalUnusable
from pos_app.ui.bridge import ScannerBridge
from pos_app.ui.demo_panel import DemoCustomers
from pos_app.ui.lane import Lane, gone
from pos_app.ui.register import RegisterWindow
from pos_app.ui.settings_screen import scanner_test
from pos_app.ui.till import Till
from pos_app.ui.wedge import WedgeFilter
from pos_app.ui.widgets import ProblemBox, label

log = logging.getLogger(__name__)

AFTER_START_MS = 300
"""What can wait (asking LevelUp, the demo customers) starts this long after the window."""

STARTUP_ERRORS = (
    TerminalError,
    JournalUnusable,
    SettingsError,
    CatalogError,
    DataDirectoryBusy,
    OSError,
)


def style_sheet() -> str:
    """The register's style sheet (empty, and logged, when the file is missing)."""
    path = resources_dir() / "style.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("No style sheet at %s (%s): the register looks plain.", path, exc.strerror)
        return ""


def application(argv: Sequence[str] = ()) -> QApplication:
    """The one QApplication, set up for high-DPI screens and the register's style."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication([sys.argv[0] if sys.argv else "levelup-pos", *argv])
    app.setApplicationName("LevelUp POS")
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())
    return app


class RegisterSession(QObject):
    """A terminal's cashier window with everything that feeds it: the till on the engine
    lane, the keyboard-wedge filter, a scanner driver, the demo panel. :meth:`close` stops
    them in order. A QObject, so scanner signals from reader threads reach its slots on
    the GUI thread."""

    def __init__(self, terminal: Terminal, catalog: Catalog | None = None) -> None:
        super().__init__()
        self.terminal = terminal
        config = terminal.config
        location_id = config.levelup.location_id
        self.till = Till(terminal.engine, lambda: terminal.client.location(location_id or 0))
        self.helpers = Lane("register-helpers")
        demo = config.levelup.demo
        tabs: list[tuple[str, QWidget]] = []
        self.customers: DemoCustomers | None = None
        if demo:
            self.customers = DemoCustomers(terminal.levelup_url, self.helpers)
            tabs.append(("Demo customers", self.customers))
        staff = ", ".join(
            f"{role.value} {staff_id} (PIN {pin})" for staff_id, _, role, pin in DEMO_STAFF
        )
        self.window = RegisterWindow(
            self.till,
            catalog or load_catalog(),
            register_id=config.register_.id,
            demo_banner=(
                "DEMO MODE — payments go to the built-in LevelUp sandbox, no real money moves. "
                f"Staff: {staff}. Tap a demo customer to scan their code."
                if demo
                else ""
            ),
            side_tabs=tabs,
            sign_in_hint=f"Demo staff: {staff}" if demo else "",
        )
        if self.customers is not None:
            self.customers.scanned.connect(lambda text: self._log_scan("demo panel", text))
            self.customers.scanned.connect(self.window.on_scan)
        self.wedge = WedgeFilter(parent=self.window)
        self.wedge.scanned.connect(self.window.on_scan)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.wedge)
        self.scanner: Scanner | None = None
        self.scanner_log: deque[str] = deque(maxlen=200)
        """What the scanners did, newest last, for the diagnostics view (codes masked)."""
        self.wedge.scanned.connect(lambda text: self._log_scan("keyboard", text))
        self.scanner_events = ScannerBridge()
        self.scanner_events.scanned.connect(self._scanned)
        self.scanner_events.state_changed.connect(self._scanner_state)
        self.scanner_events.error.connect(self._scanner_error)
        self.open_scanner(config.scanner.url)
        self.window.add_menu_action("Diagnostics", "Ctrl+D", self.open_diagnostics)
        self.window.add_menu_action("Settings", "Ctrl+,", self.open_settings)

    def open_scanner(self, url: str) -> None:
        """Use the scanner at ``url`` (none: only the keyboard wedge and the demo panel)."""
        self.close_scanner()
        if not url or url.startswith("keyboard:"):  # the window's own wedge filter reads it
            self.window.status.show_scanner("keyboard wedge")
            return
        try:
            scanner = open_scanner(url, self.scanner_events)
            scanner.start()
        except (ScannerUrlError, ScannerError) as exc:
            self.window.status.show_scanner(f"not connected ({exc})", "bad")
            return
        self.scanner = scanner
        self.window.status.show_scanner(f"{scanner.state.value} ({url.split('?')[0]})", "ok")

    def test_scanner(
        self,
        url: str,
        done: Callable[[str], None],
        *,
        seconds: float,
        owner: QObject | None = None,
    ) -> None:
        """Read one code from ``url`` (off the GUI thread), then put the register's own
        scanner back, whatever became of the dialog that asked."""
        self.close_scanner()  # the same device cannot be open twice

        def finished(result: str) -> None:
            self.open_scanner(self.terminal.config.scanner.url)
            if owner is None or not gone(owner):
                done(result)

        self.helpers.run(
            lambda: scanner_test(url, seconds),
            finished,
            lambda error: finished(f"✘ The test itself failed: {error}"),
        )

    def close_scanner(self) -> None:
        if self.scanner is not None:
            scanner, self.scanner = self.scanner, None
            scanner.close()

    def _log_scan(self, source: str, text: str) -> None:
        """Product barcodes as read; anything else (a payment code, a badge, a PIN typed
        fast) only by its kind and length."""
        classified = classify(text)
        if classified.kind is CodeKind.PRODUCT:
            self._log(f"{source} scan: {classified.symbology} {classified.label}")
        else:
            self._log(f"{source} scan: {classified.kind.value} code, {len(text)} characters")

    def _log(self, line: str) -> None:
        self.scanner_log.append(f"{datetime.now().astimezone():%H:%M:%S} {line}")

    def _scanner_error(self, message: str) -> None:
        self._log(f"error: {message}")
        self.window.status.show_scanner(message, "bad")

    def _scanned(self, text: str) -> None:
        self._log_scan("scanner", text)
        if self.scanner is not None:
            self.scanner.data_events_enabled = True  # the window queues what it cannot take
        self.window.on_scan(text)

    def _scanner_state(self, state: str) -> None:
        self._log(f"state: {state}")
        self.window.status.show_scanner(state, "bad" if state == "error" else "ok")

    def open_diagnostics(self) -> None:
        from pos_app.ui.diagnostics import DiagnosticsDialog

        self.window.open_dialog(DiagnosticsDialog(self, self.window))

    def open_settings(self) -> None:
        from pos_app.ui.settings_screen import SettingsDialog

        self.window.open_dialog(SettingsDialog(self, self.window))

    def start(self) -> None:
        """Show the window and sign in (the demo cashier in demo mode); then ask LevelUp
        whether it answers, once the register is ready for scans."""
        self.window.show()
        if self.terminal.config.levelup.demo:
            staff_id, _, _, pin = DEMO_STAFF[0]
            self.till.sign_in(staff_id, pin, lambda error: self.window.sign_in())
        else:
            self.window.sign_in()
        self.till.restore()
        QTimer.singleShot(AFTER_START_MS, self.till.watch.check)
        if self.customers is not None:
            QTimer.singleShot(AFTER_START_MS, self.customers.load)

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)
        self.close_scanner()
        self.till.close()
        self.helpers.close()
        self.window.close_without_asking = True
        self.window.close()
        self.window.deleteLater()


class Launcher(QObject):
    """Shows "Starting…", opens the terminal off the GUI thread, then the register."""

    def __init__(self, paths: Paths, environ: Mapping[str, str]) -> None:
        super().__init__()
        self.paths, self.environ = paths, environ
        self.session: RegisterSession | None = None
        self.exit_code = 0
        self.started = time.monotonic()
        self.splash = QWidget()
        self.splash.setWindowTitle("LevelUp POS")
        self.splash.resize(420, 120)
        text = label("Starting LevelUp POS…", "heading")
        text.setParent(self.splash)
        text.setGeometry(24, 40, 380, 40)
        self._lane = Lane("startup", self)

    def start(self) -> None:
        self.splash.show()
        self._lane.run(lambda: open_register(self.paths, self.environ), self._ready, self._failed)

    def _ready(self, terminal: Terminal) -> None:
        for line in terminal.recovery.resolved:
            log.info("Recovered at start: %s", line)
        self.session = session = RegisterSession(terminal)
        session.till.cashier_changed.connect(self._signed_in)
        session.start()
        self.splash.close()
        log.info("The register window is up %.2f s after start.", self._since_start())

    def _signed_in(self, member: object) -> None:
        if member is not None and self.session is not None:
            self.session.till.cashier_changed.disconnect(self._signed_in)
            log.info("The register is ready for scans %.2f s after start.", self._since_start())

    def _failed(self, error: Exception) -> None:
        self.splash.close()
        if not isinstance(error, STARTUP_ERRORS):
            log.error("The register could not start", exc_info=error)
        box = ProblemBox(
            "The register cannot start",
            str(error) if isinstance(error, STARTUP_ERRORS) else "An unexpected error stopped it.",
            f"{type(error).__name__}: {error}",
        )
        box.finished.connect(lambda _: QApplication.quit())
        self.exit_code = 1
        box.open()

    def _since_start(self) -> float:
        return time.monotonic() - self.started

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session.terminal.close()
        self._lane.close()


def run_gui(paths: Paths, environ: Mapping[str, str], started: float | None = None) -> int:
    """Run the cashier window until it is closed; returns the exit status."""
    app = application()
    launcher = Launcher(paths, environ)
    if started is not None:
        launcher.started = started

    # SIGTERM (a shutdown, a service manager) and Ctrl+C close the window as a cashier
    # would. Python runs signal handlers only between its own bytecodes, so a timer lets it in.
    def shut_down(*_: object) -> None:
        if launcher.session is not None:  # a shutdown does not ask about an open check
            launcher.session.window.close_without_asking = True
        app.closeAllWindows()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, shut_down)
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    launcher.start()
    status = app.exec()
    launcher.close()
    return status or launcher.exit_code
