"""The Windows installer: installer/windows/levelup-pos.nsi (NSIS 3).

The script is read as NSIS reads it (continued lines joined, comments dropped, the script's own
``!define`` constants and ``!macro`` bodies expanded) and checked for what the store rollout
relies on: a silent install (``/S``) taking the provisioning values as properties, written to
provisioning.toml key by key; a per-machine install with a Start-menu entry and autostart; the
refusal to upgrade or uninstall while the journal holds unfinished payments; and a data
directory that nothing removes. Each check is also run on a copy of the script that lost what
it checks, and must fail there. Compiling it is test_windows_compile.py; running it under Wine
is test_windows_wine.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.installer.nsis_script import Script, fail_codes, index, read_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "windows" / "levelup-pos.nsi"
EXE = "levelup-pos.exe"
WINDOW_EXE = "levelup-pos-register.exe"  # what shortcuts start: the register without a console

# Command-line property -> (TOML section, key, written as a quoted string).
PROPERTIES = {
    "REGISTER": ("register", "id", True),
    "LOCATION": ("levelup", "location_id", False),
    "MERCHANT": ("levelup", "merchant_id", False),
    "TAXRATE": ("register", "tax_rate", True),
    "SCANNER": ("scanner", "url", True),
    "APIURL": ("levelup", "base_url", True),
}
PENDING_EXIT = 4
"""``levelup-pos journal pending``'s exit status when payments are unfinished or queued."""

# --- The checks --------------------------------------------------------------------------------


def check_fail_quits_with_its_code(script: Script) -> None:
    """``Fail`` (and ``un.Fail``) log, tell unless silent, set the exit code and quit."""
    for name in ("Fail", "un.Fail"):
        body = script.function(name)
        code = re.fullmatch(r"Pop (\$\w+)", body[1])
        assert code, f"{name} pops the exit code second: {body[:3]}"
        assert f"SetErrorLevel {code[1]}" in body, f"{name} exits with the code it was given"
        assert any(re.fullmatch(r"Quit|Abort", line) for line in body), f"{name} stops"


def parsed_properties(script: Script) -> dict[str, tuple[str, str, str]]:
    """Property -> (its value variable, its own flag, the any-property flag)."""
    lines = script.reachable(".onInit")
    assert any(line.startswith("${GetParameters} ") for line in lines)
    # ${GetOptions} cuts a value at its first "/": /SCANNER=serial://COM3 gave "serial:".
    assert not [line for line in lines if line.startswith("${GetOptions} ")]
    reader = script.function("ReadSwitches")
    assert "Call ReadSwitches" in lines
    found: dict[str, tuple[str, set[str]]] = {}
    for name in PROPERTIES:
        at = index(reader, rf"^\$\{{ElseIf\}} (\$\w+) == {name}$")
        named = reader[at].split(" ")[1]
        copied = re.fullmatch(rf"StrCpy (\$\w+) (?!{re.escape(named)})\$\w+", reader[at + 1])
        assert copied, reader[at + 1]
        end = index(reader, r"^\$\{(ElseIf|Else|EndIf)\}", at + 1)
        flags = {m[1] for m in (re.fullmatch(r"StrCpy (\$\w+) 1", x) for x in reader[at:end]) if m}
        found[name] = (copied[1], flags)
    shared = set.intersection(*(flags for _, flags in found.values()))
    assert len(shared) == 1, f"one flag says a property was given: {shared}"
    (given,) = shared
    result: dict[str, tuple[str, str, str]] = {}
    for name, (value, flags) in found.items():
        own = flags - shared
        assert len(own) == 1, f"/{name}= sets one flag of its own: {own}"
        result[name] = (value, own.pop(), given)
    return result


def check_silent_install(script: Script) -> None:
    """``/S`` installs without a question: every message box has its silent answer."""
    everything = script.everything()
    boxes = [line for line in everything if line.startswith("MessageBox ")]
    assert boxes
    for box in boxes:
        assert " /SD ID" in box, f"a message box without a silent answer stops /S: {box}"
    assert not [line for line in everything if line.startswith("SetSilent normal")]
    parsed_properties(script)


