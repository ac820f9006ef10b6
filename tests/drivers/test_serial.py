"""Serial scanners through real pseudo-terminals: framing, settings, unplug, reconnection."""

from __future__ import annotations

import contextlib
import os
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.scanner import ErrorEvent, Event, ScanEvent, ScannerOpenError, State, StateEvent
from drivers.serial_scanner import SerialScanner
from drivers.url import open_scanner

LU = "LU0200018SECH4O89A4NBOT7030000LU"


class Pty:
    """A pseudo-terminal: the test writes as the scanner at ``master``; the driver reads
    ``path``, a symlink that can be pointed at a new terminal to "plug the scanner back"."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "scanner"
        self.master = -1
        self.slave = -1
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        if self.path.is_symlink():
            self.path.unlink()
        self.path.symlink_to(os.ttyname(self.slave))

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)


@pytest.fixture
def pty(tmp_path) -> Iterator[Pty]:
    terminal = Pty(tmp_path)
    yield terminal
    for fd in (terminal.master, terminal.slave):
        with contextlib.suppress(OSError):
            os.close(fd)


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


class Listening:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.events if isinstance(e, ScanEvent)]

    @property
    def errors(self) -> list[ErrorEvent]:
        return [e for e in self.events if isinstance(e, ErrorEvent)]


@pytest.fixture
def start() -> Iterator[Callable[[str, Listening], SerialScanner]]:
    """Open, claim and enable scanners; every one is closed when the test ends, pass or fail
    (a forgotten one would go on reading, and reconnect to the next test's terminal)."""
    opened: list[SerialScanner] = []

    def started(url: str, listening: Listening) -> SerialScanner:
        scanner = open_scanner(url, listening)
        assert isinstance(scanner, SerialScanner)
        opened.append(scanner)
        scanner.open()
        scanner.claim()
        scanner.enable()
        scanner.data_events_enabled = True
        return scanner

    yield started
    for scanner in opened:
        scanner.close()


def read_all(scanner: SerialScanner, listening: Listening, count: int) -> list[str]:
    """Re-arm data events until ``count`` codes arrived (as an application does)."""
    deadline = time.monotonic() + 3
    while len(listening.labels) < count and time.monotonic() < deadline:
        scanner.data_events_enabled = True
        time.sleep(0.005)
    return listening.labels


@pytest.mark.parametrize("suffix", [b"\r", b"\n", b"\r\n", b"\t"])
def test_every_suffix_ends_a_code(pty, start, suffix):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    pty.write(LU.encode() + suffix + b"012345678905" + suffix)
    assert read_all(scanner, listening, 2) == [LU, "012345678905"]
    scanner.close()


def test_a_chosen_suffix_and_prefix(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}?suffix=CRLF&prefix=%02", listening)
    pty.write(b"\x02" + LU.encode() + b"\r\n\x024006381333931\r\n")
    assert read_all(scanner, listening, 2) == [LU, "4006381333931"]
    scanner.close()


def test_codes_split_across_writes_are_reassembled(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    for piece in (b"LU0200018", b"SECH4O89A4N", b"BOT7030000L", b"U\r", b"\n"):
        pty.write(piece)
        time.sleep(0.03)
    assert read_all(scanner, listening, 1) == [LU]
    scanner.close()


def test_a_scanner_without_a_suffix_is_served_by_the_gap(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}?gap=0.05", listening)
    pty.write(b"0123")
    time.sleep(0.02)
    pty.write(b"45678905")
    time.sleep(0.2)
    pty.write(b"96385074")
    assert read_all(scanner, listening, 2) == ["012345678905", "96385074"]
    scanner.close()


def test_line_noise_is_a_framing_error_never_a_code(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    pty.write(b"\x00\x07\xffgarbage\x1b\r" + LU.encode() + b"\x00\r" + LU.encode() + b"\r")
    assert read_all(scanner, listening, 1) == [LU]
    assert [e.kind for e in listening.errors] == ["framing", "framing"]
    # A code with one noise byte is not a code, and its message does not hold it either.
    assert listening.errors[1].message.endswith(f"{len(LU) + 1} bytes, byte 0x00 at {len(LU)}")
    assert all("SECH4O89" not in e.message for e in listening.errors)
    scanner.close()


def test_long_codes_come_through_whole(pty, start):
    long_code = "".join(chr(ord("A") + i % 26) for i in range(300))
    listening = Listening()
    scanner = start(f"serial://{pty.path}?baud=115200", listening)
    pty.write(long_code.encode() + b"\r\n")
    assert read_all(scanner, listening, 1) == [long_code]
    scanner.close()


@pytest.mark.parametrize(
    "query", ["baud=9600", "baud=115200&bytesize=7&parity=E&stopbits=2", "baud=19200&rtscts=1"]
)
def test_port_settings_from_the_url(pty, start, query):
    listening = Listening()
    scanner = start(f"serial://{pty.path}?{query}", listening)
    pty.write(b"012345678905\r")
    assert read_all(scanner, listening, 1) == ["012345678905"]
    scanner.close()


def test_scans_wait_in_order_while_the_application_is_busy(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    scanner.data_events_enabled = False
    pty.write(b"111\r222\r333\r")
    wait_for(lambda: scanner.data_count == 3)
    assert listening.labels == []
    assert read_all(scanner, listening, 3) == ["111", "222", "333"]
    scanner.close()


def test_unplugged_and_plugged_back(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    pty.write(b"111\r")
    read_all(scanner, listening, 1)
    pty.unplug()
    wait_for(lambda: scanner.state is State.ERROR)
    assert [e.kind for e in listening.errors] == ["device_lost"]
    pty.plug()
    wait_for(lambda: scanner.state is State.ENABLED, seconds=5)
    time.sleep(0.05)
    pty.write(b"222\r")
    assert read_all(scanner, listening, 2) == ["111", "222"]
    states = [e.state for e in listening.events if isinstance(e, StateEvent)]
    assert states[-2:] == [State.ERROR, State.ENABLED]
    scanner.close()


def test_a_port_that_does_not_exist_cannot_be_opened(tmp_path):
    listening = Listening()
    scanner = open_scanner(f"serial://{tmp_path / 'nothing'}", listening)
    with pytest.raises(ScannerOpenError, match="cannot be opened"):
        scanner.open()
    assert [e.kind for e in listening.errors] == ["open_failed"]


def test_disabled_scanners_deliver_nothing_stale(pty, start):
    listening = Listening()
    scanner = start(f"serial://{pty.path}", listening)
    scanner.disable()
    pty.write(b"stale\r")
    time.sleep(0.05)
    scanner.enable()
    scanner.data_events_enabled = True
    pty.write(b"fresh\r")
    assert read_all(scanner, listening, 1) == ["fresh"]
    scanner.close()
