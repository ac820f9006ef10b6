"""A register that cannot start says so: in the log, on standard error and in a window that
stays up until it is closed (rollout trial D3: an invisible process that logged nothing); and
a PC that lacks a system library Qt needs is told which one, before Qt aborts."""

from __future__ import annotations

import ctypes
import logging

from pos_app.cli import ExitCode, main
from pos_app.host.paths import Paths
from pos_app.ui.launch import Launcher
from pos_app.ui.system_check import startup_problem, xcb_plugin

DISPLAY = {"DISPLAY": ":0"}


def test_a_failed_start_is_logged_said_and_shown_until_closed(
    qtbot, tmp_path, monkeypatch, caplog, capsys
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text("[levelup]\nlocation_id = 19\nmerchant_id = 1\n")
    (data / "secrets.json").write_text("{not a secret store")
    launcher = Launcher(Paths(data), {})
    caplog.set_level(logging.ERROR, logger="pos_app.ui.launch")
    launcher.start()
    try:
        qtbot.waitUntil(lambda: launcher.problem is not None, timeout=15_000)
        problem = launcher.problem
        assert problem is not None
        qtbot.waitUntil(problem.isVisible, timeout=5_000)
        assert launcher.exit_code == 1 and launcher.session is None
        assert not launcher.splash.isVisible()
        assert any("could not start" in r.getMessage() for r in caplog.records)
        assert "the register cannot start" in capsys.readouterr().err
    finally:
        launcher.close()


def test_a_missing_system_library_is_named_with_its_package():
    present = {"libxcb-cursor.so.0", "libEGL.so.1"}

    def load(name: str) -> None:
        if name.endswith("libqxcb.so"):
            raise OSError("libxcb-util.so.1: cannot open shared object file: No such file")
        if name not in present and not name.startswith("libxcb-i"):
            return
        if name not in present:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")

    said = startup_problem(DISPLAY, platform="linux", load=load)
    assert said is not None
    assert "libxcb-icccm.so.4, libxcb-image.so.0" in said
    assert "apt-get install libxcb-icccm4 libxcb-image0" in said


def test_a_library_only_the_plugin_misses_is_named_from_the_loader_error():
    def load(name: str) -> None:
        if name.endswith("libqxcb.so"):
            raise OSError("libxcb-util.so.1: cannot open shared object file: No such file")

    said = startup_problem(DISPLAY, platform="linux", load=load)
    assert said is not None and "libxcb-util.so.1" in said


def test_the_real_plugin_is_checked_with_the_real_loader():
    """On this PC: either every library loads (None) or the message names a library."""
    said = startup_problem(DISPLAY, platform="linux", load=ctypes.CDLL)
    if said is not None:
        assert ".so" in said and "apt-get install" in said
    assert xcb_plugin().is_file()


def test_no_display_is_said_and_other_platforms_are_left_to_qt():
    assert "DISPLAY is not set" in (startup_problem({}, platform="linux") or "")
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert startup_problem({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert startup_problem({}, platform="win32") is None


def test_the_bare_command_without_a_display_says_so_before_qt_starts(tmp_path, monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data)]) == ExitCode.FAILED
    assert "DISPLAY is not set" in capsys.readouterr().err
    assert "cannot open its window" in (data / "logs" / "levelup-pos.log").read_text()