def check_provisioning(script: Script) -> None:
    """The properties given, and only those, go to provisioning.toml in the data directory."""
    properties = parsed_properties(script)
    writers = [
        name
        for name, body in script.functions.items()
        if any(re.fullmatch(r"FileOpen \$\w+ \$DataDir\\provisioning\.toml\S* w", x) for x in body)
    ]
    assert len(writers) == 1, f"one function writes provisioning.toml: {writers}"
    body = script.function(writers[0])
    assert any(f"Call {writers[0]}" in line for body in script.sections.values() for line in body)
    given = next(iter(properties.values()))[2]
    assert body[0] == f"${{If}} {given} != 1" and body[1] == "Return", (
        "an existing provisioning.toml is replaced only when properties are given"
    )
    opened = index(body, r"^FileOpen ")
    target = body[opened].split(" ")[2]
    if target != r"$DataDir\provisioning.toml":
        rename = index(body, r"^Rename ")
        assert body[rename] == rf"Rename {target} $DataDir\provisioning.toml", body[rename]

    for name, (section, key, quoted) in PROPERTIES.items():
        value, flag, _ = properties[name]
        shown = f'"{value}"' if quoted else value
        at = index(body, rf"^FileWrite \$\w+ {key} = {re.escape(shown)}\$\\r\$\\n$")
        condition = next(x for x in reversed(body[:at]) if re.match(r"\$\{(If|OrIf|AndIf)\}", x))
        assert flag in condition, f"{key} is written only when /{name}= is given: {condition}"
        header = next(x for x in reversed(body[:at]) if re.search(r"\[\w+\]", x))
        assert f"[{section}]" in header, f"{key} is written in [{section}]: {header}"

    # Ids are digits, else the install stops (with a message and an exit code) before it starts.
    checks = script.reachable(".onInit")
    for name in ("LOCATION", "MERCHANT"):
        value = properties[name][0]
        at = index(checks, rf"^StrCpy \$\w+ {re.escape(value)}$")
        following = checks[at : at + 30]
        assert "StrCpy $ChkAllowed 0123456789" in following, following
        assert [code for _, code in fail_codes(following) if code not in (0, 1)], following


def check_per_machine(script: Script) -> None:
    """Administrator, Program Files (64-bit), the all-users folders, data in ProgramData."""
    assert "RequestExecutionLevel admin" in script.top, "it must run as an administrator"
    assert any(re.fullmatch(r"InstallDir \$PROGRAMFILES64\\LevelUp POS", x) for x in script.top)
    for hook, prepare in ((".onInit", "Prepare"), ("un.onInit", "un.Prepare")):
        assert script.function(hook)[0] == f"Call {prepare}"
        body = script.function(prepare)
        assert body[0] == "SetShellVarContext all", body[:2]
        assert r"StrCpy $DataDir $COMMONPROGRAMDATA\LevelUp POS" in body


def check_shortcuts(script: Script) -> None:
    """A Start-menu entry and autostart, both on the data directory; the uninstaller drops them."""
    installed = [x for name, b in script.sections.items() if name != "Uninstall" for x in b]
    target = rf'\$INSTDIR\\{re.escape(WINDOW_EXE)} --data-dir "\$DataDir"'
    for folder in ("SMPROGRAMS", "SMSTARTUP"):
        shortcut = index(installed, rf"^CreateShortcut (\${folder}\\.+\.lnk) {target}")
        found = re.match(r"CreateShortcut (.+\.lnk) ", installed[shortcut])
        assert found, installed[shortcut]
        link = found[1]
        assert f"Delete {link}" in script.sections["Uninstall"], f"{link} outlives the program"


def check_uninstaller_registered(script: Script) -> None:
    """Add/Remove Programs lists it, with a silent uninstall."""
    installed = [x for name, b in script.sections.items() if name != "Uninstall" for x in b]
    key = r"HKLM Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\\w+"
    for value in ("DisplayName", "DisplayVersion", "Publisher", "InstallLocation"):
        index(installed, rf"^WriteRegStr {key} {value} \S")
    index(installed, rf'^WriteRegStr {key} UninstallString "\$INSTDIR\\\w+\.exe"$')
    # _?= runs it in place, so the caller waits for it and gets its exit code.
    quiet = rf'^WriteRegStr {key} QuietUninstallString "\$INSTDIR\\\w+\.exe" /S _\?=\$INSTDIR$'
    index(installed, quiet)
    index(installed, r"^WriteUninstaller \$INSTDIR\\\w+\.exe$")


