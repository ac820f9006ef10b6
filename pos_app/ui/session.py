"""A terminal's cashier window with everything that feeds it: the till on the engine lane,
the keyboard-wedge filter, a scanner driver, the demo panel, the customer-facing display, the
receipts (printer, email, cash drawer and their "Drawer" menu), and what the scanners did (for
the diagnostics view). It opens no dialog of its own:
:mod:`pos_app.ui.launch` adds the maintenance menu (diagnostics, settings), whose dialogs are
given the session."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime

from drivers.scanner import Scanner, ScannerError
from drivers.url import ScannerUrlError, open_scanner
from pos_app.app import DEMO_STAFF, Terminal
from pos_app.app.catalog import catalog_file, load_catalog
from pos_app.app.scanners import scanner_test
from pos_app.app.scans import CodeKind, classify
from pos_app.domain.catalog import Catalog
from pos_app.ui.bridge import ScannerBridge
from pos_app.ui.customer_display import CustomerDisplay
from pos_app.ui.demo_panel import DemoCustomers
from pos_app.ui.drawer_dialog import DrawerActions
from pos_app.ui.lane import Lane, gone
from pos_app.ui.qt import QApplication, QObject, QTimer, QWidget
from pos_app.ui.receipt_flow import ReceiptFlow
from pos_app.ui.register import RegisterWindow
from pos_app.ui.reports_screen import open_reports
from pos_app.ui.shift_dialog import ShiftActions
from pos_app.ui.store_status import ShipperBridge
from pos_app.ui.till import Till
from pos_app.ui.wedge import WedgeFilter

AFTER_START_MS = 300
"""What can wait (asking LevelUp, the demo customers) starts this long after the window."""

SCANNER_LOG_LINES = 200


class RegisterSession(QObject):
    """The register's window and its feeds; :meth:`close` stops them in order. A QObject,
    so scanner signals from reader threads reach its slots on the GUI thread."""

    def __init__(self, terminal: Terminal, catalog: Catalog | None = None) -> None:
        super().__init__()
        self.terminal = terminal
        config = terminal.config
        location_id = config.levelup.location_id
        self.till = Till(terminal.engine, lambda: terminal.client.location(location_id or 0))
        if terminal.email_payments.available:
            self.till.email_payments = terminal.email_payments
        self.helpers = Lane("register-helpers")
        """Work that is neither the engine's nor the GUI's (the network, the scanners)."""
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
            catalog or load_catalog(catalog_file(terminal.paths.data_dir)),
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
        self.receipts = ReceiptFlow(terminal.receipts, self.window, self.window)
        self.window.receipts = self.receipts
        self.receipts.events.status_changed.connect(self.window.status.show_receipts)
        self.window.status.retry.connect(self.receipts.retry)
        self.drawer = DrawerActions(self.window, self.window.operations, self.receipts, self.window)
        self.shifts = ShiftActions(self.window, self.window.operations, self.receipts, self.window)
        self._drawer_menu()
        self.display: CustomerDisplay | None = None
        if config.display.customer != "off":
            self.display = CustomerDisplay(
                self.till, self.window, mode=config.display.customer, levelup=config.levelup.enabled
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
        self.scanner_log: deque[str] = deque(maxlen=SCANNER_LOG_LINES)
        """What the scanners did, newest last, for the diagnostics view (codes masked)."""
        self.wedge.scanned.connect(lambda text: self._log_scan("keyboard", text))
        self.scanner_events = ScannerBridge()
        self.scanner_events.scanned.connect(self._scanned)
        self.scanner_events.state_changed.connect(self._scanner_state)
        self.scanner_events.error.connect(self._scanner_error)
        self.open_scanner(config.scanner.url)
        self.store: ShipperBridge | None = None
        self._stop_waking: Callable[[], None] = lambda: None
        if terminal.shipper is not None:
            self.store = ShipperBridge(terminal.shipper)
            self.store.status_changed.connect(self.window.status.show_store)
            self.window.status.show_store(terminal.shipper.status())
        if terminal.store_copy is not None:
            self.window.status.watch_store_copy(terminal.store_copy.state)

    def _drawer_menu(self) -> None:
        more = self.window.tenders.more_actions
        drawer = more.addMenu("Drawer")
        drawer.addAction("Open shift…", self.shifts.open_shift)
        drawer.addAction("Close shift…", self.shifts.close_shift)
        drawer.addAction("No sale…", self.drawer.no_sale)
        drawer.addAction("Paid in…", self.drawer.pay_in)
        drawer.addAction("Paid out…", self.drawer.pay_out)
        drawer.addAction("Drawer cash…", self.drawer.drawer_cash)
        more.addAction(
            "Reports…", lambda: open_reports(self.window, self.terminal.reports, self.helpers)
        )
        more.addAction("Retry printing", self.receipts.retry)

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

    def start(self) -> None:
        """Show the window and sign in (the demo cashier in demo mode); then ask LevelUp
        whether it answers, once the register is ready for scans."""
        self.window.show()
        self.receipts.start()
        if self.display is not None:
            self.display.start()
        if self.terminal.config.levelup.demo:
            staff_id, _, _, pin = DEMO_STAFF[0]
            self.till.sign_in(staff_id, pin, lambda error: self.window.sign_in())
        else:
            self.window.sign_in()
        self.till.restore()
        QTimer.singleShot(AFTER_START_MS, self.till.watch.check)
        shipper = self.terminal.shipper
        if shipper is not None:  # new events ship at once; the engine never waits for it
            shipper.start()
            self._stop_waking = self.terminal.engine.subscribe(lambda _: shipper.wake())
        if self.customers is not None:
            QTimer.singleShot(AFTER_START_MS, self.customers.load)

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)
        self.close_scanner()
        self._stop_waking()
        if self.store is not None:
            self.store.close()
        self.receipts.close()
        self.till.close()
        self.helpers.close()
        if self.display is not None:
            self.display.stop()
            self.display.deleteLater()
        self.window.close_without_asking = True
        self.window.close()
        self.window.deleteLater()
