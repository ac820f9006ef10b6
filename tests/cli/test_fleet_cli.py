"""``status --json`` and ``drain`` for fleet tools, and root refused on the register's files
(rollout trial D1, D2)."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import time

import pytest

from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.app.terminal import sign_in_to_sandbox
from pos_app.cli import ExitCode, main
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from tests.ui.test_shutdown import SCRIPT, set_up_register, wait_for_log

AS_ROOT = os.geteuid() == 0


@pytest.fixture
def register(tmp_path, monkeypatch, server):
    """A register set up on the test sandbox (LevelUp at a real loopback address)."""
    server.reset()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    paths = Paths(tmp_path / "register")
    sign_in_to_sandbox(paths, server.url, {})
    set_settings(paths, {}, {"register.id": "front-3"})
    return paths


def status(capsys, paths: Paths) -> tuple[int, dict]:
    code = main(["status", "--json", "--data-dir", str(paths.data_dir)])
    return code, json.loads(capsys.readouterr().out)


def test_status_reports_a_healthy_register_for_fleet_tools(register, capsys, server):
    demo = ["demo", "--headless", "--checks", "3", "--sandbox-url", server.url]
    assert main([*demo, "--data-dir", str(register.data_dir)]) == ExitCode.OK
    capsys.readouterr()
    code, document = status(capsys, register)
    assert code == ExitCode.OK and document["ok"] and document["problems"] == []
    assert document["register"] == "front-3"
    assert document["levelup"]["reachable"] is True
    assert document["payments"] == {"unfinished": 0, "by_status": {}}
    assert document["running"] is None
    assert document["last_z_report"] is None
    assert {"version", "build", "printer", "scanner", "store"} <= document.keys()


def test_status_in_lines_for_a_person(register, capsys):
    assert main(["status", "--data-dir", str(register.data_dir)]) == ExitCode.OK
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("levelup-pos ") and "register front-3" in said[0]
    assert "LevelUp: reachable" in said and "running: no" in said and said[-1] == "OK"


def test_status_says_levelup_is_unreachable_and_exits_1(register, capsys, server):
    with SandboxAdmin(server.url) as admin:
        admin.add_fault(path="/v15/locations/*", status=503, times=5)
    code, document = status(capsys, register)
    assert code == ExitCode.FAILED
    assert document["levelup"]["reachable"] is False
    assert document["problems"] == ["LevelUp is not reachable"]
    assert "levelup-pos-demo" not in json.dumps(document)  # no token in what it prints


def test_drain_closes_the_running_register_and_waits_until_it_has_exited(
    tmp_path, monkeypatch, capsys
):
    data, env = set_up_register(tmp_path, monkeypatch)
    window = subprocess.Popen([SCRIPT, "--data-dir", str(data)], env=env, stdin=subprocess.DEVNULL)
    try:
        wait_for_log(data, "The register window is up", window)
        _, document = status(capsys, Paths(data))
        assert document["running"]["pid"] == window.pid
        started = time.monotonic()
        assert main(["drain", "--data-dir", str(data)]) == ExitCode.OK
        assert window.poll() == 0  # exited (not killed) before drain returned
        assert time.monotonic() - started < 15
        assert "no register runs" in capsys.readouterr().out
        assert main(["drain", "--data-dir", str(data)]) == ExitCode.OK
        assert "No register runs" in capsys.readouterr().out
    finally:
        window.kill()
        window.wait()


def test_drain_waits_for_a_command_and_never_signals_it(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    owner = {"pid": os.getpid(), "what": "levelup-pos recover", "since": "now"}
    (data / "register.owner").write_text(json.dumps(owner))
    code = main(["drain", "--timeout", "0.3", "--data-dir", str(data)])
    assert code == ExitCode.STILL_RUNNING  # and this process (the "command") is alive
    said = capsys.readouterr()
    assert "Waiting for levelup-pos recover" in said.out and "still runs" in said.err


def _as_another_account(path, monkeypatch) -> None:
    """``path`` belongs to an account other than root, and this process is root."""
    if AS_ROOT:
        os.chown(path, 4242, 4242)
    monkeypatch.setattr(os, "geteuid", lambda: 0)


def test_root_is_refused_on_the_registers_files_and_told_the_account(register, monkeypatch, capsys):
    journal = register.data_dir / "journal.sqlite3"
    main(["staff", "list", "--data-dir", str(register.data_dir)])
    capsys.readouterr()
    for path in (register.data_dir, journal, register.data_dir / "settings.toml"):
        _as_another_account(path, monkeypatch)
    before = sorted(p.name for p in register.data_dir.iterdir())
    argv = ["config", "set", "register.id", "lane-2", "--data-dir", str(register.data_dir)]
    assert main(argv) == ExitCode.WRONG_ACCOUNT
    said = capsys.readouterr().err
    account = "4242" if AS_ROOT else pwd.getpwuid(os.getuid()).pw_name
    assert f"runuser -u {account} -- levelup-pos config set register.id lane-2" in said
    assert sorted(p.name for p in register.data_dir.iterdir()) == before  # nothing made
    assert main(["paths", "--data-dir", str(register.data_dir)]) == ExitCode.OK  # harmless
    assert main(["drain", "--data-dir", str(register.data_dir)]) == ExitCode.OK


@pytest.mark.skipif(not AS_ROOT, reason="needs root to give a directory to group 4242")
def test_root_is_refused_in_a_new_shared_data_directory_and_told_the_group(tmp_path, capsys):
    shared = tmp_path / "levelup-pos"
    shared.mkdir()
    os.chown(shared, 0, 4242)
    shared.chmod(0o2770)
    assert main(["config", "set", "register.id", "x", "--data-dir", str(shared)]) == 6
    assert "a member of group 4242" in capsys.readouterr().err
    assert list(shared.iterdir()) == []
    own = tmp_path / "roots-own"
    assert main(["config", "set", "register.id", "x", "--data-dir", str(own)]) == ExitCode.OK
