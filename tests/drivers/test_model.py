"""The UnifiedPOS device model, URLs, the scripted scanner, and framing properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.fake import FakeScanner, read_script
from drivers.framing import MAX_CODE, Frame, FramingError, LineFramer
from drivers.scanner import Event, ScanEvent, ScannerError, State, StateEvent
from drivers.url import ScannerUrlError, open_scanner


def collect(scanner_events):
    return [e.label for e in scanner_events if isinstance(e, ScanEvent)]


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_the_lifecycle_is_enforced_and_announced():
    events: list[Event] = []
    scanner = FakeScanner([], listener=events.append)
    with pytest.raises(ScannerError, match="Open"):
        scanner.claim()
    scanner.open()
    with pytest.raises(ScannerError, match="Claim"):
        scanner.enable()
    scanner.claim()
    scanner.enable()
    assert scanner.state is State.ENABLED and scanner.claimed
    scanner.release()
    assert scanner.state is State.IDLE and not scanner.claimed
    scanner.close()
    assert [e.state for e in events if isinstance(e, StateEvent)] == [
        State.IDLE,
        State.ENABLED,
        State.IDLE,
        State.CLOSED,
    ]


def test_start_opens_claims_and_enables_with_data_events_on():
    events: list[Event] = []
    scanner = FakeScanner([(0, "A1")], listener=events.append)
    scanner.start()
    assert scanner.state is State.ENABLED and scanner.claimed
    wait_for(lambda: collect(events) == ["A1"])
    scanner.close()


def test_a_start_that_fails_closes_what_it_opened():
    scanner = open_scanner("serial:///dev/no-such-scanner", lambda event: None)
    with pytest.raises(ScannerError):
        scanner.start()
    assert scanner.state is State.CLOSED


def enabled(steps, **kwargs):
    events: list[Event] = []
    scanner = FakeScanner(steps, listener=events.append)
    scanner.open()
    scanner.claim()
    for name, value in kwargs.items():
        setattr(scanner, name, value)
    scanner.enable()
    return scanner, events


def test_scans_queue_while_data_events_are_off_and_come_one_at_a_time():
    scanner, events = enabled([(0, "A"), (0, "B"), (0, "C")])
    wait_for(lambda: scanner.data_count == 3)
    assert collect(events) == []
    scanner.data_events_enabled = True
    assert collect(events) == ["A"]
    assert not scanner.data_events_enabled
    scanner.data_events_enabled = True
    scanner.data_events_enabled = True
    assert collect(events) == ["A", "B", "C"]
    scanner.close()


def test_clear_input_drops_what_is_queued():
    scanner, events = enabled([(0, "A"), (0, "B")])
    wait_for(lambda: scanner.data_count == 2)
    scanner.clear_input()
    scanner.data_events_enabled = True
    assert scanner.data_count == 0 and collect(events) == []
    scanner.close()


def test_auto_disable_stops_after_one_code():
    scanner, events = enabled([(0, "A"), (0.05, "B")], auto_disable=True)
    scanner.data_events_enabled = True
    wait_for(lambda: collect(events) == ["A"])
    time.sleep(0.15)
    assert scanner.state is State.IDLE
    assert collect(events) == ["A"]
    scanner.close()


def test_fake_scripts(tmp_path):
    script = tmp_path / "scans.txt"
    script.write_text("# a demo\n0.01 LU0200018SECH4O89A4NBOT7030000LU\n\n0 012345678905\n")
    assert read_script(script) == [
        (0.01, "LU0200018SECH4O89A4NBOT7030000LU"),
        (0.0, "012345678905"),
    ]
    script.write_text("soon 123\n")
    with pytest.raises(ValueError, match=r"scans.txt:1: expected 'SECONDS LABEL'"):
        read_script(script)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("usb://1", "starts with serial://"),
        ("serial://", "names its port"),
        ("serial:///dev/x?baud=fast", "serial:///dev/x"),
        ("serial:///dev/x?suffix=CRCR", "Unknown suffix"),
        ("hid://zz:1", "hexadecimal"),
        ("hid://0c2e:0b61?mode=mouse", "mode is pos or keyboard"),
        ("fake:///no/such/script", "is not a script file"),
        ("fake:///dev/zero", "is not a script file"),  # red team D19: it hung
        ("fake://?codes=A&interval=inf", "a pause is from 0 to 3600 seconds"),  # D19
        ("fake://?codes=A&interval=1e309", "a pause is from 0 to 3600 seconds"),
        ("fake://?codes=A&interval=nan", "a pause is from 0 to 3600 seconds"),
        ("fake://?codes=A&interval=-1", "a pause is from 0 to 3600 seconds"),
    ],
)
def test_bad_urls_say_what_is_wrong(url, message):
    with pytest.raises(ScannerUrlError, match=message):
        open_scanner(url)


def test_urls_pick_their_transport():
    assert open_scanner("serial://COM3?baud=115200").device == "serial:COM3"
    assert open_scanner("hid://0c2e:0b61?mode=keyboard").device == "hid:0c2e:0b61"
    scanner = open_scanner("fake://?codes=A,B&interval=0")
    assert isinstance(scanner, FakeScanner)


# ----- framing properties ------------------------------------------------------------------

printable = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60
)


@given(
    codes=st.lists(printable, min_size=1, max_size=10),
    cuts=st.lists(st.integers(0, 400)),
    suffix=st.sampled_from(["\r", "\n", "\r\n", "\t"]),
)
def test_codes_come_out_whole_however_the_stream_is_cut(codes, cuts, suffix):
    stream = "".join(code + suffix for code in codes).encode()
    framer = LineFramer()
    out = []
    start = 0
    for cut in [*sorted(set(cuts)), len(stream)]:
        out.extend(framer.feed(stream[start:cut], now=0.0))
        start = max(start, cut)
    assert [o.label for o in out if isinstance(o, Frame)] == codes


@given(st.binary(max_size=2000))
def test_any_bytes_never_crash_the_framer_nor_invent_a_code(noise):
    framer = LineFramer()
    out = framer.feed(noise, now=0.0) + framer.tick(now=10.0)
    for output in out:
        if isinstance(output, Frame):
            assert output.raw in noise
            assert output.label.encode() in noise
            assert all(0x20 <= b <= 0x7E for b in output.label.encode())
        else:
            assert isinstance(output, FramingError)


def test_a_run_without_terminator_is_cut_off_as_noise():
    out = LineFramer().feed(b"A" * (MAX_CODE + 1), now=0.0)
    assert isinstance(out[0], FramingError) and "no terminator" in out[0].reason


def test_a_script_with_an_endless_pause_is_refused(tmp_path):
    """Red team D19: a script line ``inf`` killed the reader thread."""
    script = tmp_path / "scans"
    script.write_text("0.1 LU02A\ninf LU02B\n")
    with pytest.raises(ScannerUrlError, match=r"scans:2: expected 'SECONDS LABEL'"):
        open_scanner(f"fake://{script}")


def test_a_file_that_is_not_a_script_is_never_echoed(tmp_path):
    """Red team D19: ``fake:///etc/shadow`` put the file's first line in the error."""
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$very-secret-hash:19000:0:99999:7:::\n")
    with pytest.raises(ScannerUrlError) as caught:
        open_scanner(f"fake://{secret}")
    assert "very-secret-hash" not in str(caught.value)


def test_a_reader_that_fails_is_never_silent():
    """Red team D19: a reader thread that raised left a scanner that looked enabled."""
    from drivers.scanner import ErrorEvent, ReadingScanner

    class Broken(ReadingScanner):
        def _read(self, stopped):
            raise OverflowError("cannot convert float infinity to integer")

    events: list[Event] = []
    scanner = Broken("broken://", listener=events.append)
    scanner.start()
    wait_for(lambda: scanner.state is State.ERROR)
    [error] = [e for e in events if isinstance(e, ErrorEvent)]
    assert error.kind == "device_lost" and "OverflowError" in error.message
    scanner.close()
