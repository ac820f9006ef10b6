"""``levelup-pos scanners``: what a technician sees."""

from __future__ import annotations

import io
import json
import os
import sys
import time
import tty

from pos_app import cli
from tests.serial_pty import type_once_open

LU = "LU0200018SECH4O89A4NBOT7030000LU"


def listen(monkeypatch, capsys, *args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.main(["scanners", "listen", *args])
    out = capsys.readouterr().out
    return status, [json.loads(line) for line in out.splitlines()]


def test_listen_prints_one_json_object_a_scan_and_masks_levelup_codes(monkeypatch, capsys):
    url = f"fake://?codes={LU},012345678905,nonsense,96385074&interval=0"
    status, lines = listen(monkeypatch, capsys, url, "--count", "3")
    assert status == 0
    assert lines == [
        {"label": "LU02…T703…LU", "kind": "levelup", "symbology": "levelup", "device": "fake"},
        {"label": "012345678905", "kind": "product", "symbology": "upc-a", "device": "fake"},
        {"label": "nonsense", "kind": "unknown", "symbology": None, "device": "fake"},
    ]


def test_listen_can_show_codes(monkeypatch, capsys):
    _, lines = listen(
        monkeypatch, capsys, f"fake://?codes={LU}&interval=0", "--count", "1", "--show-codes"
    )
    assert lines[0]["label"] == LU


def test_listen_stops_at_the_timeout(monkeypatch, capsys):
    start = time.monotonic()
    status, lines = listen(monkeypatch, capsys, "fake://?codes=1,2&interval=5", "--timeout", "0.3")
    assert status == 0 and lines == []
    assert time.monotonic() - start < 2


def test_listen_on_a_serial_scanner_reports_noise_without_counting_it(monkeypatch, capsys):
    master, slave = os.openpty()
    tty.setraw(slave)

    type_once_open(monkeypatch, master, b"\x01\x02\r" + LU.encode() + b"\r\n")
    status, lines = listen(
        monkeypatch, capsys, f"serial://{os.ttyname(slave)}", "--count", "1", "--timeout", "5"
    )
    os.close(master)
    os.close(slave)
    assert status == 0
    assert lines[0]["error"] == "framing"
    assert lines[1]["kind"] == "levelup" and lines[1]["label"] == "LU02…T703…LU"


def test_listen_to_a_wedge_through_standard_input(monkeypatch, capsys):
    status, lines = listen(
        monkeypatch, capsys, "keyboard://", "--count", "2", stdin=f"{LU}\n4006381333931\n"
    )
    assert status == 0
    assert [line["kind"] for line in lines] == ["levelup", "product"]


def test_a_scanner_that_cannot_be_opened_is_the_only_failure(monkeypatch, capsys):
    status, lines = listen(monkeypatch, capsys, "serial:///dev/no-such-scanner", "--count", "1")
    assert status == 1
    assert lines[0]["error"] == "open_failed"
    status, lines = listen(monkeypatch, capsys, "gopher://x")
    assert status == 1 and "serial://" in lines[0]["message"]


def test_list_names_every_port(capsys):
    assert cli.main(["scanners", "list"]) == 0
    out = capsys.readouterr().out
    assert "serial://" in out or "No serial port or HID device found." in out
