"""Red team D5/D6: the data directory on a tiny tmpfs that fills up while a real
``levelup-pos demo`` runs, at fill levels from empty to nearly full (the journal's creation
cut short included). Every run ends in a clear message, never a traceback; no crash report
is left empty or readable by others; once space is freed, ``recover`` and ``journal export``
work and the journal holds every order the sandbox charged, once.

Mounting needs root (CI's containers have it): elsewhere the test is skipped, and says why.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.test_kill import _levelup_pos

SIZE = "600k"
FILLS = [0, 250_000, 430_080, 480_000, 540_672, 575_000]
"""Bytes written before the demo starts (the red team's creation-cut-short range included)."""


def _mount(point: Path, size: str, remount: bool = False) -> subprocess.CompletedProcess[str]:
    options = f"remount,size={size}" if remount else f"size={size}"
    command = ["mount", "-o", options, str(point)] if remount else ["mount", "-t", "tmpfs"]
    if not remount:
        command += ["-o", options, "tmpfs", str(point)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    point = tmp_path / "disk"
    point.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a tmpfs can be mounted only as root (CI's containers are)")
    mounted = _mount(point, SIZE)
    if mounted.returncode != 0:
        pytest.skip(f"this machine cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.parametrize("fill", FILLS)
def test_a_full_disk_gives_a_clear_message_and_loses_nothing(server, tmp_path, tiny_disk, fill):
    server.reset()
    (tiny_disk / "filler").write_bytes(b"\0" * fill)
    data = tiny_disk / "register"
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _levelup_pos(env, *args, "--data-dir", str(data))

    demo = run("demo", "--headless", "--checks", "400", "--sandbox-url", server.url)
    said = demo.stdout + demo.stderr
    assert "Traceback" not in said and "Error in sys.excepthook" not in said, said
    assert demo.returncode == 1 and said.strip().splitlines()[-1].startswith("levelup-pos demo: ")
    assert "disk is full" in said or "database or disk is full" in said or "disk I/O" in said
    for report in (data / "logs").glob("crash-*.txt") if (data / "logs").exists() else []:
        assert report.stat().st_size > 0 and report.stat().st_mode & 0o077 == 0

    assert _mount(tiny_disk, "20m", remount=True).returncode == 0
    recovered = run("recover", "--settle-after", "0")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    exported = run("journal", "export")
    assert exported.returncode == 0, exported.stderr
    tenders = [t for c in json.loads(exported.stdout)["checks"] for t in c["tenders"]]
    journaled = [t["order_uuid"] for t in tenders if t["order_uuid"]]
    charged = [o["uuid"] for o in httpx.get(f"{server.url}/sandbox/orders").json()]
    assert charged or fill, "nothing was paid before the disk filled: the run proves nothing"
    assert sorted(journaled) == sorted(charged)  # none lost, none doubled
    assert len(set(journaled)) == len(journaled)
    journal = data / "journal.sqlite3"
    assert journal.stat().st_mode & 0o077 == 0
