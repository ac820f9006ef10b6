"""installer/linux/autostart, which the desktop's autostart runs at each sign-in: the register
for group levelup-pos only (rollout trial D6), started again after a crash, never looped on a
register that closed or cannot start; and the systemd user unit, its alternative."""

from __future__ import annotations

import configparser
import grp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "installer" / "linux"
AUTOSTART = LINUX / "autostart"


def run_autostart(tmp_path: Path, statuses: list[int], group: str) -> tuple[int, int, str]:
    """Run the script with a stand-in register that exits with ``statuses`` in turn; returns
    the script's status, how often the register ran and what the script said."""
    (tmp_path / "statuses").write_text("\n".join(map(str, statuses)) + "\n")
    program = tmp_path / "register"
    program.write_text(
        "#!/bin/sh\n"
        f"cd {tmp_path}\n"
        "echo run >> runs\n"
        "status=$(head -n 1 statuses); tail -n +2 statuses > rest; mv rest statuses\n"
        "exit ${status:-0}\n"
    )
    program.chmod(0o755)
    env = {
        **os.environ,
        "LEVELUP_POS_GROUP": group,
        "LEVELUP_POS_PROGRAM": str(program),
        "LEVELUP_POS_RESTART_DELAY": "0",
    }
    done = subprocess.run([str(AUTOSTART)], env=env, capture_output=True, text=True, timeout=60)
    runs = tmp_path / "runs"
    count = len(runs.read_text().splitlines()) if runs.exists() else 0
    return done.returncode, count, done.stderr


def my_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


def test_it_starts_nothing_for_an_account_outside_the_group(tmp_path):
    assert run_autostart(tmp_path, [0], "no-such-group-levelup") == (0, 0, "")


def test_a_crashed_register_is_started_again_and_a_closed_one_is_not(tmp_path):
    status, runs, said = run_autostart(tmp_path, [139, 134, 0], my_group())
    assert (status, runs) == (0, 3)
    assert said.count("starting it again") == 2


def test_a_register_that_cannot_start_is_not_looped(tmp_path):
    assert run_autostart(tmp_path, [1, 0], my_group())[:2] == (1, 1)


def test_restarts_stop_after_five_crashes_in_ten_minutes(tmp_path):
    status, runs, said = run_autostart(tmp_path, [137] * 8, my_group())
    assert (status, runs) == (137, 6)
    assert "not started again" in said


def test_autostart_is_a_setting_that_survives_upgrades():
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(LINUX / "autostart.desktop")
    assert entry["Desktop Entry"]["Exec"] == "/usr/lib/levelup-pos/autostart"
    assert entry["Desktop Entry"]["Hidden"] == "false"  # the documented switch
    build = (LINUX.parent / "build.sh").read_text()
    assert 'echo /etc/xdg/autostart/levelup-pos.desktop > "$root/DEBIAN/conffiles"' in build


def test_the_user_unit_restarts_only_a_crashed_register():
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(LINUX / "levelup-pos.service")
    assert unit["Unit"]["ConditionGroup"] == "levelup-pos"
    assert unit["Service"]["Restart"] == "on-abnormal"
    assert int(unit["Service"]["TimeoutStopSec"]) >= 30 + 10 + 10
    assert unit["Install"]["WantedBy"] == "graphical-session.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path):
    unit = (LINUX / "levelup-pos.service").read_text()
    stand_in = tmp_path / "levelup-pos"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    copy = tmp_path / "levelup-pos.service"
    copy.write_text(unit.replace("/usr/bin/levelup-pos", str(stand_in)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
