"""The cashier window's figures: cold start to ready-for-scan, the longest GUI event-loop
stall during checkouts against a LevelUp that answers in 3 s and during cash checkouts printed
on a printer that takes 3 s, and memory after 500 checks.

Run from the repository root: ``.venv/bin/python -m benchmarks.ui [--starts 5] [--checks 500]``.

Runs offscreen. The sandbox runs in its own process (as LevelUp would be elsewhere), so the
register's GUI thread and memory are measured alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest

from benchmarks.common import p50, p99, sandbox_process
from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.engine import CheckState
from pos_app.host.logs import LOG_FILE
from pos_app.host.paths import Paths
from pos_app.ui.dialogs import CashDialog
from pos_app.ui.launch import application
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.session import RegisterSession
from tests.fake_printer import FakePrinter, Printout


def cold_starts(rounds: int) -> None:
    """``levelup-pos`` as a process, from exec to "ready for scans" in its log."""
    for label, fresh in (("first run (sets up the demo)", True), ("later start", False)):
        samples = []
        with tempfile.TemporaryDirectory() as home:
            data = Path(home) / "data"
            env = {**os.environ, "XDG_CONFIG_HOME": str(Path(home) / "config")}
            for _ in range(rounds):
                if fresh:
                    subprocess.run(["rm", "-rf", str(data), f"{data}-sandbox"], check=True)
                samples.append(_start_once(data, env))
        print(
            f"cold start to ready-for-scan, {label}: median {p50(samples):.2f} s, "
            f"worst {max(samples):.2f} s over {rounds} starts (target under 1.5 s)"
        )


def _start_once(data: Path, env: dict[str, str]) -> float:
    command = [str(Path(sys.executable).with_name("levelup-pos")), "--data-dir", str(data)]
    log = data / "logs" / LOG_FILE
    before = log.read_text().count("ready for scans") if log.exists() else 0
    started = time.perf_counter()
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) as process:
        try:
            while time.perf_counter() - started < 30:
                if log.exists() and log.read_text().count("ready for scans") > before:
                    return time.perf_counter() - started
                if process.poll() is not None:
                    raise SystemExit("levelup-pos stopped before it was ready")
                time.sleep(0.005)
            raise SystemExit("levelup-pos was not ready within 30 s")
        finally:
            process.terminate()
            process.wait(timeout=20)


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Run the event loop (as the app does, threads free to run) until ``condition``."""
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    timer.start(1)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(int(timeout * 1000))
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise SystemExit("timed out")


class StallMeter:
    """A 2 ms timer on the GUI thread; a late tick means the event loop was busy."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(2)

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def checkout(session: RegisterSession, customer: str) -> None:
    """A cashier's checkout: two items, LevelUp from the demo panel, Done."""
    window = session.window
    for name in ("Burger", "Fries"):
        item = next(i for i in window.catalog.items if i.name == name)
        window.add_item(item)
        wait_for(lambda: session.till.lane.idle)
    customers = session.customers
    assert customers is not None
    wait_for(lambda: customer in customers.codes)
    QTest.mouseClick(window.tenders.levelup, Qt.MouseButton.LeftButton)
    customers.scanned.emit(customers.codes[customer])
    wait_for(lambda: window.payment is not None and window.payment.state == "answered")
    dialog = window.payment
    assert isinstance(dialog, LevelUpDialog)
    QTest.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: not window.dialogs)
    record = session.till.record
    assert record is not None
    assert record.state is CheckState.CLOSED, record


def printed_checkout(session: RegisterSession) -> None:
    """A cash checkout whose receipt the cashier prints: Burger, $20 cash, Print."""
    window = session.window
    item = next(i for i in window.catalog.items if i.name == "Burger")
    window.add_item(item)
    wait_for(lambda: session.till.lane.idle)
    QTest.mouseClick(window.tenders.cash, Qt.MouseButton.LeftButton)
    wait_for(lambda: any(isinstance(d, CashDialog) for d in window.dialogs))
    cash = next(d for d in window.dialogs if isinstance(d, CashDialog))
    cash.amount.setText("20")
    QTest.mouseClick(cash.ok, Qt.MouseButton.LeftButton)
    wait_for(lambda: any(isinstance(d, ReceiptDialog) for d in window.dialogs))
    choice = next(d for d in window.dialogs if isinstance(d, ReceiptDialog))
    QTest.mouseClick(choice.print_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: not window.dialogs)


