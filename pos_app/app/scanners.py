"""Finding and trying scanners, for the register's settings: the serial ports and HID devices
of this PC, and a test that reads one code from a scanner URL. Both block (discovery asks the
system, the test waits for a scan), so the window runs them off its GUI thread."""

from __future__ import annotations

import threading

from drivers.discovery import Found, hid_devices, serial_ports
from drivers.scanner import Event, ScanEvent, ScannerError
from drivers.url import ScannerUrlError, open_scanner
from pos_app.app.scans import classify

TEST_SECONDS = 10
"""How long :func:`scanner_test` waits for a code, unless told."""


def found_scanners() -> list[Found]:
    """Serial ports and HID devices, likely scanners first."""
    found = [*serial_ports(), *hid_devices()]
    return sorted(found, key=lambda f: not f.likely_scanner)


def scanner_test(url: str, seconds: float = TEST_SECONDS) -> str:
    """Open ``url`` and wait for one scan: what was read, masked (or why nothing was)."""
    got: list[str] = []
    arrived = threading.Event()

    def heard(event: Event) -> None:
        if isinstance(event, ScanEvent):
            got.append(event.label)
            arrived.set()

    try:
        scanner = open_scanner(url, heard)
        scanner.start()
    except (ScannerUrlError, ScannerError) as exc:
        return f"✘ {exc}"
    try:
        if not arrived.wait(seconds):
            return f"The scanner opened, but nothing was scanned within {seconds:.0f} s."
    finally:
        scanner.close()
    classified = classify(got[0])
    return f"✔ Read {classified.kind.value} code {classified.shown()}"
