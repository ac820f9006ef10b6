"""``hid://VID:PID[?serial=...&mode=pos|keyboard]``: USB HID scanners through hidapi.

Two kinds of report, parsed apart from any I/O:

- HID POS (usage page 0x8C), input report 2 as hidapi returns it (report id first): byte 1
  is the number of data bytes in this report, bytes 2–4 the AIM symbology (``]Q1``), data from
  byte 5, and bit 0 of byte 63 set when more reports follow for the same code.
  :class:`PosReportAssembler` joins them.
- HID keyboard boot reports (modifiers, reserved, six key codes): :class:`KeyboardDecoder`
  turns key presses into characters with its own layout table (US by default), so the host's
  keyboard layout cannot garble codes, and Enter ends a code.

hidapi is not thread-safe: :class:`HidapiTransport` makes every call (enumerate, open, read,
close) on the one hidapi thread of :mod:`drivers.hid_thread`, shared by every scanner and by
discovery, whichever thread asks. :class:`HidTransport` is the seam tests feed recorded reports
through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from drivers.framing import described, is_code_bytes
from drivers.hid_thread import run_in_hid_thread
from drivers.scanner import Listener, ReadingScanner, ScanEvent, ScannerOpenError

POS_USAGE_PAGE = 0x8C
POS_REPORT_ID = 0x02
POS_DATA_OFFSET = 5
POS_MORE_FLAG_BYTE = 63
POS_MAX_DATA = 56
"""Data bytes 5–60: byte 61 is the scanner's own code id, 63 the continuation flag."""
REPORT_SIZE = 64
READ_WAKE_MS = 500
RECONNECT_EVERY = 1.0

LEFT_SHIFT, RIGHT_SHIFT = 0x02, 0x20
ENTER_KEY, TAB_KEY, KEYPAD_ENTER = 0x28, 0x2B, 0x58

# usage id → (plain, shifted), the US layout
US_LAYOUT: dict[int, tuple[str, str]] = {
    **{0x04 + i: (chr(ord("a") + i), chr(ord("A") + i)) for i in range(26)},
    **{0x1E + i: (d, s) for i, (d, s) in enumerate(zip("1234567890", "!@#$%^&*()", strict=True))},
    0x2C: (" ", " "),
    0x2D: ("-", "_"),
    0x2E: ("=", "+"),
    0x2F: ("[", "{"),
    0x30: ("]", "}"),
    0x31: ("\\", "|"),
    0x33: (";", ":"),
    0x34: ("'", '"'),
    0x35: ("`", "~"),
    0x36: (",", "<"),
    0x37: (".", ">"),
    0x38: ("/", "?"),
    # the keypad (some scanners type digits there)
    0x54: ("/", "/"),
    0x55: ("*", "*"),
    0x56: ("-", "-"),
    0x57: ("+", "+"),
    **{0x59 + i: (d, d) for i, d in enumerate("123456789")},
    0x62: ("0", "0"),
    0x63: (".", "."),
}


@dataclass(frozen=True)
class PosChunk:
    data: bytes
    symbology: str
    more: bool


def parse_pos_report(report: bytes) -> PosChunk | None:
    """One HID POS input report, or ``None`` for a report that is not one."""
    if len(report) < POS_DATA_OFFSET or report[0] != POS_REPORT_ID:
        return None
    length = report[1]
    data = report[POS_DATA_OFFSET : POS_DATA_OFFSET + length]
    if length > POS_MAX_DATA or len(data) != length:
        return None
    symbology = report[2:5].rstrip(b"\x00").decode("ascii", errors="replace")
    more = len(report) > POS_MORE_FLAG_BYTE and bool(report[POS_MORE_FLAG_BYTE] & 0x01)
    return PosChunk(data, symbology, more)


