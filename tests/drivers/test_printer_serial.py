"""A serial printer on a pseudo-terminal: status asked and answered over the line, the job
sent whole, refusals before a byte is sent."""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.printer import PrinterState, PrinterUnavailable, parse_printer_url, send

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux pty")

DLE_EOT = b"\x10\x04"


class SerialPrinter:
    """The printer's end of a pty; ``path`` is the port's. Answers ``DLE EOT n`` with
    ``status[n]`` (no answer when None) and keeps every other byte."""

    def __init__(self) -> None:
        self.status: dict[int, int] | None = {1: 0x12, 2: 0x12, 4: 0x12}
        self.received = bytearray()
        self._master, self._slave = os.openpty()  # the slave held open: reads never fail
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if not select.select([self._master], [], [], 0.02)[0]:
                continue
            pending += os.read(self._master, 4096)
            while (at := pending.find(DLE_EOT)) >= 0 and len(pending) >= at + 3:
                self.received += pending[:at]
                answer = None if self.status is None else self.status.get(pending[at + 2])
                if answer is not None:
                    os.write(self._master, bytes([answer]))
                pending = pending[at + 3 :]
            if DLE_EOT[:1] not in pending:
                self.received += pending
                pending = b""

    def wait_for(self, size: int) -> bytes:
        deadline = time.monotonic() + 5
        while len(self.received) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        os.close(self._master)
        os.close(self._slave)


@pytest.fixture
def printer() -> Iterator[SerialPrinter]:
    fake = SerialPrinter()
    yield fake
    fake.close()


def test_a_serial_printer_is_asked_and_prints_the_whole_job(printer: SerialPrinter) -> None:
    url = parse_printer_url(f"serial://{printer.path}?baud=19200")
    assert url is not None
    job = b"\x1b@Serial receipt\n" * 50
    assert send(url, job, timeout=2) == PrinterState(online=True, paper="ok", cover_open=False)
    assert printer.wait_for(len(job)) == job


def test_a_serial_printer_out_of_paper_gets_nothing(printer: SerialPrinter) -> None:
    printer.status = {1: 0x1A, 2: 0x32, 4: 0x7E}
    url = parse_printer_url(f"serial://{printer.path}")
    assert url is not None
    with pytest.raises(PrinterUnavailable) as raised:
        send(url, b"never", timeout=2)
    assert str(raised.value) == f"The printer on {printer.path} is out of paper."
    time.sleep(0.1)
    assert printer.received == b""


def test_a_serial_printer_that_never_answers_still_prints(printer: SerialPrinter) -> None:
    printer.status = None
    url = parse_printer_url(f"serial://{printer.path}")
    assert url is not None
    started = time.monotonic()
    assert send(url, b"\x1b@quiet one\n", timeout=2) == PrinterState()
    assert time.monotonic() - started < 1.5
    assert printer.wait_for(12) == b"\x1b@quiet one\n"
