"""Every hidapi call, enumeration included, runs on the one hidapi thread, whichever thread
asks: a stand-in ``hid`` module notes the thread of each call and how many run at once."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest

from drivers.discovery import hid_devices
from drivers.hid_scanner import HidapiTransport, HidScanner
from drivers.hid_thread import run_in_hid_thread
from tests.drivers.test_hid import LU, Listening, pos_reports, wait_for

SCANNER = {"vendor_id": 0x05E0, "product_id": 0x1900, "usage_page": 0x8C, "product_string": "DS"}


class FakeHid:
    """Stands in for the ``hid`` module (``enumerate`` and ``device``)."""

    def __init__(self) -> None:
        self.reports: queue.Queue[bytes] = queue.Queue()
        self.calls: list[tuple[str, threading.Thread]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    @contextmanager
    def call(self, name: str, seconds: float = 0.0) -> Iterator[None]:
        with self._lock:
            self.calls.append((name, threading.current_thread()))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(seconds)  # long enough for calls of other threads to overlap, if they can
            yield
        finally:
            with self._lock:
                self.running -= 1

    def enumerate(self, vendor_id: int = 0, product_id: int = 0) -> list[dict[str, Any]]:
        with self.call("enumerate", 0.002):
            return [dict(SCANNER)] if vendor_id in (0, SCANNER["vendor_id"]) else []

    def device(self) -> FakeDevice:
        with self.call("device"):
            return FakeDevice(self)

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.calls}

    @property
    def threads(self) -> set[threading.Thread]:
        return {thread for _, thread in self.calls}


class FakeDevice:
    def __init__(self, hid: FakeHid) -> None:
        self._hid = hid

    def open(self, vendor_id: int, product_id: int, serial_number: str | None = None) -> None:
        with self._hid.call("open"):
            pass

    def read(self, max_length: int, timeout_ms: int = 0) -> list[int]:
        with self._hid.call("read"):
            try:
                return list(self._hid.reports.get(timeout=0.005))
            except queue.Empty:
                return []

    def close(self) -> None:
        with self._hid.call("close"):
            pass


@pytest.fixture
def hid(monkeypatch: pytest.MonkeyPatch) -> FakeHid:
    """The stand-in, where ``import hid`` finds the real module."""
    fake = FakeHid()
    monkeypatch.setitem(sys.modules, "hid", fake)
    return fake


def hidapi_thread() -> threading.Thread:
    return run_in_hid_thread(threading.current_thread)


def test_a_scanner_opens_reads_and_closes_on_the_hidapi_thread_only(hid: FakeHid) -> None:
    listening = Listening()
    scanner = HidScanner(HidapiTransport(0x05E0, 0x1900), "hid:05e0:1900", listener=listening)
    scanner.start()  # present() is asked here, on the test's thread
    try:
        for report in pos_reports(LU):
            hid.reports.put(report)
        wait_for(lambda: listening.labels == [LU])
        reader = scanner._thread
    finally:
        scanner.close()
    assert {"enumerate", "device", "open", "read", "close"} <= hid.names
    assert hid.threads == {hidapi_thread()}
    assert threading.current_thread() not in hid.threads
    assert reader is not None
    assert reader not in hid.threads


def test_discovery_enumerates_on_the_hidapi_thread(hid: FakeHid) -> None:
    (found,) = hid_devices()  # the hid module itself
    assert found.url == "hid://05e0:1900?mode=pos"
    seen: list[threading.Thread] = []

    def stand_in() -> list[dict[str, Any]]:
        seen.append(threading.current_thread())
        return [dict(SCANNER)]

    assert hid_devices(stand_in) == [found]
    assert hid.threads == set(seen) == {hidapi_thread()}


def test_calls_from_many_threads_run_one_at_a_time_on_one_thread(hid: FakeHid) -> None:
    transport = HidapiTransport(0x05E0, 0x1900)
    with ThreadPoolExecutor(max_workers=8) as callers:
        listed = [callers.submit(hid_devices) for _ in range(20)]
        present = [callers.submit(transport.present) for _ in range(20)]
        assert all(len(f.result()) == 1 for f in listed)
        assert all(f.result() for f in present)
    assert len(hid.calls) == 40
    assert hid.threads == {hidapi_thread()}
    assert hid.most_at_once == 1


def test_what_hidapi_raises_reaches_the_caller(hid: FakeHid) -> None:
    with pytest.raises(OSError, match="not open"):
        HidapiTransport(0x05E0, 0x1900).read(64, 10)
    assert run_in_hid_thread(lambda: run_in_hid_thread(threading.current_thread)) is (
        hidapi_thread()
    )  # a call made on the hidapi thread runs at once instead of waiting for itself
