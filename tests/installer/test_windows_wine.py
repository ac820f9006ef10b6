"""The NSIS installer installed for real, under Wine, in one throwaway Wine prefix.

Two installers are compiled from installer/windows/levelup-pos.nsi (this version and a higher
one) around stand-in bundles (installer/windows/stub: ``levelup-pos.exe`` answers
``--version``, ``config show`` and ``journal pending``, which exits 4 while ``pending.flag`` is
in the data directory). The tests run in order on the same PC: install with every switch,
quoted and not, each refusal with its exit code, upgrade, downgrade, autostart, and the
registered quiet uninstall. Not covered under Wine: exit 740 (Wine's user is an
administrator), exit 6, UAC and the real PyInstaller bundle.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path, PureWindowsPath

import pytest

from pos_app import __version__
from tests.installer.wine import (
    DATA_DIR,
    INSTALL_DIR,
    MINGW,
    UNINSTALL_KEY,
    Wine,
    compile_nsis,
    installers_on_a_pc,
    needs,
)

pytestmark = needs("wine", "wineserver", "makensis", MINGW)

OLD = __version__
NEXT = ".".join([OLD.split(".")[0], str(int(OLD.split(".")[1]) + 1), "0"])
START_MENU = r"C:\ProgramData\Microsoft\Windows\Start Menu\Programs"
LINK = "LevelUp POS.lnk"
ENV_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
EVERY_SWITCH = (
    "/REGISTER=front-3 /LOCATION=19 /MERCHANT=1 /TAXRATE=8.875 /SCANNER=serial://COM3 "
    "/APIURL=https://api.thelevelup.com"
)
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def pc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    names = {OLD: "setup-old.exe", NEXT: "setup-next.exe"}
    folder = tmp_path_factory.mktemp("nsis-wine")
    with installers_on_a_pc(folder, "NSIS", compile_nsis, names, TIMES) as wine:
        yield wine


def setup(pc: Wine, which: str, switches: str = "", *, before: str = "", name: str = "") -> int:
    lines = [before] if before else []
    lines.append(rf"C:\tests\setup-{which}.exe /S {switches}".rstrip())
    result = pc.run(*lines, name=name or f"setup-{which}")
    return result.code


def data(pc: Wine, name: str) -> Path:
    return pc.path(DATA_DIR / name)


def provisioning(pc: Wine) -> str:
    return data(pc, "provisioning.toml").read_text(encoding="utf-8")


def last_log(pc: Wine) -> str:
    """The installer's last log entry (its message may span lines)."""
    lines = data(pc, "installer.log").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line[:4].isdigit() and " setup " in line]
    return "\n".join(lines[starts[-1] :]) if starts else ""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quiet_uninstall(pc: Wine, name: str) -> int:
    command = pc.reg(UNINSTALL_KEY, "QuietUninstallString")
    assert command, "no QuietUninstallString"
    return pc.run(command, name=name).code


def assert_removed(pc: Wine, folder: PureWindowsPath) -> None:
    """The program is gone. On Windows the running uninstall.exe moves itself to %TEMP%; Wine
    does not let a running .exe be moved, so there it stays until the next restart (logged)."""
    left = sorted(p.name for p in pc.path(folder).iterdir()) if pc.path(folder).exists() else []
    if left:
        assert left == ["uninstall.exe"], left
        assert "removed at the next restart" in pc.path(DATA_DIR / "installer.log").read_text()


