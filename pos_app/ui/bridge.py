"""Engine and scanner events, re-emitted as Qt signals so handlers run on the GUI thread
(Electrum's ``QtEventListener`` shape). The engine and the drivers call back on their own
threads; a signal emitted there reaches GUI-thread slots queued."""

from __future__ import annotations

from collections.abc import Callable

from drivers.scanner import ErrorEvent, Event, ScanEvent, StateEvent
from pos_app.app.receipts import ReceiptDesk, ReceiptStatus
from pos_app.engine import CheckUpdated, Engine, EngineEvent, PaymentProblem, RemainderDue
from pos_app.ui.qt import QObject, Signal


class EngineBridge(QObject):
    check_updated = Signal(object)  # CheckRecord
    remainder_due = Signal(object)  # RemainderDue
    payment_problem = Signal(object)  # PaymentProblem

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = engine.subscribe(self._heard)

    def _heard(self, event: EngineEvent) -> None:
        if isinstance(event, CheckUpdated):
            self.check_updated.emit(event.record)
        elif isinstance(event, RemainderDue):
            self.remainder_due.emit(event)
        elif isinstance(event, PaymentProblem):
            self.payment_problem.emit(event)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class ReceiptBridge(QObject):
    """The receipts desk's queues and drawer kicks (heard on its worker threads) as signals.
    The desk keeps its listeners for good: :meth:`close` silences them."""

    status_changed = Signal(object)  # ReceiptStatus
    drawer_done = Signal(bool, str)  # opened, what to tell

    def __init__(self, desk: ReceiptDesk) -> None:
        super().__init__()
        self._closed = False
        desk.subscribe(self._status)
        desk.subscribe_drawer(self._drawer)

    def _status(self, status: ReceiptStatus) -> None:
        if not self._closed:
            self.status_changed.emit(status)

    def _drawer(self, opened: bool, message: str) -> None:
        if not self._closed:
            self.drawer_done.emit(opened, message)

    def close(self) -> None:
        self._closed = True


class ScannerBridge(QObject):
    """A scanner driver's listener: scans, state changes and errors as signals."""

    scanned = Signal(object)  # str
    state_changed = Signal(object)  # str
    error = Signal(object)  # str

    def __call__(self, event: Event) -> None:
        if isinstance(event, ScanEvent):
            self.scanned.emit(event.label)
        elif isinstance(event, StateEvent):
            self.state_changed.emit(event.state.value)
        elif isinstance(event, ErrorEvent):
            self.error.emit(event.message)