def check_pending_refusal(script: Script) -> None:
    """Upgrade and uninstall first ask the installed program's journal, and stop on 4."""
    check_fail_quits_with_its_code(script)
    for hook, check in ((".onInit", "CheckPending"), ("un.onInit", "un.CheckPending")):
        body = script.function(check)
        allow = index(body, r"^ReadEnvStr \$\w+ LEVELUP_POS_ALLOW_PENDING$")
        variable = body[allow].split(" ")[1]
        assert body[allow + 1] == f"${{If}} {variable} == 1", body[allow + 1]
        skip = index(body, r"^Return$", allow)
        run = index(body, r"^nsExec::Exec")
        assert skip < run, "LEVELUP_POS_ALLOW_PENDING=1 skips the check"
        command = re.fullmatch(
            r'nsExec::ExecToStack (?:/TIMEOUT=\d+ )?"(\$\w+)" journal pending --data-dir '
            r'"\$DataDir"',
            body[run],
        )
        assert command, body[run]
        assert body[run + 1].startswith("Pop "), body[run + 1]
        status = body[run + 1].split(" ")[1]
        on_pending = index(body, rf"^\$\{{If\}} {re.escape(status)} == {PENDING_EXIT}$", run)
        assert (on_pending + 3, PENDING_EXIT) in fail_codes(body), body[on_pending : on_pending + 4]

        # The hook runs the check on the installed program before anything is replaced.
        hooked = script.function(hook)
        called = index(hooked, rf"^Call {re.escape(check)}$")
        exe = command[1]
        pointed = max(i for i, x in enumerate(hooked[:called]) if x.startswith(f"StrCpy {exe} "))
        assert hooked[pointed].endswith(rf"\{EXE}"), hooked[pointed]
        if hook == ".onInit":
            installed = index(hooked, r"^ReadRegStr (\$\w+) HKLM \S+ InstallLocation$")
            folder = hooked[installed].split(" ")[1]
            assert hooked[pointed] == rf"StrCpy {exe} {folder}\{EXE}", hooked[pointed]
            assert installed < pointed < called


def check_data_dir_kept(script: Script) -> None:
    """No RMDir/Delete touches the data directory, but to replace provisioning.toml."""
    data = ("$DataDir", "$COMMONPROGRAMDATA", "$APPDATA", "$LOCALAPPDATA")
    everything = script.everything()
    for line in everything:
        if line.startswith("RMDir"):
            folder = line.split(" ")[-1]
            assert folder.startswith("$INSTDIR"), f"removes a folder it did not make: {line}"
            assert not any(d in line for d in data), line
            if "/r" in line.split(" "):
                assert folder.startswith("$INSTDIR\\"), f"removes the install folder whole: {line}"
        if line.startswith("Delete") and any(d in line for d in data):
            assert "provisioning.toml" in line, f"deletes the register's data: {line}"
    for line in script.sections["Uninstall"]:
        assert not (re.match(r"(Delete|RMDir|Rename)\b", line) and "$DataDir" in line), line


def check_version_stamped(script: Script) -> None:
    assert any(x.startswith("VIProductVersion ") for x in script.top)
    assert any(x.startswith("VIAddVersionKey ") and "ProductVersion" in x for x in script.top)
    assert "OutFile ${OUTFILE}" in script.top
    text = SCRIPT.read_text(encoding="utf-8")
    assert '!define OUTFILE "levelup-pos-${VERSION}-setup.exe"' in text


