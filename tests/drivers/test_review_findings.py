"""Cases a review found in the drivers; each stays fixed."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import time
import tty

import pytest

from drivers.fake import FakeScanner
from drivers.framing import Frame, FramingError, LineFramer
from drivers.hid_scanner import KeyboardDecoder, PosReportAssembler
from drivers.scanner import Event, ScanEvent, State
from drivers.serial_scanner import SerialScanner
from drivers.wedge import BurstDetector, Scanned
from pos_app import cli
from tests.serial_pty import type_once_open

LU = "LU0200018SECH4O89A4NBOT7030000LU"


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_disabling_never_waits_on_its_own_lock():
    scanner = FakeScanner([(0, "A")] * 3)
    scanner.open()
    scanner.claim()
    scanner.enable()
    start = time.monotonic()
    scanner.disable()
    scanner.close()
    assert time.monotonic() - start < 1


def test_re_enabling_after_auto_disable_keeps_one_reader_and_whole_codes():
    master, slave = os.openpty()
    tty.setraw(slave)
    labels: list[str] = []
    scanner = SerialScanner(os.ttyname(slave))

    def listener(event: Event) -> None:
        if isinstance(event, ScanEvent):
            labels.append(event.label)
            scanner.enable()  # the application re-arms from its handler
            scanner.data_events_enabled = True

    scanner._listener = listener
    scanner.auto_disable = True
    scanner.open()
    scanner.claim()
    scanner.enable()
    scanner.data_events_enabled = True
    os.write(master, b"036000291452\r\n0123")
    time.sleep(0.1)
    os.write(master, b"4565\r\n")
    wait_for(lambda: len(labels) == 2)
    readers = [t for t in threading.enumerate() if t.name == scanner.device]
    scanner.close()
    os.close(master)
    os.close(slave)
    assert labels == ["036000291452", "01234565"]
    assert len(readers) == 1


def test_a_failing_listener_never_stops_the_reader():
    seen: list[str] = []

    def listener(event: Event) -> None:
        if isinstance(event, ScanEvent):
            seen.append(event.label)
            raise RuntimeError("the window was busy")

    scanner = FakeScanner([(0, "A"), (0.02, "B")], listener=listener)
    scanner.open()
    scanner.claim()
    scanner.enable()
    scanner.data_events_enabled = True
    wait_for(lambda: seen == ["A"])
    wait_for(lambda: scanner.data_count == 1)
    scanner.data_events_enabled = True
    assert seen == ["A", "B"]
    assert scanner.state is State.ENABLED
    scanner.close()


def test_the_tail_of_an_over_long_run_is_not_a_code():
    out = LineFramer().feed(b"A" * 600 + b"TAIL\r" + b"012345678905\r", now=0.0)
    assert isinstance(out[0], FramingError)
    assert isinstance(out[1], Frame)
    assert out[1].label == "012345678905"
    assert len(out) == 2


def test_a_lone_line_feed_under_a_crlf_suffix_is_not_a_clean_code():
    out = LineFramer(suffix="CRLF").feed(b"0123\n4567\r\n", now=0.0)
    assert isinstance(out[0], FramingError)
    assert isinstance(out[1], Frame)
    assert out[1].label == "4567"
    assert len(out) == 2


@pytest.mark.parametrize("gap", [0, -1.0])
def test_a_gap_must_be_positive(gap):
    with pytest.raises(ValueError, match="more than 0"):
        LineFramer(gap=gap)


def test_a_broken_scan_report_in_the_middle_of_a_code_discards_it():
    assembler = PosReportAssembler()
    first = bytes([2, 3]) + b"]Q1" + b"ABC" + bytes(64 - 8)
    first = first[:63] + b"\x01"
    broken = bytes([2, 60]) + b"]Q1" + bytes(59)
    last = bytes([2, 3]) + b"]Q1" + b"XYZ" + bytes(64 - 8)
    assert assembler.feed(first) is None
    assert assembler.feed(broken) is None
    assert assembler.feed(last) == (b"XYZ", "]Q1")


def test_keypad_digits_and_keypad_enter():
    decoder = KeyboardDecoder()
    codes = []
    for key in (0x59, 0x5A, 0x62, 0x58):  # keypad 1, 2, 0, Enter
        codes.append(decoder.feed(bytes([0, 0, key, 0, 0, 0, 0, 0])))
        codes.append(decoder.feed(bytes(8)))
    assert [c for c in codes if c] == ["120"]


def test_an_empty_key_is_not_a_terminator():
    detector = BurstDetector()
    out = []
    for i, key in enumerate("0123456"):
        out += detector.feed(key, i * 0.004)
    out += detector.feed("", 0.03)  # a modifier press carries no text
    out += detector.feed("\r", 0.034)
    assert out == [Scanned("0123456")]


def listen(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = cli.main(["scanners", "listen", *args])
    captured = capsys.readouterr()
    return status, captured


def test_listen_masks_codes_in_error_messages_and_behind_symbology_prefixes(monkeypatch, capsys):
    master, slave = os.openpty()
    tty.setraw(slave)

    type_once_open(monkeypatch, master, LU.encode() + b"\x01\r]Q1" + LU.encode() + b"\r")
    status, captured = listen(
        monkeypatch, capsys, f"serial://{os.ttyname(slave)}", "--count", "1", "--timeout", "5"
    )
    os.close(master)
    os.close(slave)
    assert status == 0
    assert LU not in captured.out and LU[4:24] not in captured.out
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert lines[0]["error"] == "framing"
    assert lines[1]["kind"] == "levelup"


@pytest.mark.parametrize("args", [["--timeout", "inf"], ["--timeout", "nan"], ["--count", "0"]])
def test_listen_refuses_options_it_cannot_honour(monkeypatch, capsys, args):
    with pytest.raises(SystemExit) as exited:
        listen(monkeypatch, capsys, "fake://?codes=1", *args)
    assert exited.value.code == 2


def test_a_bad_fake_url_is_an_open_failure_not_a_traceback(monkeypatch, capsys):
    status, captured = listen(monkeypatch, capsys, "fake://?codes=1&interval=soon", "--count", "1")
    assert status == 1
    assert json.loads(captured.out)["error"] == "open_failed"
