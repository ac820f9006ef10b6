"""A serial scanner on a real pseudo-terminal: how long from the last byte of a code to the
data event, and what an idle open scanner costs in CPU.

Run from the repository root: ``.venv/bin/python -m benchmarks.scanner [CODES]``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import tty

from benchmarks.common import p50, p99
from drivers.scanner import Event, ScanEvent
from drivers.serial_scanner import SerialScanner

CODE = b"LU0200018SECH4O89A4NBOT7030000LU\r\n"


def latency(codes: int) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    arrived = threading.Event()
    stamps: list[float] = []

    def listener(event: Event) -> None:
        if isinstance(event, ScanEvent):
            stamps.append(time.perf_counter())
            arrived.set()

    scanner = SerialScanner(os.ttyname(slave), baudrate=115200, listener=listener)
    scanner.open()
    scanner.claim()
    scanner.enable()
    samples = []
    for _ in range(codes):
        arrived.clear()
        scanner.data_events_enabled = True
        os.write(master, CODE[:-8])
        time.sleep(0.001)
        written = time.perf_counter()
        os.write(master, CODE[-8:])  # the last bytes: the clock starts here
        assert arrived.wait(2)
        samples.append((stamps[-1] - written) * 1000)
    scanner.close()
    os.close(master)
    os.close(slave)
    return sorted(samples)


def idle_cpu(seconds: float) -> float:
    """Percent of one core used by an open, enabled scanner receiving nothing."""
    master, slave = os.openpty()
    tty.setraw(slave)
    scanner = SerialScanner(os.ttyname(slave))
    scanner.open()
    scanner.claim()
    scanner.enable()
    time.sleep(0.2)
    before = time.process_time()
    time.sleep(seconds)
    used = time.process_time() - before
    scanner.close()
    os.close(master)
    os.close(slave)
    return used / seconds * 100


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    samples = latency(count)
    print(f"serial scanner on a pseudo-terminal: last byte written → data event ({count} codes)")
    print(f"  p50 {p50(samples):6.3f} ms   p99 {p99(samples):6.3f} ms")
    print(f"idle open scanner: {idle_cpu(5.0):.3f} % of one core over 5 s")