def session_on(url: str, home: Path, environ: dict[str, str] | None = None) -> RegisterSession:
    paths = Paths(home / "data")
    sign_in_to_sandbox(paths, url, {}, key_path=home / "key")
    terminal = open_register(paths, environ or {}, key_path=home / "key")
    session = RegisterSession(terminal)
    session.start()
    wait_for(lambda: session.till.cashier is not None)
    return session


def stalls(url: str, checkouts: int = 3) -> None:
    slow = {"path": "/v15/*", "latency_ms": 3000}
    httpx.post(f"{url}/sandbox/faults", json=slow).raise_for_status()
    with tempfile.TemporaryDirectory() as home:
        session = session_on(url, Path(home))
        meter = StallMeter()
        started = time.perf_counter()
        meter.start()
        for _ in range(checkouts):
            checkout(session, "Ada Card")
        meter.stop()
        took = time.perf_counter() - started
        session.close()
        session.terminal.close()
    httpx.delete(f"{url}/sandbox/faults").raise_for_status()
    gaps = sorted(meter.gaps)
    print(
        f"GUI event loop during {checkouts} checkouts against 3 s LevelUp latency ({took:.1f} s): "
        f"longest stall {gaps[-1]:.1f} ms (target under 50 ms), p99 tick gap "
        f"{p99(gaps):.1f} ms, median {p50(gaps):.1f} ms "
        "(2 ms timer)"
    )


def receipts_of(printer: FakePrinter) -> list[Printout]:
    return [p for p in printer.printed() if not p.drawer_kicks]


def printing_stalls(url: str, checkouts: int = 3) -> None:
    printer = FakePrinter()
    printer.read_delay = 3
    environ = {"LEVELUP_POS_PRINTER_URL": printer.url}
    with tempfile.TemporaryDirectory() as home:
        session = session_on(url, Path(home), environ)
        meter = StallMeter()
        started = time.perf_counter()
        meter.start()
        for _ in range(checkouts):
            printed_checkout(session)
        took = time.perf_counter() - started
        cashier_ticks = len(meter.gaps)
        wait_for(lambda: len(receipts_of(printer)) == checkouts, timeout=120)
        printed = time.perf_counter() - started
        meter.stop()
        session.close()
        session.terminal.close()
    printer.stop()
    receipts = receipts_of(printer)
    gaps = sorted(meter.gaps)
    printing = max(meter.gaps[cashier_ticks:])
    print(
        f"GUI event loop during {checkouts} cash checkouts printed on a printer that takes 3 s "
        f"(the cashier done in {took:.1f} s; all {len(receipts)} receipts out after "
        f"{printed:.1f} s, "
        f"measured throughout): longest stall {gaps[-1]:.1f} ms (target under 50 ms), "
        f"{printing:.1f} ms once the cashier was done and only the printer worked; p99 tick gap "
        f"{p99(gaps):.1f} ms, median {p50(gaps):.1f} ms (2 ms timer)"
    )


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(url: str, checks: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        session = session_on(url, Path(home))
        checkout(session, "Ada Card")  # everything imported and warmed up once
        readings = [(1, rss_mib())]
        started = time.perf_counter()
        for number in range(2, checks + 1):
            checkout(session, "Ada Card")
            if number in (100, 250, checks):
                readings.append((number, rss_mib()))
        took = time.perf_counter() - started
        journal = session.terminal.paths.journal_file.stat().st_size / 1024 / 1024
        session.close()
        session.terminal.close()
    shown = ", ".join(f"{n} checks {mib:.0f} MiB" for n, mib in readings)
    growth = (readings[-1][1] - readings[1][1]) / (readings[-1][0] - readings[1][0]) * 1024
    print(
        f"memory (RSS) of the register: {shown}; growth after 100 checks {growth:.1f} KiB per "
        f"check; {checks} UI checkouts took {took:.1f} s ({took / checks * 1000:.0f} ms each); "
        f"journal {journal:.1f} MiB"
    )


def _quiet(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages, without the offscreen plugin's note on every dialog shown."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def main() -> None:
    qInstallMessageHandler(_quiet)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    application()
    cold_starts(args.starts)
    with sandbox_process() as url:
        stalls(url)
        printing_stalls(url)
        memory(url, args.checks)


if __name__ == "__main__":
    main()
