"""HID scanners: recorded POS and keyboard reports, and a whole scanner over a fake transport."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from drivers import hid_scanner
from drivers.hid_scanner import (
    US_LAYOUT,
    HidScanner,
    KeyboardDecoder,
    PosChunk,
    PosReportAssembler,
    parse_pos_report,
)
from drivers.scanner import ErrorEvent, Event, ScanEvent, ScannerOpenError, State, StateEvent

LU = "LU0200018SECH4O89A4NBOT7030000LU"
EAN13 = "4006381333931"
QR = "".join(chr(ord("A") + i % 26) if i % 3 else str(i % 10) for i in range(150))

# ----- recorded HID POS reports -------------------------------------------------------------


def pos_report(
    data: bytes,
    symbology: bytes = b"]E0",
    *,
    more: bool = False,
    report_id: int = 0x02,
    length: int | None = None,
    code_id: bytes = b"d",
) -> bytes:
    """A 64-byte input report as hidapi returns it: id, length, AIM id, data, Honeywell code id
    at byte 61, continuation flag in bit 0 of byte 63."""
    assert len(data) <= 56, "data must not run into the code id and flag bytes"
    report = bytearray(64)
    report[0] = report_id
    report[1] = len(data) if length is None else length
    report[2:5] = symbology
    report[5 : 5 + len(data)] = data
    report[61] = code_id[0]
    report[63] = 0x01 if more else 0x00
    return bytes(report)


def pos_reports(code: str, symbology: bytes = b"]Q1", size: int = 56) -> list[bytes]:
    """A code as a scanner sends it: as many reports as it takes, all but the last flagged."""
    data = code.encode()
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return [
        pos_report(piece, symbology, more=i < len(pieces) - 1, code_id=b"s")
        for i, piece in enumerate(pieces)
    ]


def test_a_single_report_ean13():
    report = pos_report(EAN13.encode(), b"]E0")
    assert len(report) == 64
    assert parse_pos_report(report) == PosChunk(EAN13.encode(), "]E0", False)
    assert PosReportAssembler().feed(report) == (EAN13.encode(), "]E0")


def test_a_levelup_code_in_one_report():
    (report,) = pos_reports(LU)
    assert PosReportAssembler().feed(report) == (LU.encode(), "]Q1")


def test_a_long_qr_code_spans_three_reports():
    reports = pos_reports(QR)
    assert len(reports) == 3
    assert [r[63] & 1 for r in reports] == [1, 1, 0]
    assembler = PosReportAssembler()
    assert assembler.feed(reports[0]) is None
    assert assembler.feed(reports[1]) is None
    assert assembler.feed(reports[2]) == (QR.encode(), "]Q1")
    # and the assembler starts afresh for the next code
    assert assembler.feed(pos_report(EAN13.encode())) == (EAN13.encode(), "]E0")


def test_a_report_of_another_id_is_ignored():
    other = pos_report(b"012345678905", report_id=0x01)
    assert parse_pos_report(other) is None
    assembler = PosReportAssembler()
    reports = pos_reports(QR)
    assert assembler.feed(reports[0]) is None
    assert assembler.feed(other) is None  # in the middle of a long code: not part of it
    assert assembler.feed(reports[1]) is None
    assert assembler.feed(reports[2]) == (QR.encode(), "]Q1")


@pytest.mark.parametrize("length", [60, 64, 200, 255])
def test_a_length_larger_than_the_report_is_ignored(length):
    report = pos_report(EAN13.encode(), length=length)
    assert parse_pos_report(report) is None
    assembler = PosReportAssembler()
    assert assembler.feed(report) is None
    # nothing of it sticks to the next code
    assert assembler.feed(pos_report(b"96385074")) == (b"96385074", "]E0")


def test_a_short_report_is_ignored_and_a_length_beyond_a_short_report_too():
    assert parse_pos_report(b"\x02\x03") is None
    assert parse_pos_report(pos_report(b"12345678")[:10]) is None  # 8 announced, 5 present


def test_a_report_without_symbology():
    assert parse_pos_report(pos_report(b"96385074", b"\x00\x00\x00")) == PosChunk(
        b"96385074", "", False
    )


# ----- keyboard boot reports ----------------------------------------------------------------

# An independent table of the US keyboard usages (HID Usage Tables, page 0x07).
LETTER = {chr(ord("a") + i): 0x04 + i for i in range(26)}
DIGIT = {d: 0x1E + i for i, d in enumerate("1234567890")}
ENTER, TAB = 0x28, 0x2B
LSHIFT, RSHIFT = 0x02, 0x20


def press(*codes: int, modifiers: int = 0, report_id: int | None = None) -> bytes:
    report = bytes([modifiers, 0, *codes, *([0] * (6 - len(codes)))])
    return report if report_id is None else bytes([report_id]) + report


def typed(
    text: str, *, end: int = ENTER, report_id: int | None = None, shift: int = LSHIFT
) -> list[bytes]:
    """Reports a wedge scanner sends to type ``text``: each key down then all keys up."""
    reports = []
    for char in text:
        if char.isdigit():
            code, modifiers = DIGIT[char], 0
        else:
            code, modifiers = LETTER[char.lower()], shift if char.isupper() else 0
        reports.append(press(code, modifiers=modifiers, report_id=report_id))
        reports.append(press(report_id=report_id))
    reports.append(press(end, report_id=report_id))
    reports.append(press(report_id=report_id))
    return reports


def decode_all(decoder: KeyboardDecoder, reports: list[bytes]) -> list[str]:
    return [label for r in reports if (label := decoder.feed(r)) is not None]


@pytest.mark.parametrize("report_id", [None, 0x01], ids=["8-byte", "9-byte"])
def test_a_levelup_code_typed_in_boot_reports(report_id):
    reports = typed(LU, report_id=report_id)
    assert {len(r) for r in reports} == {8 if report_id is None else 9}
    assert decode_all(KeyboardDecoder(), reports) == [LU]


def test_right_shift_gives_upper_case_too():
    assert decode_all(KeyboardDecoder(), typed("AbC1", shift=RSHIFT)) == ["AbC1"]


def test_tab_ends_a_code_and_codes_follow_each_other():
    decoder = KeyboardDecoder()
    reports = typed("LU02", end=TAB) + typed("4006381333931")
    assert decode_all(decoder, reports) == ["LU02", "4006381333931"]


def test_nothing_is_returned_before_enter():
    decoder = KeyboardDecoder()
    assert decode_all(decoder, typed("abc")[:-2]) == []
    assert decoder.feed(press(ENTER)) == "abc"


def test_an_enter_alone_is_no_code():
    assert decode_all(KeyboardDecoder(), [press(ENTER), press()]) == []


def test_a_key_held_across_reports_counts_once():
    a, b = LETTER["a"], LETTER["b"]
    reports = [
        press(a),
        press(a),
        press(a),
        press(a, b),  # rollover: b goes down while a is still held
        press(b),
        press(),
        press(a),  # released and pressed again: a second "a"
        press(),
        press(ENTER),
        press(ENTER),  # Enter held: no second (empty) code
        press(),
    ]
    assert decode_all(KeyboardDecoder(), reports) == ["aba"]


def test_a_repeated_digit_needs_a_release_between():
    assert decode_all(KeyboardDecoder(), typed("1002")) == ["1002"]


def test_keys_the_layout_does_not_know_are_skipped():
    f1, left = 0x3A, 0x50
    reports = [press(LETTER["a"]), press(f1), press(left), press(LETTER["b"]), press(ENTER)]
    assert decode_all(KeyboardDecoder(), reports) == ["ab"]


def test_a_custom_layout_is_used_instead_of_us():
    # AZERTY: the key in the US "a" position types "q", the US "q" position types "a", and the
    # digit row gives digits only with shift.
    azerty = {
        **US_LAYOUT,
        0x04: ("q", "Q"),
        0x14: ("a", "A"),
        **{
            0x1E + i: (plain, digit)
            for i, (plain, digit) in enumerate(zip("&é\"'(-è_çà", "1234567890", strict=True))
        },
    }
    decoder = KeyboardDecoder(azerty)
    reports = [
        press(LETTER["a"]),
        press(LETTER["a"], modifiers=LSHIFT),
        press(),
        press(LETTER["q"]),
        press(),
        press(DIGIT["1"], modifiers=LSHIFT),
        press(),
        press(DIGIT["1"]),
        press(),
        press(ENTER),
    ]
    # (held "a" then shift: still one key press, typed before shift went down)
    assert decode_all(decoder, reports) == ["qa1&"]
    assert decode_all(KeyboardDecoder(), reports) == ["aq!1"]


# ----- a whole HidScanner over a fake transport ---------------------------------------------


class FakeTransport:
    """Stands in for hidapi: reports queued by the test come out of ``read``; unplugging makes
    ``read`` and ``open`` raise OSError and ``present`` False."""

    def __init__(self) -> None:
        self.plugged = True
        self.reports: queue.Queue[bytes] = queue.Queue()
        self.calls: list[str] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def _called(self, name: str) -> None:
        with self._lock:
            self.calls.append(name)
            self.threads.add(threading.current_thread().name)

    def send(self, *reports: bytes) -> None:
        for report in reports:
            self.reports.put(report)

    def present(self) -> bool:
        return self.plugged

    def open(self) -> None:
        self._called("open")
        if not self.plugged:
            raise OSError("open failed")

    def read(self, size: int, timeout_ms: int) -> bytes:
        self._called("read")
        assert size == 64
        if not self.plugged:
            raise OSError("read error")
        try:
            return self.reports.get(timeout=0.005)
        except queue.Empty:
            return b""

    def close(self) -> None:
        self._called("close")


class Listening:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    @property
    def scans(self) -> list[ScanEvent]:
        with self._lock:
            return [e for e in self.events if isinstance(e, ScanEvent)]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.scans]

    @property
    def errors(self) -> list[ErrorEvent]:
        with self._lock:
            return [e for e in self.events if isinstance(e, ErrorEvent)]

    @property
    def states(self) -> list[State]:
        with self._lock:
            return [e.state for e in self.events if isinstance(e, StateEvent)]


def wait_for(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def scanners() -> Iterator[list[HidScanner]]:
    made: list[HidScanner] = []
    yield made
    for scanner in made:
        scanner.close()


@pytest.fixture(autouse=True)
def quick_reconnect(monkeypatch):
    monkeypatch.setattr(hid_scanner, "RECONNECT_EVERY", 0.02)


def start(
    transport: FakeTransport, listening: Listening, made: list[HidScanner], **options
) -> HidScanner:
    scanner = HidScanner(transport, "hid:0c2e:0b61", listener=listening, **options)
    made.append(scanner)
    scanner.open()
    scanner.claim()
    scanner.enable()
    return scanner


def read_all(scanner: HidScanner, listening: Listening, count: int) -> list[str]:
    """Re-arm data events until ``count`` codes arrived (as an application does)."""
    deadline = time.monotonic() + 2
    while len(listening.labels) < count and time.monotonic() < deadline:
        scanner.data_events_enabled = True
        time.sleep(0.005)
    return listening.labels


def test_scans_arrive_as_scan_events_with_their_symbology(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    scanner.data_events_enabled = True
    transport.send(pos_report(EAN13.encode(), b"]E0"), *pos_reports(QR))
    assert read_all(scanner, listening, 2) == [EAN13, QR]
    first, second = listening.scans
    assert (first.raw, first.symbology, first.device) == (EAN13.encode(), "]E0", "hid:0c2e:0b61")
    assert (second.raw, second.symbology) == (QR.encode(), "]Q1")
    assert listening.errors == []


def test_other_reports_never_become_scans(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    transport.send(
        pos_report(b"noise", report_id=0x04), pos_report(b"x", length=90), pos_report(LU.encode())
    )
    assert read_all(scanner, listening, 1) == [LU]
    time.sleep(0.05)
    assert listening.labels == [LU]


def test_scans_wait_in_order_while_data_events_are_disabled(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    assert scanner.data_events_enabled is False
    transport.send(*(pos_report(code.encode()) for code in ("111", "222", "333")))
    wait_for(lambda: scanner.data_count == 3)
    assert listening.labels == []
    scanner.data_events_enabled = True  # one event, then data events are off again
    assert listening.labels == ["111"]
    assert scanner.data_events_enabled is False
    assert scanner.data_count == 2
    scanner.data_events_enabled = True
    scanner.data_events_enabled = True
    assert listening.labels == ["111", "222", "333"]
    assert scanner.data_count == 0


def test_keyboard_mode_decodes_boot_reports(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners, keyboard=True)
    transport.send(*typed(LU), *typed("96385074", report_id=0x01))
    assert read_all(scanner, listening, 2) == [LU, "96385074"]
    assert [e.symbology for e in listening.scans] == [None, None]


def test_non_ascii_pos_data_is_a_framing_error(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    transport.send(pos_report(b"12\xff\xfe"), pos_report(b"96385074"))
    assert read_all(scanner, listening, 1) == ["96385074"]
    assert [e.kind for e in listening.errors] == ["framing"]
    assert listening.errors[0].message.endswith(": 4 bytes, byte 0xff at 2")


def test_unplugged_then_plugged_back(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    transport.send(pos_report(b"111"))
    assert read_all(scanner, listening, 1) == ["111"]
    transport.plugged = False
    wait_for(lambda: scanner.state is State.ERROR)
    time.sleep(0.1)  # several failed reconnection attempts: still one error
    assert [e.kind for e in listening.errors] == ["device_lost"]
    assert listening.errors[0].device == "hid:0c2e:0b61"
    transport.plugged = True
    wait_for(lambda: scanner.state is State.ENABLED)
    transport.send(pos_report(b"222"))
    assert read_all(scanner, listening, 2) == ["111", "222"]
    assert listening.states[-2:] == [State.ERROR, State.ENABLED]
    assert [e.kind for e in listening.errors] == ["device_lost"]


def test_a_device_that_cannot_be_opened_at_first_is_waited_for(transport, scanners):
    listening = Listening()
    scanner = HidScanner(transport, "hid:0c2e:0b61", listener=listening)
    scanners.append(scanner)
    scanner.open()
    scanner.claim()
    transport.plugged = False  # gone between open() and enable()
    scanner.enable()
    wait_for(lambda: scanner.state is State.ERROR)
    assert [e.kind for e in listening.errors] == ["device_lost"]
    transport.plugged = True
    wait_for(lambda: scanner.state is State.ENABLED)
    transport.send(pos_report(b"96385074"))
    assert read_all(scanner, listening, 1) == ["96385074"]


@pytest.mark.parametrize("keyboard", [False, True], ids=["pos", "keyboard"])
def test_a_code_cut_by_an_unplug_does_not_stick_to_the_next(transport, scanners, keyboard):
    listening = Listening()
    scanner = start(transport, listening, scanners, keyboard=keyboard)
    half = typed("LU0200018SEC")[:-2] if keyboard else pos_reports(QR)[:1]
    transport.send(*half)
    wait_for(lambda: transport.reports.empty())
    time.sleep(0.02)  # the reader has taken the last half report in
    transport.plugged = False
    wait_for(lambda: scanner.state is State.ERROR)
    transport.plugged = True
    wait_for(lambda: scanner.state is State.ENABLED)
    transport.send(*(typed("96385074") if keyboard else [pos_report(b"96385074")]))
    assert read_all(scanner, listening, 1) == ["96385074"]


def test_open_fails_when_the_device_is_not_present(transport):
    listening = Listening()
    transport.plugged = False
    scanner = HidScanner(transport, "hid:0c2e:0b61", listener=listening)
    with pytest.raises(ScannerOpenError, match="not connected"):
        scanner.open()
    assert scanner.state is State.CLOSED
    assert [e.kind for e in listening.errors] == ["open_failed"]
    assert transport.calls == []  # present() only enumerates; nothing was opened


def test_the_device_is_read_only_between_enable_and_disable(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    wait_for(lambda: "read" in transport.calls)
    scanner.disable()
    assert transport.calls[-1] == "close"
    assert transport.calls.count("open") == 1
    time.sleep(0.05)
    assert transport.calls[-1] == "close"  # nothing read while disabled
    scanner.enable()
    transport.send(pos_report(b"96385074"))
    assert read_all(scanner, listening, 1) == ["96385074"]
    assert transport.calls.count("open") == 2
    scanner.close()
    assert transport.calls[-1] == "close"
    assert scanner.state is State.CLOSED
    # hidapi is not thread-safe: every device call happened on a reader thread
    assert transport.threads == {"hid:0c2e:0b61"}


def test_auto_disable_stops_after_one_code(transport, scanners):
    listening = Listening()
    scanner = start(transport, listening, scanners)
    scanner.auto_disable = True
    scanner.data_events_enabled = True
    transport.send(pos_report(b"111"), pos_report(b"222"))
    wait_for(lambda: scanner.state is State.IDLE)
    assert listening.labels == ["111"]
    time.sleep(0.05)
    assert listening.labels == ["111"]
    assert scanner.data_count == 0


def test_re_enabled_from_the_listener_after_auto_disable_one_thread_reads(transport, scanners):
    # The listener runs on the reader thread; an application that re-enables the scanner there
    # (or soon after, from its own thread) must not end up with two threads reading one device:
    # hidapi is not thread-safe.
    scanner: HidScanner | None = None
    labels: list[str] = []

    def listener(event: Event) -> None:
        if isinstance(event, ScanEvent):
            labels.append(event.label)
            assert scanner is not None
            scanner.enable()
            scanner.data_events_enabled = True

    scanner = HidScanner(transport, "hid:auto", listener=listener)
    scanners.append(scanner)
    scanner.auto_disable = True
    scanner.open()
    scanner.claim()
    scanner.enable()
    scanner.data_events_enabled = True
    for code in (b"111", b"222", b"333"):
        transport.send(pos_report(code))
        wait_for(lambda: transport.reports.empty())
        time.sleep(0.02)
    wait_for(lambda: len(labels) == 3)
    assert labels == ["111", "222", "333"]
    readers = [t for t in threading.enumerate() if t.name == "hid:auto"]
    assert len(readers) == 1
    assert transport.calls.count("open") - transport.calls.count("close") == 1
