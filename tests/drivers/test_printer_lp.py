"""Printing through the lp command, against stand-in lp and lpstat commands on the PATH."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from drivers.printer import PrinterState, PrinterUnavailable, PrinterUrl, parse_printer_url, send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="lp is not on Windows")

LPSTAT = """#!/bin/sh
case "$1" in
  -e) echo KITCHEN ;;
  -v) echo "device for KITCHEN: socket://10.0.0.5:9100" ;;
  -d) echo "system default destination: KITCHEN" ;;
esac
"""
LP = """#!/bin/sh
echo "$@" > "$LP_SPOOL.args"
{reads}
exit {status}
"""


def stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, status: int = 0, reads: bool = True
) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in (
        ("lpstat", LPSTAT),
        ("lp", LP.format(status=status, reads='cat > "$LP_SPOOL"' if reads else "")),
    ):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    spool = tmp_path / "spool"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("LP_SPOOL", str(spool))
    return spool


def lp_url(queue: str = "KITCHEN") -> PrinterUrl:
    parsed = parse_printer_url(f"lp://{queue}")
    assert parsed is not None
    return parsed


def test_a_job_goes_to_the_queue_raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = stand_in(tmp_path, monkeypatch)
    assert send(lp_url(), b"\x1b@receipt\n\x1dV\x00", timeout=5) == PrinterState()
    assert spool.read_bytes() == b"\x1b@receipt\n\x1dV\x00\n"  # escpos ends lp's input with \n
    assert (tmp_path / "spool.args").read_text().split() == [
        "-d", "KITCHEN", "-t", "LevelUp", "POS", "-o", "raw"
    ]  # fmt: skip


def test_a_queue_lpstat_does_not_list_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = stand_in(tmp_path, monkeypatch)
    with pytest.raises(PrinterUnavailable) as raised:
        send(lp_url("BAR"), b"x", timeout=5)
    assert str(raised.value) == (
        "The printer queue BAR is not a print queue on this computer (lpstat -e lists them)."
    )
    assert not spool.exists()


def test_lp_refusing_the_job_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(tmp_path, monkeypatch, status=1)
    with pytest.raises(PrinterUnavailable) as raised:
        send(lp_url(), b"x", timeout=5)
    assert (
        str(raised.value) == "The printer queue KITCHEN refused the job (lp ended with status 1)."
    )


def test_lp_ending_before_the_job_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(tmp_path, monkeypatch, status=1, reads=False)
    with pytest.raises(PrinterUnavailable) as raised:
        send(lp_url(), b"x" * (4 << 20), timeout=5)  # more than a pipe holds
    assert str(raised.value) == (
        "The printer queue KITCHEN dropped the connection in the middle of the receipt."
    )
