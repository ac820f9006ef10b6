"""The scanner device model every transport shares, shaped after UnifiedPOS.

Lifecycle: ``open`` → ``claim`` → ``enable`` → data events → ``disable`` → ``release`` →
``close``. A transport delivers each code it reads with :meth:`Scanner._deliver`; codes wait in
a FIFO until the application has ``data_events_enabled``, and each delivered event sets it
back to False (UnifiedPOS: the application re-arms it when it is ready for the next), so scans
that arrive while the application is busy are queued, never dropped. With ``auto_disable`` the
device disables itself after one code.

Everything the scanner has to say reaches one listener callback, on the transport's thread:
:class:`ScanEvent`, :class:`ErrorEvent` and :class:`StateEvent`. A GUI re-emits them as signals
on its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

log = logging.getLogger("drivers")


class State(Enum):
    CLOSED = "closed"
    IDLE = "idle"  # open (and perhaps claimed), not enabled
    ENABLED = "enabled"
    ERROR = "error"  # the device is gone; the transport tries to reconnect


@dataclass(frozen=True)
class ScanEvent:
    """One code read: the bytes as received, the decoded label, the symbology where the device
    says (an AIM identifier such as ``]Q1``), which device, and when (``time.monotonic()``)."""

    raw: bytes
    label: str
    symbology: str | None
    device: str
    time: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ErrorEvent:
    """Something went wrong: ``kind`` is ``device_lost``, ``framing`` (noise, a code too long)
    or ``open_failed``; ``message`` says it for a technician."""

    kind: str
    message: str
    device: str
    time: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class StateEvent:
    state: State
    device: str


Event = ScanEvent | ErrorEvent | StateEvent
Listener = Callable[[Event], None]


class ScannerError(Exception):
    """The scanner cannot do what was asked (open a missing device, read before claiming)."""


class ScannerOpenError(ScannerError):
    """The device a scanner names cannot be opened."""


class Scanner:
    """A scanner, whatever its transport. Subclasses implement :meth:`_start` and
    :meth:`_stop` (begin and end reading) and call :meth:`_deliver` and :meth:`_fail`."""

    def __init__(self, device: str, listener: Listener | None = None) -> None:
        self.device = device
        self.auto_disable = False
        self._listener = listener or (lambda event: None)
        self._lock = threading.RLock()
        self._queue: deque[ScanEvent] = deque()
        self._state = State.CLOSED
        self._claimed = False
        self._data_events_enabled = False

    # ----- the UnifiedPOS lifecycle -----------------------------------------------------------

    def open(self) -> None:
        with self._lock:
            if self._state is State.CLOSED:
                self._set_state(State.IDLE)

    def claim(self) -> None:
        with self._lock:
            self._require_open()
            self._claimed = True

    def enable(self) -> None:
        """Start reading (the device is claimed exclusively first)."""
        with self._lock:
            self._require_open()
            if not self._claimed:
                raise ScannerError(f"Claim {self.device} before enabling it.")
            if self._state is State.IDLE:
                self._start()
                self._set_state(State.ENABLED)

    def start(self) -> None:
        """Open, claim and enable the scanner, with data events on: what an application does
        to start taking scans. A failure closes what was opened and raises."""
        self.open()
        try:
            self.claim()
            self.enable()
        except BaseException:
            self.close()
            raise
        self.data_events_enabled = True

    def disable(self) -> None:
        with self._lock:
            stopping = None
            if self._state in (State.ENABLED, State.ERROR):
                stopping = self._stop()
                self._set_state(State.IDLE)
        # Waited for outside the lock: the reader may need it to finish what it delivers.
        if stopping is not None and stopping is not threading.current_thread():
            stopping.join(timeout=2)

    def release(self) -> None:
        self.disable()
        with self._lock:
            self._claimed = False

    def close(self) -> None:
        self.release()
        with self._lock:
            self._queue.clear()
            if self._state is not State.CLOSED:
                self._set_state(State.CLOSED)

    @property
    def state(self) -> State:
        return self._state

    @property
    def claimed(self) -> bool:
        return self._claimed

    # ----- data events ------------------------------------------------------------------------

    @property
    def data_events_enabled(self) -> bool:
        return self._data_events_enabled

    @data_events_enabled.setter
    def data_events_enabled(self, value: bool) -> None:
        with self._lock:
            self._data_events_enabled = value
        self._flush()

    @property
    def data_count(self) -> int:
        """Codes read and not yet delivered."""
        return len(self._queue)

    def clear_input(self) -> None:
        """Drop every queued code."""
        with self._lock:
            self._queue.clear()

    def _deliver(self, scan: ScanEvent) -> None:
        """A transport read a code: queue it, and deliver it when the application is ready.

        Codes read while the scanner is not enabled are dropped. With ``auto_disable`` the
        scanner disables itself after this code (the reader goes on, delivering nothing,
        until the application enables it again).
        """
        with self._lock:
            if self._state is not State.ENABLED:
                return
            self._queue.append(scan)
            if self.auto_disable:
                self._set_state(State.IDLE)
        self._flush()

    def _flush(self) -> None:
        while True:
            with self._lock:
                if not self._data_events_enabled or not self._queue:
                    return
                scan = self._queue.popleft()
                self._data_events_enabled = False
            self._emit(scan)

    def _emit(self, event: Event) -> None:
        """Tell the listener; a listener that fails never stops the reader."""
        try:
            self._listener(event)
        except Exception:
            log.exception("The listener of %s failed on %r", self.device, type(event).__name__)

    # ----- for transports ---------------------------------------------------------------------

    def _fail(self, kind: str, message: str) -> None:
        self._emit(ErrorEvent(kind, message, self.device))

    def _lost(self, message: str) -> None:
        """The device went away; the transport keeps trying to reconnect."""
        self._fail("device_lost", message)
        with self._lock:
            if self._state is State.ENABLED:
                self._set_state(State.ERROR)

    def _back(self) -> None:
        """The device came back after :meth:`_lost`."""
        with self._lock:
            if self._state is State.ERROR:
                self._set_state(State.ENABLED)

    def _set_state(self, state: State) -> None:
        self._state = state
        self._emit(StateEvent(state, self.device))

    def _require_open(self) -> None:
        if self._state is State.CLOSED:
            raise ScannerError(f"Open {self.device} first.")

    def _start(self) -> None:
        raise NotImplementedError

    def _stop(self) -> threading.Thread | None:
        """Signal the transport to stop; return a thread to wait for (outside the lock)."""
        raise NotImplementedError


class ReadingScanner(Scanner):
    """A scanner read by a thread of its own (every transport but the wedge).

    Each run gets its own ``stopped`` event: a reader that was stopped (even by itself, with
    ``auto_disable``) never reads again beside the next one. Subclasses implement
    :meth:`_read` and may hook :meth:`_before_reading` and :meth:`_interrupt`.
    """

    def __init__(self, device: str, listener: Listener | None = None) -> None:
        super().__init__(device, listener)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive() and not self._stopped.is_set():
            return  # re-enabled after auto_disable: the same reader goes on
        self._before_reading()
        self._stopped = stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._guarded_read, args=(stopped,), name=self.device, daemon=True
        )
        self._thread.start()

    def _guarded_read(self, stopped: threading.Event) -> None:
        """:meth:`_read`, whose failure (a bug, or input it did not foresee) is never silent:
        the listener hears an error event and the scanner is in error, as if the device went
        away (red team D19: the reader died and ``listen`` exited 0)."""
        try:
            self._read(stopped)
        except Exception as exc:
            log.exception("The reader of %s stopped", self.device)
            self._lost(f"The scanner's reader stopped on an error ({type(exc).__name__}).")

    def _stop(self) -> threading.Thread | None:
        self._stopped.set()
        self._interrupt()
        thread, self._thread = self._thread, None
        return thread

    def _before_reading(self) -> None:
        """Called before the reader starts (a transport may drop stale input here)."""

    def _interrupt(self) -> None:
        """Called when stopping (a transport may cut a blocking read short here)."""

    def _read(self, stopped: threading.Event) -> None:
        """Read until ``stopped`` is set, delivering codes with :meth:`_deliver`."""
        raise NotImplementedError
