"""The Windows installer: installer/windows/levelup-pos.nsi (NSIS 3).

The script is read as NSIS reads it (continued lines joined, comments dropped, the script's own
``!define`` constants and ``!macro`` bodies expanded) and checked for what the store rollout
relies on: a silent install (``/S``) taking the provisioning values as properties, written to
provisioning.toml key by key; a per-machine install with a Start-menu entry and autostart; the
refusal to upgrade or uninstall while the journal holds unfinished payments; and a data
directory that nothing removes. Each check is also run on a copy of the script that lost what
it checks, and must fail there. When ``makensis`` is installed the script is also compiled
against a stub bundle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pos_app import __version__

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

_CONDITIONALS = ("!if", "!ifdef", "!ifndef", "!ifmacrodef", "!ifmacrondef")


# --- Reading the script ------------------------------------------------------------------------


def _scan(line: str) -> tuple[str, list[str]]:
    """The line without its comment, and its tokens (quotes removed)."""
    tokens: list[str] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char.isspace():
            i += 1
        elif char in ";#":
            return line[:i].rstrip(), tokens
        elif char in "\"'`":
            end = line.find(char, i + 1)
            end = len(line) if end < 0 else end
            tokens.append(line[i + 1 : end])
            i = end + 1
        else:
            end = i
            while end < len(line) and not line[end].isspace():
                end += 1
            tokens.append(line[i:end])
            i = end
    return line.rstrip(), tokens


def _logical_lines(text: str) -> list[str]:
    """Lines as makensis sees them: a trailing backslash continues a line (the next one's
    indentation dropped), comments go."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if pending:
            raw = raw.lstrip()
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        code, _ = _scan(pending + raw)
        pending = ""
        if code.strip():
            lines.append(code.strip())
    return lines


@dataclass
class Script:
    """The expanded script: its top-level lines, functions and sections, as token strings."""

    lines: list[str]
    top: list[str] = field(default_factory=list)
    functions: dict[str, list[str]] = field(default_factory=dict)
    sections: dict[str, list[str]] = field(default_factory=dict)

    def function(self, name: str) -> list[str]:
        assert name in self.functions, f"the script has no function {name}"
        return self.functions[name]

    def reachable(self, start: str) -> list[str]:
        """The lines of ``start`` and of every function it calls, directly or not."""
        seen: list[str] = []
        todo = [start]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.functions:
                continue
            seen.append(name)
            todo += [m[1] for m in map(CALL.fullmatch, self.functions[name]) if m]
        return [line for name in seen for line in self.functions[name]]

    def everything(self) -> list[str]:
        return [
            *self.top,
            *(line for body in self.functions.values() for line in body),
            *(line for body in self.sections.values() for line in body),
        ]


CALL = re.compile(r"Call (\S+)")


def read_script(text: str) -> Script:
    """Expands the script's own macros and top-level defines, then splits it into blocks."""
    macros: dict[str, tuple[list[str], list[str]]] = {}
    defines: dict[str, str] = {}
    body: list[str] = []
    depth = 0
    current: tuple[str, list[str], list[str]] | None = None
    for line in _logical_lines(text):
        _, tokens = _scan(line)
        if current is not None:
            if tokens[0] == "!macroend":
                macros[current[0]] = (current[1], current[2])
                current = None
            else:
                current[2].append(line)
            continue
        if tokens[0] == "!macro":
            current = (tokens[1], tokens[2:], [])
            continue
        if tokens[0] in _CONDITIONALS:
            depth += 1
        elif tokens[0] == "!endif":
            depth -= 1
        elif tokens[0] == "!define" and depth == 0 and len(tokens) > 2:
            defines[tokens[1]] = tokens[2]
        body.append(line)

    def expand(lines: list[str], level: int = 0) -> list[str]:
        assert level < 10, "macros nest too deep"
        out: list[str] = []
        for line in lines:
            for _ in range(10):
                replaced = _substitute(line, defines)
                if replaced == line:
                    break
                line = replaced
            _, tokens = _scan(line)
            if tokens[0] == "!insertmacro" and tokens[1] in macros:
                params, lines_of_macro = macros[tokens[1]]
                args = dict(zip(params, tokens[2:], strict=False))
                inserted = [_substitute(macro_line, args) for macro_line in lines_of_macro]
                out += expand(inserted, level + 1)
            else:
                out.append(" ".join(tokens))
        return out

    script = Script(expand(body))
    block: list[str] | None = None
    for line in script.lines:
        words = line.split(" ")
        if words[0] == "Function":
            block = script.functions.setdefault(words[1], [])
        elif words[0] == "Section":
            name = " ".join(w for w in words[1:] if w != "/o")
            block = script.sections.setdefault(name, [])
        elif words[0] in ("FunctionEnd", "SectionEnd"):
            block = None
        elif block is not None:
            block.append(line)
        else:
            script.top.append(line)
    for blocks in (script.functions, script.sections):
        for name, lines in blocks.items():
            uninstall = name.startswith("un.") or name == "Uninstall"
            blocks[name] = _resolve_uninstall(lines, uninstall)
    return script