def test_install_with_every_switch_unquoted(pc: Wine) -> None:
    assert setup(pc, "old", EVERY_SWITCH, name="install") == 0, last_log(pc)
    text = provisioning(pc)
    for line in (
        'base_url = "https://api.thelevelup.com"',
        "location_id = 19",
        "merchant_id = 1",
        'id = "front-3"',
        'tax_rate = "8.875"',
        'url = "serial://COM3"',
    ):
        assert line in text.splitlines(), text
    shown = pc.run(rf'"{INSTALL_DIR}\levelup-pos.exe" config show', name="config-show")
    assert 'url = "serial://COM3"' in shown.output
    for exe in ("levelup-pos.exe", "levelup-pos-register.exe", "uninstall.exe"):
        assert pc.path(INSTALL_DIR / exe).is_file(), exe
    assert pc.path(rf"{START_MENU}\{LINK}").is_file()
    assert pc.path(rf"{START_MENU}\StartUp\{LINK}").is_file()
    assert pc.reg(UNINSTALL_KEY, "DisplayVersion") == OLD
    assert pc.reg(UNINSTALL_KEY, "InstallLocation") == str(INSTALL_DIR)
    assert pc.reg(UNINSTALL_KEY, "QuietUninstallString") == (
        rf'"{INSTALL_DIR}\uninstall.exe" /S _?={INSTALL_DIR}'
    )
    assert pc.reg(UNINSTALL_KEY, "Autostart") == "0x1"
    assert pc.reg(ENV_KEY, "LEVELUP_POS_HOME") == str(DATA_DIR)


@pytest.mark.parametrize(
    ("switches", "expected"),
    [
        (
            '/SCANNER="serial://COM3?baud=9600&suffix=CR" /APIURL="https://api.thelevelup.com/v15"',
            [
                'url = "serial://COM3?baud=9600&suffix=CR"',
                'base_url = "https://api.thelevelup.com/v15"',
            ],
        ),
        (
            "/REGISTER=lane-2 /SCANNER=serial://COM3?baud=9600 /TAXRATE=8.875",
            ['id = "lane-2"', 'url = "serial://COM3?baud=9600"', 'tax_rate = "8.875"'],
        ),
        ('/REGISTER="front-3" /SCANNER=""', ['id = "front-3"', 'url = ""']),
    ],
    ids=["quoted", "unquoted with ?", "quoted empty"],
)
def test_switch_forms(pc: Wine, switches: str, expected: list[str]) -> None:
    assert setup(pc, "old", switches, name="forms") == 0, last_log(pc)
    lines = [x for x in provisioning(pc).splitlines() if "=" in x and not x.startswith("#")]
    assert sorted(lines) == sorted(expected), "exactly the given keys"


BAD = {
    "not a number": "/LOCATION=abc",
    "space in a URL": '/SCANNER="serial://COM3 9600"',
    "quoted switch": '"/SCANNER=serial://COM3"',
    "unclosed quote": '/SCANNER="serial://COM3',
    "misspelt switch": "/REGISTR=front-3",
    "autostart 2": "/AUTOSTART=2",
    "tax rate over 100": "/TAXRATE=100.5",
    "not http": "/APIURL=ftp://api.thelevelup.com",
}


def test_bad_values_change_nothing(pc: Wine) -> None:
    assert setup(pc, "old", EVERY_SWITCH, name="install-again") == 0
    before = digest(data(pc, "provisioning.toml"))
    for case, switches in BAD.items():
        code = setup(pc, "old", f"/REGISTER=other {switches}", name="bad")
        assert code == 2, f"{case}: exit {code}: {last_log(pc)}"
        assert "refused (exit code 2)" in last_log(pc), case
        assert digest(data(pc, "provisioning.toml")) == before, case


def test_upgrade_in_place_keeps_the_data(pc: Wine) -> None:
    before = digest(data(pc, "provisioning.toml"))
    data(pc, "ci-marker.txt").write_text("kept")
    assert setup(pc, "next", name="upgrade") == 0, last_log(pc)
    assert digest(data(pc, "provisioning.toml")) == before
    assert data(pc, "ci-marker.txt").read_text() == "kept"
    assert pc.reg(UNINSTALL_KEY, "DisplayVersion") == NEXT
    version = pc.run(rf'"{INSTALL_DIR}\levelup-pos.exe" --version', name="version")
    assert version.output.strip() == f"levelup-pos {NEXT}"
    internal = pc.path(INSTALL_DIR / "_internal" / "PySide6")
    assert sorted(p.name for p in internal.iterdir()) == [f"Qt6Core-{NEXT}.dll"]


def test_downgrade_refused_unless_allowed(pc: Wine) -> None:
    assert setup(pc, "old", name="downgrade") == 8
    assert pc.reg(UNINSTALL_KEY, "DisplayVersion") == NEXT
    assert f"{NEXT} is installed" in last_log(pc)
    assert setup(pc, "old", "/ALLOWDOWNGRADE=1", name="downgrade-allowed") == 0, last_log(pc)
    assert pc.reg(UNINSTALL_KEY, "DisplayVersion") == OLD
    assert setup(pc, "next", name="upgrade-again") == 0, last_log(pc)


