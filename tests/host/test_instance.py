"""One writer per data directory: a second register or writing command is refused with the
first one named; readers keep working; a killed register does not block the next start."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from pos_app import cli
from pos_app.app.terminal import open_register
from pos_app.host.instance import DataDirectoryBusy, WriterLock
from pos_app.host.paths import Paths


def holder(data_dir, what="the register window"):
    """Another process holding the writer lock of ``data_dir`` until it is killed."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from pos_app.host.paths import Paths
        from pos_app.host.instance import WriterLock
        held = WriterLock(Paths(Path({str(data_dir)!r})), {what!r}).acquire()
        print("held", flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_is_told_who_holds_the_directory_until_that_one_is_killed(tmp_path):
    paths = Paths(tmp_path / "register")
    first = holder(paths.data_dir)
    try:
        with pytest.raises(DataDirectoryBusy) as refused:
            WriterLock(paths, "levelup-pos recover").acquire()
        message = str(refused.value)
        assert f"the register window (process {first.pid} on " in message
        assert "journal export" in message  # what still works
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        first.stdout.close()
    with WriterLock(paths, "levelup-pos recover"):  # the killed process's lock went with it
        owner = json.loads((paths.data_dir / "register.owner").read_text())
        assert owner["pid"] == os.getpid() and owner["what"] == "levelup-pos recover"
    assert not (paths.data_dir / "register.owner").exists()


def test_while_a_register_runs_writing_commands_are_refused_and_reading_ones_work(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data = tmp_path / "register"
    terminal = open_register(Paths(data), {})
    try:
        with pytest.raises(DataDirectoryBusy, match="in use by the register window"):
            open_register(Paths(data), {})  # a second window on the same directory
        for command in (
            ["recover"],
            ["config", "set", "register.tax_rate", "7"],
            ["staff", "disable", "1"],
        ):
            assert cli.main([*command, "--data-dir", str(data)]) == 1, command
            assert "in use by the register window" in capsys.readouterr().err
        for command in (["journal", "export"], ["journal", "verify"], ["journal", "pending"]):
            assert cli.main([*command, "--data-dir", str(data)]) == 0, command
            capsys.readouterr()
    finally:
        terminal.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO("9999\n"))  # the demo admin's PIN
    assert cli.main(["staff", "disable", "1", "--admin", "9", "--data-dir", str(data)]) == 0