def check_downgrade_refused(script: Script) -> None:
    """An older installer over a newer version stops (exit 8) unless /ALLOWDOWNGRADE=1."""
    hooked = script.reachable(".onInit")
    compare = index(hooked, r"^\$\{VersionCompare\} \$\{VERSION\} \$\w+ \$\w+$")
    assert "DisplayVersion" in hooked[compare - 1], hooked[compare - 1]
    result = hooked[compare].split(" ")[-1]
    assert hooked[compare + 1] == f"${{If}} {result} == 2", hooked[compare + 1]
    assert hooked[compare + 2].startswith("${If} $SwDowngrade != 1"), hooked[compare + 2]
    assert (compare + 5, 8) in fail_codes(hooked), hooked[compare : compare + 6]


CHECKS: list[Callable[[Script], None]] = [
    check_silent_install,
    check_provisioning,
    check_per_machine,
    check_shortcuts,
    check_uninstaller_registered,
    check_pending_refusal,
    check_data_dir_kept,
    check_version_stamped,
    check_downgrade_refused,
]


# --- Tests -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def text() -> str:
    return SCRIPT.read_text(encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_script(text: str, check: Callable[[Script], None]) -> None:
    check(read_script(text))


# Each check must fail on a script that lost what it checks: (old text, new text, check).
MUTATIONS = {
    "property dropped": (
        "!insertmacro PROPERTY TAXRATE $PropTaxRate $HasTaxRate\n",
        "",
        check_silent_install,
    ),
    "message box stops a silent install": ('"$0" /SD IDOK', '"$0"', check_silent_install),
    "key written though not given": (
        "  ${If} $HasScanner == 1\n    FileWrite $0",
        "  ${If} 1 == 1\n    FileWrite $0",
        check_provisioning,
    ),
    "provisioning replaced without properties": (
        "  ${If} $HasProps != 1\n    Return\n  ${EndIf}\n",
        "",
        check_provisioning,
    ),
    "location not checked": (
        "    !insertmacro CHECK_ID LOCATION $PropLocation\n",
        "",
        check_provisioning,
    ),
    "per user": ("RequestExecutionLevel admin", "RequestExecutionLevel user", check_per_machine),
    "current user's folders": (
        "SetShellVarContext all",
        "SetShellVarContext current",
        check_per_machine,
    ),
    "no autostart": ('CreateShortcut "$SMSTARTUP', 'CreateShortcut "$DESKTOP', check_shortcuts),
    "no quiet uninstall": ("\" /S _?=$INSTDIR'", "\"'", check_uninstaller_registered),
    "quiet uninstall returns at once": (
        "\" /S _?=$INSTDIR'",
        "\" /S'",
        check_uninstaller_registered,
    ),
    "values cut at /": (
        "  Call ReadSwitches\n",
        '  ${GetOptions} $Params "/SCANNER=" $PropScanner\n',
        check_silent_install,
    ),
    "downgrade goes through": (
        "    ${If} $2 == 2\n",
        "    ${If} $2 == 9\n",
        check_downgrade_refused,
    ),
    "upgrade unchecked": ("    Call CheckPending\n", "", check_pending_refusal),
    "uninstall unchecked": ("  Call un.CheckPending\n", "", check_pending_refusal),
    "no override": (
        "ReadEnvStr $0 ${ALLOW_PENDING_ENV}",
        'StrCpy $0 ""',
        check_pending_refusal,
    ),
    "pending goes through": (
        '${If} $0 == "${EXIT_PENDING}"',
        '${If} $0 == "5"',
        check_pending_refusal,
    ),
    "error level lost": ("    SetErrorLevel $1\n", "", check_pending_refusal),
    "data removed": (
        '  DeleteRegKey HKLM "${UNINST_KEY}"\n',
        '  DeleteRegKey HKLM "${UNINST_KEY}"\n  RMDir /r "$DataDir"\n',
        check_data_dir_kept,
    ),
    "install folder removed whole": (
        '  RMDir "$INSTDIR"\n',
        '  RMDir /r "$INSTDIR"\n',
        check_data_dir_kept,
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_checks_catch_a_lost_property(
    text: str, mutation: tuple[str, str, Callable[[Script], None]]
) -> None:
    old, new, check = mutation
    assert old in text, f"the script changed: update this mutation ({old!r})"
    with pytest.raises(AssertionError):
        check(read_script(text.replace(old, new)))