class PosReportAssembler:
    """Joins the reports of one code; returns ``(data, symbology)`` when it is whole."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def feed(self, report: bytes) -> tuple[bytes, str] | None:
        chunk = parse_pos_report(report)
        if chunk is None:
            if report[:1] == bytes([POS_REPORT_ID]):
                self._parts = []  # a broken scan report: what came before is not whole
            return None  # another report of the device: not part of the code
        self._parts.append(chunk.data)
        if chunk.more:
            return None
        data, self._parts = b"".join(self._parts), []
        return data, chunk.symbology


class KeyboardDecoder:
    """Keyboard boot reports to codes: a key counts when it goes down; Enter (or Tab) ends
    the code."""

    def __init__(self, layout: Mapping[int, tuple[str, str]] = US_LAYOUT) -> None:
        self._layout = layout
        self._down: set[int] = set()
        self._text: list[str] = []

    def feed(self, report: bytes) -> str | None:
        if len(report) == 9:  # a report id in front
            report = report[1:]
        if len(report) < 3:
            return None
        shift = bool(report[0] & (LEFT_SHIFT | RIGHT_SHIFT))
        keys = {code for code in report[2:8] if code > 0x03}
        pressed = [code for code in report[2:8] if code in keys - self._down]
        self._down = keys
        completed: str | None = None
        for code in pressed:
            if code in (ENTER_KEY, TAB_KEY, KEYPAD_ENTER):
                text, self._text = "".join(self._text), []
                completed = completed or text or None
            elif code in self._layout:  # keys after Enter begin the next code
                self._text.append(self._layout[code][1 if shift else 0])
        return completed


class HidTransport(Protocol):
    """What the scanner needs from hidapi. ``present`` only enumerates (from the thread that
    opens the scanner); ``open``, ``read`` and ``close`` are called from the reader thread."""

    def present(self) -> bool: ...

    def open(self) -> None: ...

    def read(self, size: int, timeout_ms: int) -> bytes: ...

    def close(self) -> None: ...


class _HidDevice(Protocol):
    """What is used of a ``hid.device``."""

    def open(self, vendor_id: int, product_id: int, serial_number: str | None = None) -> Any: ...

    def read(self, max_length: int, timeout_ms: int = 0) -> Any: ...

    def close(self) -> Any: ...


class HidapiTransport:
    """The real device, through the ``hid`` module (hidapi). Each method hands its hidapi
    calls to the one hidapi thread and waits for them there."""

    def __init__(self, vendor_id: int, product_id: int, serial: str | None = None) -> None:
        self.vendor_id, self.product_id, self.serial = vendor_id, product_id, serial
        self._device: _HidDevice | None = None
        """Touched on the hidapi thread only."""

    def present(self) -> bool:
        return run_in_hid_thread(self._present)

    def open(self) -> None:
        run_in_hid_thread(self._open)

    def read(self, size: int, timeout_ms: int) -> bytes:
        return run_in_hid_thread(self._read, size, timeout_ms)

    def close(self) -> None:
        run_in_hid_thread(self._close)

    # ----- on the hidapi thread ---------------------------------------------------------------

    def _present(self) -> bool:
        import hid

        return bool(hid.enumerate(self.vendor_id, self.product_id))

    def _open(self) -> None:
        import hid

        device: _HidDevice = hid.device()
        device.open(self.vendor_id, self.product_id, self.serial)
        self._device = device

    def _read(self, size: int, timeout_ms: int) -> bytes:
        if self._device is None:
            raise OSError("the device is not open")
        return bytes(self._device.read(size, timeout_ms))

    def _close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.close()


class HidScanner(ReadingScanner):
    """A HID scanner in POS mode or keyboard mode, read by one thread."""

    def __init__(
        self,
        transport: HidTransport,
        device: str,
        *,
        keyboard: bool = False,
        layout: Mapping[int, tuple[str, str]] = US_LAYOUT,
        listener: Listener | None = None,
    ) -> None:
        super().__init__(device, listener)
        self._transport = transport
        self._keyboard = keyboard
        self._layout = layout

    def open(self) -> None:
        if not self._transport.present():
            message = f"{self.device} is not connected."
            self._fail("open_failed", message)
            raise ScannerOpenError(message)
        super().open()

    def _read(self, stopped: threading.Event) -> None:
        pos = PosReportAssembler()
        keys = KeyboardDecoder(self._layout)
        opened, lost = False, False
        while not stopped.is_set():
            if not opened:
                try:
                    self._transport.open()
                except OSError as exc:
                    if not lost:
                        lost = True
                        self._lost(f"{self.device} cannot be opened ({exc}); waiting for it")
                    stopped.wait(RECONNECT_EVERY)
                    continue
                opened = True
                if lost:
                    lost = False
                    self._back()
            try:
                report = self._transport.read(REPORT_SIZE, READ_WAKE_MS)
            except OSError as exc:
                self._transport.close()
                opened = False
                # A code cut off by the unplug must not stick to the first one after it.
                pos, keys = PosReportAssembler(), KeyboardDecoder(self._layout)
                if not lost:
                    lost = True
                    self._lost(f"{self.device} went away ({exc}); waiting for it to come back")
                stopped.wait(RECONNECT_EVERY)  # a device that opens but cannot be read: no spin
                continue
            if not report:
                continue
            now = time.monotonic()
            if self._keyboard:
                label = keys.feed(report)
                if label is not None:
                    self._deliver(ScanEvent(label.encode(), label, None, self.device, now))
                continue
            whole = pos.feed(report)
            if whole is not None:
                data, symbology = whole
                if not is_code_bytes(data):
                    self._fail("framing", f"not a code from {self.device}: {described(data)}")
                    continue
                label = data.decode("ascii")
                self._deliver(ScanEvent(data, label, symbology or None, self.device, now))
        if opened:
            self._transport.close()