def test_running_register_refused(pc: Wine) -> None:
    register = pc.popen(INSTALL_DIR / "levelup-pos-register.exe")
    try:
        time.sleep(3)
        assert register.poll() is None, "the stand-in register did not stay up"
        assert setup(pc, "next", name="running") == 5
        assert r"running (C:\Program Files\LevelUp POS\levelup-pos-register.exe)" in last_log(pc)
    finally:
        register.kill()
        register.wait(timeout=30)
    pc.run("taskkill /f /im levelup-pos-register.exe >nul 2>&1", name="taskkill")


def test_pending_payments_refused(pc: Wine) -> None:
    exe = pc.path(INSTALL_DIR / "levelup-pos.exe")
    before = digest(exe)
    data(pc, "pending.flag").write_text("1")
    try:
        assert setup(pc, "next", name="pending") == 4
        assert "1 payment is not finished" in last_log(pc)
        assert digest(exe) == before, "the program was replaced though the upgrade refused"
        allow = 'set "LEVELUP_POS_ALLOW_PENDING=1"'
        assert setup(pc, "next", before=allow, name="allow-pending") == 0, last_log(pc)
    finally:
        data(pc, "pending.flag").unlink()


def test_journal_that_cannot_be_checked(pc: Wine) -> None:
    data(pc, "journal-broken.flag").write_text("1")
    try:
        assert setup(pc, "next", name="check-failed") == 3
        assert "Could not check the register's journal" in last_log(pc)
    finally:
        data(pc, "journal-broken.flag").unlink()


def test_autostart_switch_remembered(pc: Wine) -> None:
    startup = pc.path(rf"{START_MENU}\StartUp\{LINK}")
    assert setup(pc, "next", "/AUTOSTART=0", name="autostart-0") == 0
    assert not startup.exists()
    assert pc.reg(UNINSTALL_KEY, "Autostart") == "0x0"
    assert setup(pc, "next", name="autostart-kept") == 0
    assert not startup.exists(), "an upgrade without /AUTOSTART= keeps it off"
    assert setup(pc, "next", "/AUTOSTART=1", name="autostart-1") == 0
    assert startup.is_file()


def test_quiet_uninstall_returns_the_real_exit_code(pc: Wine) -> None:
    data(pc, "pending.flag").write_text("1")
    try:
        assert quiet_uninstall(pc, "uninstall-pending") == 4
        assert pc.path(INSTALL_DIR / "levelup-pos.exe").is_file()
        assert pc.has_key(UNINSTALL_KEY)
    finally:
        data(pc, "pending.flag").unlink()
    assert quiet_uninstall(pc, "uninstall") == 0, last_log(pc)
    assert_removed(pc, INSTALL_DIR)
    assert not pc.path(rf"{START_MENU}\{LINK}").exists()
    assert not pc.path(rf"{START_MENU}\StartUp\{LINK}").exists()
    assert not pc.has_key(UNINSTALL_KEY)
    assert pc.reg(ENV_KEY, "LEVELUP_POS_HOME") is None
    assert data(pc, "ci-marker.txt").read_text() == "kept", "the data directory is kept"
    assert data(pc, "provisioning.toml").is_file()


def test_chosen_folder_kept_on_upgrade(pc: Wine) -> None:
    assert setup(pc, "old", r"/REGISTER=lane-2 /D=C:\POS\LevelUp", name="install-d") == 0
    assert pc.path(r"C:\POS\LevelUp\levelup-pos.exe").is_file()
    assert setup(pc, "next", r"/D=C:\Elsewhere", name="upgrade-d") == 0
    assert not pc.path(r"C:\Elsewhere").exists()
    assert pc.reg(UNINSTALL_KEY, "DisplayVersion") == NEXT
    assert quiet_uninstall(pc, "uninstall-d") == 0
    assert_removed(pc, PureWindowsPath(r"C:\POS\LevelUp"))
