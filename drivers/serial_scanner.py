"""``serial://PORT?baud=9600&bytesize=8&parity=N&stopbits=1&suffix=CRLF&prefix=...``

A serial or USB-CDC (virtual COM port) scanner, read by one thread through pyserial. Reads
block until a byte comes (waking twice a second when idle, or every ``gap`` for a scanner
without a suffix), so an idle scanner costs next to no CPU. When the device goes away the
scanner reports ``device_lost`` and tries to open it again every second until it is back.
"""

from __future__ import annotations

import contextlib
import threading
import time

import serial

from drivers.framing import Frame, LineFramer, described
from drivers.scanner import Listener, ReadingScanner, ScanEvent, ScannerOpenError

IDLE_WAKE = 0.5
"""Seconds an idle read waits before looking whether the scanner was stopped."""
RECONNECT_EVERY = 1.0


class SerialScanner(ReadingScanner):
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        rtscts: bool = False,
        suffix: str | None = None,
        prefix: bytes = b"",
        gap: float | None = None,
        listener: Listener | None = None,
    ) -> None:
        super().__init__(f"serial:{port}", listener)
        self.port = port
        self.baudrate, self.bytesize, self.parity = baudrate, bytesize, parity
        self.stopbits, self.rtscts = stopbits, rtscts
        self._framer_args = (suffix, prefix, gap)
        LineFramer(*self._framer_args)  # refuse bad framing settings now, not when reading
        self._gap = gap
        self._serial: serial.Serial | None = None

    def open(self) -> None:
        """Open the port with these settings and hold it."""
        if self._serial is None:
            try:
                self._serial = self._connect()
            except (serial.SerialException, ValueError, OSError) as exc:
                self._fail("open_failed", f"{self.port} cannot be opened: {exc}")
                raise ScannerOpenError(f"{self.port} cannot be opened: {exc}") from None
        super().open()

    def close(self) -> None:
        super().close()
        self._close_port()

    def _before_reading(self) -> None:
        if self._serial is not None:
            self._serial.reset_input_buffer()  # what came while disabled is not a scan

    def _interrupt(self) -> None:
        port = self._serial
        if port is not None:
            port.cancel_read()

    def _read(self, stopped: threading.Event) -> None:
        framer = LineFramer(*self._framer_args)
        lost = False
        while not stopped.is_set():
            if self._serial is None:
                try:
                    self._serial = self._connect()
                except Exception:  # not back yet, whatever the reason
                    stopped.wait(RECONNECT_EVERY)
                    continue
                if lost:  # it opens again: it is back (even before it sends anything)
                    lost = False
                    self._back()
            port = self._serial
            try:
                data = port.read(max(1, port.in_waiting))
            except Exception as exc:  # the reader must outlive any failure
                if stopped.is_set():
                    break  # stopped: cancel_read interrupted the read
                self._close_port()
                framer = LineFramer(*self._framer_args)  # a cut-off code sticks to nothing
                if not lost:
                    lost = True
                    self._lost(f"{self.port} went away ({exc}); waiting for it to come back")
                stopped.wait(RECONNECT_EVERY)  # a port that opens but cannot be read: no spin
                continue
            now = time.monotonic()
            for output in framer.feed(data, now) if data else framer.tick(now):
                if isinstance(output, Frame):
                    self._deliver(ScanEvent(output.raw, output.label, None, self.device, now))
                else:
                    self._fail("framing", f"{output.reason}: {described(output.raw)}")

    def _connect(self) -> serial.Serial:
        return serial.Serial(
            self.port,
            baudrate=self.baudrate,
            bytesize=self.bytesize,
            parity=self.parity,
            stopbits=self.stopbits,
            rtscts=self.rtscts,
            # Fixed for the port's life: changing it reconfigures the port on every read.
            # Without a suffix the gap is the timeout, so silence ends a code promptly.
            timeout=self._gap or IDLE_WAKE,
        )

    def _close_port(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()
