"""``scanners list`` and ``scanners listen``, with a wedge scanner typing into this terminal as
the ``keyboard://`` source."""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import Command, ExitCode, RawTerminal

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands


def add_scanners(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    scanners = commands.add_parser("scanners", parents=[common], help="find and test scanners")
    scanner_commands = scanners.add_subparsers(
        title="scanner commands", metavar="ACTION", required=True
    )
    scanner_commands.add_parser(
        "list", parents=[common], help="serial ports and HID devices, likely scanners marked"
    ).set_defaults(command=Command("scanners", _list))
    listen = scanner_commands.add_parser(
        "listen",
        parents=[common],
        help="print each scan as a JSON line (serial://, hid://, fake:// or keyboard://)",
        description="Open the scanner and print one JSON object per scan: label (LevelUp codes "
        "masked), kind (levelup, product, unknown), symbology and device; errors as objects "
        "with an 'error' key. keyboard:// reads a wedge scanner typing into this terminal.",
    )
    listen.add_argument("url")
    listen.add_argument("--count", type=_at_least_one, help="stop after this many scans")
    listen.add_argument("--timeout", type=_seconds, help="stop after this many seconds")
    listen.add_argument("--show-codes", action="store_true", help="print LevelUp codes in full")
    listen.set_defaults(command=Command("scanners", _listen))


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text}")
    return value


def _list(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from drivers.discovery import hid_devices, serial_ports

    found = serial_ports() + hid_devices()
    if not found:
        print("No serial port or HID device found.", file=out)
    for device in found:
        mark = "scanner?" if device.likely_scanner else "        "
        reason = f"  ({device.reason})" if device.reason else ""
        print(f"{mark} {device.url:<40} {device.description}{reason}", file=out)
    return ExitCode.OK


def _listen(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """Scans and errors as JSON lines until ``--count`` scans, ``--timeout``, the end of piped
    input (``keyboard://``) or Ctrl+C, each an ordinary end (0). A scanner that cannot be
    opened is reported as a JSON line too (1)."""
    import queue
    import time

    from drivers.scanner import ErrorEvent, Event, ScanEvent, ScannerError
    from drivers.url import ScannerUrlError, open_scanner
    from pos_app.app.scans import classify
    from pos_app.levelup.redact import redact

    def shown(text: str) -> str:
        return text if args.show_codes else redact(text)

    def say(line: dict[str, Any]) -> None:
        print(json.dumps(line), file=out, flush=True)

    events: queue.Queue[Event] = queue.Queue()
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    terminal = RawTerminal()
    if args.url.startswith("keyboard:"):
        source = _keyboard_source(events, deadline, terminal)
    else:
        try:
            scanner = open_scanner(args.url, events.put)
            scanner.start()
        except (ScannerUrlError, ScannerError) as exc:
            say({"error": "open_failed", "message": shown(str(exc)), "device": args.url})
            return ExitCode.FAILED
        source = None
    scans = 0
    try:
        while args.count is None or scans < args.count:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                break
            try:
                event = events.get(timeout=wait if wait is not None else 0.5)
            except queue.Empty:
                if source is not None and not source.is_alive() and events.empty():
                    break
                continue
            if isinstance(event, ScanEvent):
                classified = classify(event.label)
                say(
                    {
                        "label": shown(classified.shown(args.show_codes)),
                        "kind": classified.kind.value,
                        "symbology": event.symbology or classified.symbology,
                        "device": event.device,
                    }
                )
                scans += 1
                if source is None:
                    scanner.data_events_enabled = True
            elif isinstance(event, ErrorEvent):
                say({"error": event.kind, "message": shown(event.message), "device": event.device})
    except KeyboardInterrupt:
        pass
    finally:
        terminal.restore()
        if source is None:
            scanner.close()
    return ExitCode.OK


def _keyboard_source(
    events: Any, deadline: float | None, terminal: RawTerminal
) -> threading.Thread:
    """Feed a wedge scanner typing into this terminal through the burst detector (lines of
    piped input are taken as scans)."""
    import time

    from drivers.scanner import ScanEvent
    from drivers.wedge import BurstDetector, Scanned

    def lines() -> None:
        for line in sys.stdin:
            if line.strip():
                events.put(ScanEvent(line.strip().encode(), line.strip(), None, "keyboard"))

    def keys() -> None:
        detector = BurstDetector()
        while deadline is None or time.monotonic() < deadline:
            key = sys.stdin.read(1)
            if not key:
                return
            for decision in detector.feed("\r" if key == "\n" else key, time.monotonic()):
                if isinstance(decision, Scanned):
                    label = decision.label
                    events.put(ScanEvent(label.encode(), label, None, "keyboard"))

    thread = threading.Thread(target=keys if terminal.characters() else lines, daemon=True)
    if sys.stdin is not None:
        thread.start()
    return thread
