"""The MSI (installer/windows/levelup-pos.wxs, built with wixl) installed for real under Wine.

Two packages (this version and a higher one) around the stand-in bundle of
installer/windows/stub, installed with ``msiexec /qn`` in one throwaway Wine prefix, in order:
install with every property, the register's registry layer read back through
pos_app/host/windows_policy.py, an upgrade refused while payments are pending, an upgrade that
keeps the properties it is not given, a downgrade refused, a removal refused while payments
are pending, and the removal. Wine's msiexec returns 1627 where Windows returns 1603 for a
failed custom action (see :data:`REFUSED`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pos_app import __version__
from pos_app.host.windows_policy import PROVISIONING_KEY, registry_layer
from tests.installer.test_windows_policy import MSI_LAYER
from tests.installer.wine import DATA_DIR, INSTALL_DIR, Wine, build_msi, installers_on_a_pc, needs

pytestmark = needs("wine", "wineserver", "wixl", "wixl-heat", "x86_64-w64-mingw32-gcc")

OLD = __version__
NEXT = ".".join([OLD.split(".")[0], str(int(OLD.split(".")[1]) + 1), "0"])
PROVISIONING = rf"HKLM\{PROVISIONING_KEY}"
ENV_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
REFUSED = (1603, 1627)
"""A failed custom action or launch condition: Windows documents 1603 (ERROR_INSTALL_FAILURE);
Wine 8's msiexec returns 1627 (ERROR_FUNCTION_FAILED) for the failed custom action. Either way
nothing may change, and the log names the check."""
CHECK_FAILED = re.compile(r"Action ended [\d:]+: RefuseWhilePaymentsPending\. Return value [03]\.")
"""The log line of the refusing check: Windows logs return value 3, Wine 0 (and Windows adds
"CustomAction RefuseWhilePaymentsPending returned actual error code 4" and error 1722)."""
PROPERTIES = {
    "REGISTER": "front-3",
    "LOCATION": "19",
    "MERCHANT": "1",
    "TAXRATE": "8.875",
    "SCANNER": "serial://COM3?baud=9600",
    "APIURL": "https://api.thelevelup.com",
}
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def pc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    names = {OLD: "old.msi", NEXT: "next.msi"}
    folder = tmp_path_factory.mktemp("msi-wine")
    with installers_on_a_pc(folder, "MSI", build_msi, names, TIMES) as wine:
        yield wine


def msiexec(pc: Wine, action: str, which: str, name: str, properties: str = "") -> int:
    line = rf"msiexec {action} C:\tests\{which}.msi /qn /l*v C:\tests\{name}.log {properties}"
    return pc.run(line.rstrip(), name=name).code


def log(pc: Wine, name: str) -> str:
    raw = pc.path(rf"C:\tests\{name}.log").read_bytes()
    return raw.decode("utf-16" if raw[:2] == b"\xff\xfe" else "utf-8", errors="replace")


def version(pc: Wine) -> str:
    return pc.run(rf'"{INSTALL_DIR}\levelup-pos.exe" --version', name="version").output.strip()


def pending(pc: Wine, on: bool) -> None:
    flag = pc.path(DATA_DIR / "pending.flag")
    if on:
        flag.parent.mkdir(parents=True, exist_ok=True)
        flag.write_text("1")
    else:
        flag.unlink()


def test_install_with_every_property(pc: Wine) -> None:
    given = " ".join(f"{name}={value}" for name, value in PROPERTIES.items())
    assert msiexec(pc, "/i", "old", "install", given) == 0
    for exe in ("levelup-pos.exe", "levelup-pos-register.exe"):
        assert pc.path(INSTALL_DIR / exe).is_file(), exe
    assert version(pc) == f"levelup-pos {OLD}"
    assert pc.values(PROVISIONING) == PROPERTIES
    assert pc.reg(ENV_KEY, "LEVELUP_POS_HOME") == str(DATA_DIR)
    # Wine puts these in the user's Start menu though the package is per machine.
    links = {p.relative_to(pc.prefix).as_posix().lower() for p in pc.prefix.rglob("*.lnk")}
    assert any(link.endswith("/programs/levelup pos.lnk") for link in links), links
    assert any(link.endswith("/programs/startup/levelup pos.lnk") for link in links), links


def test_the_register_reads_the_properties(pc: Wine) -> None:
    layer = registry_layer(lambda key: pc.values(rf"HKLM\{key}"))
    assert layer == MSI_LAYER


def test_upgrade_refused_while_payments_are_pending(pc: Wine) -> None:
    pending(pc, True)
    try:
        code = msiexec(pc, "/i", "next", "upgrade-pending")
    finally:
        pending(pc, False)
    TIMES["upgrade-pending exit"] = code
    assert code in REFUSED, code
    assert CHECK_FAILED.search(log(pc, "upgrade-pending"))
    assert version(pc) == f"levelup-pos {OLD}", "nothing changed"
    assert pc.values(PROVISIONING) == PROPERTIES


def test_upgrade_keeps_the_properties_it_is_not_given(pc: Wine) -> None:
    pc.path(DATA_DIR / "ci-marker.txt").write_text("kept")
    assert msiexec(pc, "/i", "next", "upgrade", "REGISTER=front-4") == 0
    assert version(pc) == f"levelup-pos {NEXT}"
    assert pc.values(PROVISIONING) == {**PROPERTIES, "REGISTER": "front-4"}
    internal = pc.path(INSTALL_DIR / "_internal" / "PySide6")
    assert sorted(p.name for p in internal.iterdir()) == [f"Qt6Core-{NEXT}.dll"]
    assert pc.path(DATA_DIR / "ci-marker.txt").read_text() == "kept"


def test_downgrade_refused(pc: Wine) -> None:
    code = msiexec(pc, "/i", "old", "downgrade")
    TIMES["downgrade exit"] = code
    assert code in REFUSED, code
    # Windows logs the condition's text ("A newer version of LevelUp POS is installed"); Wine
    # logs the failed action and the newer product it found.
    text = log(pc, "downgrade")
    assert re.search(r"LaunchConditions\. Return value [03]\.", text)
    assert "WIX_DOWNGRADE_DETECTED = {" in text
    assert version(pc) == f"levelup-pos {NEXT}"


def test_removal_refused_while_payments_are_pending(pc: Wine) -> None:
    pending(pc, True)
    try:
        code = msiexec(pc, "/x", "next", "remove-pending")
    finally:
        pending(pc, False)
    TIMES["remove-pending exit"] = code
    assert code in REFUSED, code
    assert CHECK_FAILED.search(log(pc, "remove-pending"))
    assert pc.path(INSTALL_DIR / "levelup-pos.exe").is_file()


def test_removal(pc: Wine) -> None:
    assert msiexec(pc, "/x", "next", "remove") == 0
    assert not pc.path(INSTALL_DIR / "levelup-pos.exe").exists()
    assert pc.values(PROVISIONING) == {}
    assert pc.reg(ENV_KEY, "LEVELUP_POS_HOME") is None
    assert pc.path(DATA_DIR / "ci-marker.txt").read_text() == "kept", "the data is kept"
