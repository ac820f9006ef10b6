"""Sending jobs to the fake network printer: whole jobs, refusals before a byte is sent, and
plain words, within the timeout, for every way a printer fails."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.escpos_lib import CupsPrinter, Dummy
from drivers.printer import (
    PrinterState,
    PrinterUnavailable,
    PrinterUrl,
    parse_printer_url,
    query,
    send,
)
from tests.fake_printer import FakePrinter

OK = PrinterState(online=True, paper="ok", cover_open=False)


def receipt(*lines: str) -> bytes:
    printer = Dummy()
    for line in lines:
        printer.text(line + "\n")
    printer.cut()
    return bytes(printer.output)


def url_of(text: str) -> PrinterUrl:
    parsed = parse_printer_url(text)
    assert parsed is not None
    return parsed


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.stop()


def failure(url: PrinterUrl, data: bytes = b"x", timeout: float = 0.5) -> PrinterUnavailable:
    with pytest.raises(PrinterUnavailable) as raised:
        send(url, data, timeout=timeout)
    message = str(raised.value)
    assert message.startswith(f"The {url.describe()} ") or url.describe() in message
    assert "\n" not in message
    assert "Traceback" not in message
    return raised.value


def test_a_job_is_printed_whole_and_the_state_returned(printer: FakePrinter) -> None:
    job = receipt("LevelUp Cafe", "Latte        4.50", "Total        4.50")
    state = send(url_of(printer.url), job, timeout=2)
    assert state == OK
    assert state.problem == state.warning == ""
    assert printer.wait_for_jobs(1) == [job]  # every byte, the status queries taken out
    (printout,) = printer.printed()
    assert printout.lines == ["LevelUp Cafe", "Latte        4.50", "Total        4.50"]
    assert printout.cuts == 1


@pytest.mark.parametrize(
    ("paper", "cover_open", "message", "problem"),
    [
        ("out", False, "The printer at {} is out of paper.", "out of paper"),
        ("ok", True, "The cover of the printer at {} is open.", "cover open"),
    ],
)
def test_a_printer_that_cannot_print_is_refused_before_anything_is_sent(
    printer: FakePrinter, paper: str, cover_open: bool, message: str, problem: str
) -> None:
    printer.paper = paper  # type: ignore[assignment]
    printer.cover_open = cover_open
    url = url_of(printer.url)
    refused = failure(url, receipt("never printed"), timeout=2)
    assert str(refused) == message.format(printer.url.removeprefix("socket://"))
    assert refused.state is not None
    assert refused.state.problem == problem
    assert refused.state.online is False
    assert printer.wait_for_jobs(1) == [b""]  # the connection carried status queries only


def test_an_offline_printer_is_refused_before_anything_is_sent() -> None:
    printer = FakePrinter()
    printer.offline = True  # paper in and cover shut, yet offline (a cutter error, say)
    try:
        refused = failure(url_of(printer.url), receipt("never printed"), timeout=2)
        assert str(refused).endswith(" is offline.")
        assert refused.state == PrinterState(online=False, paper="ok", cover_open=False)
        assert printer.wait_for_jobs(1) == [b""]
    finally:
        printer.stop()


def test_paper_running_low_still_prints_and_says_so(printer: FakePrinter) -> None:
    printer.paper = "low"
    state = send(url_of(printer.url), receipt("low but printed"), timeout=2)
    assert state == PrinterState(online=True, paper="low", cover_open=False)
    assert state.problem == ""
    assert state.warning == "paper low"
    printer.wait_for_jobs(1)
    assert printer.printed()[0].lines == ["low but printed"]


def test_a_printer_that_never_answers_status_still_prints(printer: FakePrinter) -> None:
    printer.answers_status = False
    started = time.monotonic()
    state = send(url_of(printer.url), receipt("no status"), timeout=2)
    assert time.monotonic() - started < 1.5  # one short wait, not a wait per query
    assert state == PrinterState()
    assert state.problem == ""
    printer.wait_for_jobs(1)
    assert printer.printed()[0].lines == ["no status"]


def test_a_printer_switched_off_refuses_then_prints_when_back(printer: FakePrinter) -> None:
    url = url_of(printer.url)
    printer.stop()
    refused = failure(url)
    assert str(refused).endswith(" refused the connection; is it switched on?")
    assert refused.state is None
    printer.start()
    assert send(url, receipt("back"), timeout=2) == OK


def test_a_printer_that_stops_reading_fails_within_the_timeout(printer: FakePrinter) -> None:
    printer.stop_reading = True
    job = b"\x1b@" + b"x" * (32 << 20)  # more than the connection buffers on loopback
    started = time.monotonic()
    stuck = failure(url_of(printer.url), job, timeout=0.5)
    assert time.monotonic() - started < 2.5  # a status wait, then the send's timeout
    assert "stopped taking the receipt (nothing for 0.5 seconds)" in str(stuck)


@pytest.mark.parametrize("size", [5_000, 4 << 20], ids=["buffered", "mid-send"])
def test_a_connection_dropped_mid_job_fails(printer: FakePrinter, size: int) -> None:
    """Dropped while sending, or after the job sat in the buffers (the status asked after
    the job then finds the connection gone)."""
    printer.drop_after = 1000
    dropped = failure(url_of(printer.url), b"y" * size, timeout=2)
    assert str(dropped).endswith(" dropped the connection in the middle of the receipt.")
    assert printer.wait_for_jobs(1) == [b"y" * 1000]


def test_a_slow_printer_within_the_timeout_prints(printer: FakePrinter) -> None:
    printer.read_delay = 0.3
    job = receipt("slow", "but sure")
    assert send(url_of(printer.url), job, timeout=2) == OK
    assert printer.wait_for_jobs(1) == [job]


def test_jobs_from_many_threads_each_print_whole(printer: FakePrinter) -> None:
    url = url_of(printer.url)
    jobs = [receipt(f"job {n}", "-" * 40 * n) for n in range(12)]
    failures: list[BaseException] = []

    def print_some(some: list[bytes]) -> None:
        try:
            for job in some:
                send(url, job, timeout=5)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=print_some, args=(jobs[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert sorted(printer.wait_for_jobs(12)) == sorted(jobs)


def test_a_second_job_waits_its_turn_no_longer_than_the_timeout(printer: FakePrinter) -> None:
    printer.stop_reading = True
    url = url_of(printer.url)
    outcome: list[BaseException] = []

    def stuck_job() -> None:
        try:
            send(url, b"z" * (32 << 20), timeout=1)
        except PrinterUnavailable as exc:
            outcome.append(exc)

    first = threading.Thread(target=stuck_job)
    first.start()
    time.sleep(0.2)
    started = time.monotonic()
    busy = failure(url, timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert str(busy) == f"The {url.describe()} is busy with another job."
    first.join(10)
    assert "stopped taking the receipt" in str(outcome[0])


def test_query_asks_without_printing(printer: FakePrinter) -> None:
    printer.paper = "low"
    assert query(url_of(printer.url), timeout=2) == PrinterState(True, "low", False)
    assert printer.wait_for_jobs(1) == [b""]
    printer.paper = "out"
    assert query(url_of(printer.url), timeout=2).problem == "out of paper"


def test_query_of_a_printer_switched_off_fails_in_words(printer: FakePrinter) -> None:
    printer.stop()
    with pytest.raises(PrinterUnavailable, match="refused the connection"):
        query(url_of(printer.url), timeout=0.5)


def test_a_timeout_is_more_than_zero(printer: FakePrinter) -> None:
    with pytest.raises(ValueError, match="more than 0 seconds"):
        send(url_of(printer.url), b"x", timeout=0)


# ----- device files ---------------------------------------------------------------------------


def test_a_file_printer_gets_the_bytes(tmp_path: Path) -> None:
    job = receipt("to a file")
    url = url_of(f"file://{tmp_path}/receipt.prn")
    assert query(url, timeout=1) == PrinterState()
    assert send(url, job, timeout=1) == PrinterState()
    assert (tmp_path / "receipt.prn").read_bytes() == job


def test_a_file_in_a_missing_folder_is_a_plain_error(tmp_path: Path) -> None:
    url = url_of(f"file://{tmp_path}/gone/receipt.prn")
    missing = failure(url)
    assert (
        str(missing) == f"The {url.describe()} cannot be opened: there is no such file or folder."
    )
    with pytest.raises(PrinterUnavailable, match="no such file or folder"):
        query(url, timeout=1)


def test_a_folder_is_not_a_printer(tmp_path: Path) -> None:
    url = url_of(f"file://{tmp_path}")
    assert str(failure(url)) == f"The {url.describe()} is a folder, not a printer."
    with pytest.raises(PrinterUnavailable, match="is a folder"):
        query(url, timeout=1)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write anything")
def test_a_file_this_user_may_not_write_is_a_plain_error(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    target.write_bytes(b"")
    target.chmod(0o444)
    url = url_of(f"file://{target}")
    assert str(failure(url)).endswith(" may not be used by this user (permission denied).")
    with pytest.raises(PrinterUnavailable, match="permission denied"):
        query(url, timeout=1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_device_that_never_opens_fails_within_the_timeout(tmp_path: Path) -> None:
    pipe = tmp_path / "lp0"
    os.mkfifo(pipe)  # opening it to write waits for a reader, as a wedged device does
    started = time.monotonic()
    stuck = failure(url_of(f"file://{pipe}"), timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert str(stuck).endswith(" did not answer within 0.5 seconds.")
    os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))  # lets the abandoned open finish


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_device_that_stops_taking_bytes_fails_within_the_timeout(tmp_path: Path) -> None:
    pipe = tmp_path / "lp0"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    job = b"w" * (1 << 20)  # far more than a pipe holds
    try:
        started = time.monotonic()
        stuck = failure(url_of(f"file://{pipe}"), job, timeout=0.5)
        assert time.monotonic() - started < 3.0  # the send's timeout, then the close's
        assert "stopped taking the receipt (nothing for 0.5 seconds)" in str(stuck)
    finally:
        os.set_blocking(reader, True)
        received = 0
        while chunk := os.read(reader, 1 << 16):  # the abandoned write ends, then the close
            received += len(chunk)
        os.close(reader)
    assert received == len(job)


# ----- printers this computer cannot reach, or cannot use -------------------------------------


def test_a_serial_printer_that_is_not_there() -> None:
    missing = failure(url_of("serial:///dev/ttyLEVELUP9"))
    assert (
        str(missing)
        == "The printer on /dev/ttyLEVELUP9 is not there; is it plugged in and switched on?"
    )


def test_a_usb_printer_that_cannot_be_reached_says_why() -> None:
    message = str(failure(url_of("usb://1234:fedc")))
    assert message in (
        "The USB printer 1234:fedc needs the libusb library, which is not installed.",
        "The USB printer 1234:fedc is not there; is it plugged in and switched on?",
    )


@pytest.mark.skipif(CupsPrinter.is_usable(), reason="pycups is installed")
def test_cups_without_pycups_says_what_to_install() -> None:
    message = str(failure(url_of("cups://KITCHEN")))
    assert message == (
        "The CUPS printer KITCHEN needs the pycups package, which is not installed "
        "(lp://KITCHEN prints through the lp command without it)."
    )


@pytest.mark.skipif(sys.platform == "win32", reason="lp is not on Windows")
def test_an_lp_queue_that_cannot_be_used_says_why() -> None:
    message = str(failure(url_of("lp://LEVELUP-NO-SUCH-QUEUE"), timeout=5))
    if shutil.which("lpstat") is None:
        assert message.endswith(" needs the lp and lpstat commands (CUPS), which are not here.")
    else:
        assert message.endswith(" is not a print queue on this computer (lpstat -e lists them).")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows printers print on Windows")
def test_a_windows_printer_elsewhere_is_refused_plainly() -> None:
    message = str(failure(url_of("win32://EPSON TM-T20")))
    assert message == "The Windows printer EPSON TM-T20 prints on Windows only."


def test_spooler_printers_are_not_opened_to_be_asked() -> None:
    for text in ("lp://KITCHEN", "cups://KITCHEN", "win32://EPSON TM-T20"):
        assert query(url_of(text), timeout=1) == PrinterState()
