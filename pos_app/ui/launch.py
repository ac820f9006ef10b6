"""Starting the cashier window: ``levelup-pos`` with no command.

A small "Starting…" window shows at once; the terminal (secret store, journal, recovery of
anything a previous run left unfinished, perhaps an embedded sandbox) opens on a worker
thread, then the register window replaces it. A data directory that was never set up becomes
a demo register: the embedded sandbox, the demo catalog, demo customers and demo staff.

The register's session (:mod:`pos_app.ui.session`) gets its maintenance menu here, so this is
the one module that opens the diagnostics and settings dialogs.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Mapping, Sequence

from pos_app.app import STARTUP_ERRORS, Terminal, open_register
from pos_app.domain.catalog import Catalog
from pos_app.host.paths import Paths
from pos_app.host.resources import resources_dir
from pos_app.ui.diagnostics import DiagnosticsDialog
from pos_app.ui.lane import Lane
from pos_app.ui.qt import QApplication, QGuiApplication, QObject, Qt, QTimer, QWidget
from pos_app.ui.session import RegisterSession
from pos_app.ui.settings_screen import SettingsDialog
from pos_app.ui.widgets import ProblemBox, label

log = logging.getLogger(__name__)


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


def register_session(terminal: Terminal, catalog: Catalog | None = None) -> RegisterSession:
    """The register's window for ``terminal``, with its maintenance menu: diagnostics and
    settings (the only place that opens those dialogs)."""
    session = RegisterSession(terminal, catalog)
    session.window.add_menu_action("Diagnostics", "Ctrl+D", lambda: open_diagnostics(session))
    session.window.add_menu_action("Settings", "Ctrl+,", lambda: open_settings(session))
    return session


def open_diagnostics(session: RegisterSession) -> None:
    session.window.open_dialog(DiagnosticsDialog(session, session.window))


def open_settings(session: RegisterSession) -> None:
    session.window.open_dialog(SettingsDialog(session, session.window))


SHIP_BEFORE_CLOSING = 10.0
"""Seconds a closing register waits for the store server to take its last events."""


class Launcher(QObject):
    """Shows "Starting…", opens the terminal off the GUI thread, then the register."""

    def __init__(self, paths: Paths, environ: Mapping[str, str]) -> None:
        super().__init__()
        self.paths, self.environ = paths, environ
        self.session: RegisterSession | None = None
        self.problem: ProblemBox | None = None
        self.exit_code = 0
        self.closing = False
        self.started = time.monotonic()
        self.splash = QWidget()
        self.splash.setWindowTitle("LevelUp POS")
        self.splash.resize(420, 120)
        text = label("Starting LevelUp POS…", "heading")
        text.setParent(self.splash)
        text.setGeometry(24, 40, 380, 40)
        self._lane = Lane("startup", self)
        self._retry = QTimer(self)
        self._retry.setInterval(250)
        self._retry.timeout.connect(self.shut_down)

    def start(self) -> None:
        self.splash.show()
        self._lane.run(lambda: open_register(self.paths, self.environ), self._ready, self._failed)

    def shut_down(self) -> None:
        """SIGTERM, Ctrl+C or a drain: close now (dialogs and all), or as soon as LevelUp has
        answered the payment under way; while starting, as soon as the terminal is open."""
        self.closing = True
        if self.session is not None:
            if self.session.window.shut_down():
                self._retry.stop()
                QApplication.quit()
            elif not self._retry.isActive():
                log.info("Closing once LevelUp answers the payment under way.")
                self._retry.start()
        elif self.problem is not None:
            QApplication.quit()

    def _ready(self, terminal: Terminal) -> None:
        for line in terminal.recovery.resolved:
            log.info("Recovered at start: %s", line)
        self.session = session = register_session(terminal)
        if self.closing:  # asked to close while it was starting
            self.splash.close()
            QApplication.quit()
            return
        session.till.cashier_changed.connect(self._signed_in)
        session.start()
        self.splash.close()
        log.info("The register window is up %.2f s after start.", self._since_start())

    def _signed_in(self, member: object) -> None:
        if member is not None and self.session is not None:
            self.session.till.cashier_changed.disconnect(self._signed_in)
            log.info("The register is ready for scans %.2f s after start.", self._since_start())

    def _failed(self, error: Exception) -> None:
        """Said in the log, on standard error and in a window (kept until it is closed)."""
        self.exit_code = 1
        known = isinstance(error, STARTUP_ERRORS)
        if known:
            log.error("The register could not start: %s: %s", type(error).__name__, error)
        else:
            log.error("The register could not start", exc_info=error)
        print(f"levelup-pos: the register cannot start: {error}", file=sys.stderr)
        if self.closing:
            QApplication.quit()
            return
        self.problem = ProblemBox(
            "The register cannot start",
            str(error) if known else "An unexpected error stopped it.",
            f"{type(error).__name__}: {error}",
        )
        self.problem.finished.connect(lambda _: QApplication.quit())
        self.problem.show()  # before the splash closes, so a window is always up
        self.splash.close()

    def _since_start(self) -> float:
        return time.monotonic() - self.started

    def close(self) -> None:
        """Let go of everything; the store server gets what it lacks first."""
        self._retry.stop()
        if self.session is not None:
            self.session.close()
            terminal = self.session.terminal
            if terminal.shipper is not None:
                shipped = terminal.shipper.sync(SHIP_BEFORE_CLOSING)
                if not shipped.up_to_date:
                    log.warning("The store server lacks events at close: %s", shipped.problem)
            terminal.close()
        self._lane.close()


def run_gui(paths: Paths, environ: Mapping[str, str], started: float | None = None) -> int:
    """Run the cashier window until it is closed; returns the exit status."""
    app = application()
    launcher = Launcher(paths, environ)
    if started is not None:
        launcher.started = started
    # Python runs signal handlers only between its own bytecodes, so a timer lets them in.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: launcher.shut_down())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    launcher.start()
    status = app.exec()
    launcher.close()
    return status or launcher.exit_code