def _resolve_uninstall(lines: list[str], uninstall: bool) -> list[str]:
    """Keeps the branch of ``!ifdef __UNINSTALL__`` makensis compiles in this block."""
    out: list[str] = []
    stack: list[bool | None] = []  # None: another conditional, whose lines stay
    for line in lines:
        word = line.split(" ")[0]
        if line == "!ifdef __UNINSTALL__":
            stack.append(uninstall)
        elif word in _CONDITIONALS:
            stack.append(None)
            out.append(line)
        elif word == "!else" and stack and stack[-1] is not None:
            stack[-1] = not stack[-1]
        elif word == "!endif" and stack:
            if stack.pop() is None:
                out.append(line)
        elif all(keep is not False for keep in stack):
            out.append(line)
    return out


def _substitute(line: str, values: dict[str, str]) -> str:
    """``${NAME}`` replaced by ``values[NAME]`` where there is one."""
    return re.sub(r"\$\{([\w.]+)\}", lambda m: values.get(m[1], m[0]), line)


def _index(lines: list[str], pattern: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if re.search(pattern, lines[i]):
            return i
    raise AssertionError(f"no line matches {pattern!r} after line {start}")


def _fail_codes(lines: list[str]) -> list[tuple[int, int]]:
    """(line, exit code) of each ``Call Fail``/``Call un.Fail`` with the code pushed first."""
    return [
        (i, int(lines[i - 2].split(" ")[1]))
        for i, line in enumerate(lines)
        if re.fullmatch(r"Call (un\.)?Fail", line) and re.fullmatch(r"Push \d+", lines[i - 2])
    ]


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
    found: dict[str, tuple[str, set[str]]] = {}
    for name in PROPERTIES:
        at = _index(lines, rf"^\$\{{GetOptions\}} \S+ /{name}= \$\w+$")
        value = lines[at].split(" ")[-1]
        assert lines[at - 1] == "ClearErrors", lines[at - 1]
        assert lines[at + 1] == "${IfNot} ${Errors}", lines[at + 1]
        end = _index(lines, r"^\$\{EndIf\}$", at)
        flags = {m[1] for m in (re.fullmatch(r"StrCpy (\$\w+) 1", x) for x in lines[at:end]) if m}
        found[name] = (value, flags)
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
    opened = _index(body, r"^FileOpen ")
    target = body[opened].split(" ")[2]
    if target != r"$DataDir\provisioning.toml":
        rename = _index(body, r"^Rename ")
        assert body[rename] == rf"Rename {target} $DataDir\provisioning.toml", body[rename]

    for name, (section, key, quoted) in PROPERTIES.items():
        value, flag, _ = properties[name]
        shown = f'"{value}"' if quoted else value
        at = _index(body, rf"^FileWrite \$\w+ {key} = {re.escape(shown)}\$\\r\$\\n$")
        condition = next(x for x in reversed(body[:at]) if re.match(r"\$\{(If|OrIf|AndIf)\}", x))
        assert flag in condition, f"{key} is written only when /{name}= is given: {condition}"
        header = next(x for x in reversed(body[:at]) if re.search(r"\[\w+\]", x))
        assert f"[{section}]" in header, f"{key} is written in [{section}]: {header}"

    # Ids are digits, else the install stops (with a message and an exit code) before it starts.
    checks = script.reachable(".onInit")
    for name in ("LOCATION", "MERCHANT"):
        value = properties[name][0]
        at = _index(checks, rf"^StrCpy \$\w+ {re.escape(value)}$")
        following = checks[at : at + 30]
        assert "StrCpy $ChkAllowed 0123456789" in following, following
        assert [code for _, code in _fail_codes(following) if code not in (0, 1)], following


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
        shortcut = _index(installed, rf"^CreateShortcut (\${folder}\\.+\.lnk) {target}")
        found = re.match(r"CreateShortcut (.+\.lnk) ", installed[shortcut])
        assert found, installed[shortcut]
        link = found[1]
        assert f"Delete {link}" in script.sections["Uninstall"], f"{link} outlives the program"


def check_uninstaller_registered(script: Script) -> None:
    """Add/Remove Programs lists it, with a silent uninstall."""
    installed = [x for name, b in script.sections.items() if name != "Uninstall" for x in b]
    key = r"HKLM Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\\w+"
    for value in ("DisplayName", "DisplayVersion", "Publisher", "InstallLocation"):
        _index(installed, rf"^WriteRegStr {key} {value} \S")
    _index(installed, rf'^WriteRegStr {key} UninstallString "\$INSTDIR\\\w+\.exe"$')
    _index(installed, rf'^WriteRegStr {key} QuietUninstallString "\$INSTDIR\\\w+\.exe" /S$')
    _index(installed, r"^WriteUninstaller \$INSTDIR\\\w+\.exe$")


def check_pending_refusal(script: Script) -> None:
    """Upgrade and uninstall first ask the installed program's journal, and stop on 4."""
    check_fail_quits_with_its_code(script)
    for hook, check in ((".onInit", "CheckPending"), ("un.onInit", "un.CheckPending")):
        body = script.function(check)
        allow = _index(body, r"^ReadEnvStr \$\w+ LEVELUP_POS_ALLOW_PENDING$")
        variable = body[allow].split(" ")[1]
        assert body[allow + 1] == f"${{If}} {variable} == 1", body[allow + 1]
        skip = _index(body, r"^Return$", allow)
        run = _index(body, r"^nsExec::Exec")
        assert skip < run, "LEVELUP_POS_ALLOW_PENDING=1 skips the check"
        command = re.fullmatch(
            r'nsExec::ExecToStack (?:/TIMEOUT=\d+ )?"(\$\w+)" journal pending --data-dir '
            r'"\$DataDir"',
            body[run],
        )
        assert command, body[run]
        assert body[run + 1].startswith("Pop "), body[run + 1]
        status = body[run + 1].split(" ")[1]
        on_pending = _index(body, rf"^\$\{{If\}} {re.escape(status)} == {PENDING_EXIT}$", run)
        assert (on_pending + 3, PENDING_EXIT) in _fail_codes(body), body[
            on_pending : on_pending + 4
        ]

        # The hook runs the check on the installed program before anything is replaced.
        hooked = script.function(hook)
        called = _index(hooked, rf"^Call {re.escape(check)}$")
        exe = command[1]
        pointed = max(i for i, x in enumerate(hooked[:called]) if x.startswith(f"StrCpy {exe} "))
        assert hooked[pointed].endswith(rf"\{EXE}"), hooked[pointed]
        if hook == ".onInit":
            installed = _index(hooked, r"^ReadRegStr (\$\w+) HKLM \S+ InstallLocation$")
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


CHECKS: list[Callable[[Script], None]] = [
    check_silent_install,
    check_provisioning,
    check_per_machine,
    check_shortcuts,
    check_uninstaller_registered,
    check_pending_refusal,
    check_data_dir_kept,
    check_version_stamped,
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
    "no quiet uninstall": ("\" /S'", "\"'", check_uninstaller_registered),
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


# --- Compiling (makensis) ----------------------------------------------------------------------

MAKENSIS = shutil.which("makensis")
needs_makensis = pytest.mark.skipif(
    MAKENSIS is None,
    reason="makensis is not installed (apt-get install nsis): the installer is not compiled",
)


def _stub_bundle(folder: Path) -> Path:
    """What PyInstaller's one-folder build leaves: levelup-pos.exe and _internal/."""
    bundle = folder / "levelup-pos"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    (bundle / EXE).write_bytes(b"MZ stub, never run")
    (bundle / WINDOW_EXE).write_bytes(b"MZ stub, never run")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"stub")
    (bundle / "_internal" / "PySide6" / "Qt6Core.dll").write_bytes(b"stub")
    return bundle


def _makensis(*defines: str) -> subprocess.CompletedProcess[str]:
    assert MAKENSIS is not None
    return subprocess.run(
        [MAKENSIS, "-WX", "-V2", *(f"-D{d}" for d in defines), str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_makensis
def test_compiles(tmp_path: Path) -> None:
    bundle = _stub_bundle(tmp_path)
    out = tmp_path / "out" / f"levelup-pos-{__version__}-setup.exe"
    out.parent.mkdir()
    done = _makensis(f"VERSION={__version__}", f"BUNDLE={bundle}", f"OUTFILE={out}")
    assert done.returncode == 0, done.stdout + done.stderr
    setup = out.read_bytes()
    assert setup[:2] == b"MZ"
    # The version resource (VIProductVersion / VIAddVersionKey) names this version.
    assert "ProductVersion".encode("utf-16-le") in setup
    assert __version__.encode("utf-16-le") in setup


@needs_makensis
@pytest.mark.parametrize(
    ("version", "exe", "message"),
    [
        (__version__, False, "holds no levelup-pos.exe"),
        ("999.0.0", True, "pos_app/__init__.py says"),
    ],
    ids=["no bundle", "wrong version"],
)
def test_refuses_to_compile(tmp_path: Path, version: str, exe: bool, message: str) -> None:
    bundle = _stub_bundle(tmp_path)
    if not exe:
        (bundle / EXE).unlink()
    out = tmp_path / "setup.exe"
    done = _makensis(f"VERSION={version}", f"BUNDLE={bundle}", f"OUTFILE={out}")
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
    assert not out.exists()
