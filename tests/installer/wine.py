"""Running the Windows installers for real, under Wine (64-bit), for tests/installer.

A throwaway ``WINEPREFIX`` per test module, with no display (Wine's null driver is enough for
silent installs and console programs), no Gecko or Mono prompt, and one ``wineserver`` kept up
for the module so that each command costs about a second, not the prefix's start-up. Commands
run from a ``.bat`` through ``cmd /c`` so that Windows' own quoting applies, as on a store PC.
The stand-in bundle is built with mingw from ``installer/windows/stub/*.c``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUBS = ROOT / "installer" / "windows" / "stub"
SCRIPT = ROOT / "installer" / "windows" / "levelup-pos.nsi"
BUILD_MSI = ROOT / "installer" / "windows" / "build-msi.sh"
MINGW = "x86_64-w64-mingw32-gcc"
INSTALL_DIR = PureWindowsPath(r"C:\Program Files\LevelUp POS")
DATA_DIR = PureWindowsPath(r"C:\ProgramData\LevelUp POS")
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\LevelUpPOS"


def missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def needs(*tools: str) -> pytest.MarkDecorator:
    """Skip unless every tool is installed (``.ci/run`` installs them on CI)."""
    absent = missing(*tools)
    return pytest.mark.skipif(
        bool(absent),
        reason=f"{', '.join(absent)} not installed (apt-get install wine wine64 nsis wixl "
        "gcc-mingw-w64-x86-64-win32): the Windows installers are not run",
    )


@dataclass
class Result:
    code: int
    output: str
    seconds: float


@dataclass
class Wine:
    """One Wine prefix; Windows paths are mapped to the prefix's ``drive_c``."""

    prefix: Path
    times: dict[str, float] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        env.update(
            WINEPREFIX=str(self.prefix),
            WINEDEBUG="-all",
            WINEDLLOVERRIDES="mscoree,mshtml=",
            WINEARCH="win64",
        )
        return env

    def start(self) -> float:
        began = time.monotonic()
        self.prefix.mkdir(parents=True, exist_ok=True)
        # The first start writes the prefix and leaves Wine's services running: they would
        # hold captured pipes open, so their output goes nowhere.
        quiet = subprocess.DEVNULL
        subprocess.run(
            ["wine", "wineboot", "--init"],
            env=self.env,
            check=True,
            timeout=300,
            stdin=quiet,
            stdout=quiet,
            stderr=quiet,
        )
        done = self._wine("cmd", "/c", "echo", "ready")
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began

    def stop(self) -> None:
        """Ends this prefix's wineserver and every Wine process of the prefix."""
        subprocess.run(["wineserver", "-k"], env=self.env, check=False, timeout=60)
        subprocess.run(["wineserver", "-w"], env=self.env, check=False, timeout=60)

    def _wine(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["wine", *args],
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    def path(self, windows: PureWindowsPath | str) -> Path:
        """The Linux path of a ``C:\\`` path."""
        windows = PureWindowsPath(windows)
        assert windows.drive.upper() == "C:", windows
        return self.prefix / "drive_c" / Path(*windows.parts[1:])

    def run(self, *lines: str, name: str = "run") -> Result:
        """Runs ``lines`` as a batch file; the exit code is the last command's ERRORLEVEL, read
        from what the batch prints (a Unix exit status keeps only its low 8 bits: 1603 is 67)."""
        bat = self.path(r"C:\tests") / f"{name}.bat"
        bat.parent.mkdir(exist_ok=True)
        body = ["@echo off", *lines, "set rc=%ERRORLEVEL%", "echo exit=%rc%", "exit /b %rc%"]
        bat.write_bytes("\r\n".join(body).encode("utf-8") + b"\r\n")
        began = time.monotonic()
        done = self._wine("cmd", "/c", rf"C:\tests\{name}.bat")
        seconds = time.monotonic() - began
        self.times[name] = round(seconds, 2)
        found = re.search(r"^exit=(-?\d+)\r?$", done.stdout, re.MULTILINE)
        code = int(found[1]) if found else done.returncode
        assert code % 256 == done.returncode % 256, (code, done.returncode)
        output = re.sub(r"^exit=-?\d+\r?\n?", "", done.stdout, flags=re.MULTILINE)
        return Result(code, output + done.stderr, seconds)

    def reg(self, key: str, value: str) -> str | None:
        """A registry value as ``reg query`` shows it (64-bit view), or None."""
        done = self._wine("reg", "query", key, "/v", value, "/reg:64")
        for line in done.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if (
                len(parts) >= 2
                and parts[0].lower() == value.lower()
                and parts[1].startswith("REG_")
            ):
                return parts[2] if len(parts) == 3 else ""
        return None

    def values(self, key: str) -> dict[str, str]:
        """Every value of a key (64-bit view) as ``reg query`` shows it; empty when absent."""
        done = self._wine("reg", "query", key, "/reg:64")
        found: dict[str, str] = {}
        for line in done.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) >= 2 and parts[1].startswith("REG_"):
                found[parts[0]] = parts[2] if len(parts) == 3 else ""
        return found

    def has_key(self, key: str) -> bool:
        return self._wine("reg", "query", key, "/reg:64").returncode == 0

    def popen(self, windows_exe: PureWindowsPath | str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["wine", str(windows_exe)],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def build_bundle(folder: Path, version: str) -> Path:
    """The stand-in one-folder bundle: mingw-built levelup-pos.exe (console) and
    levelup-pos-register.exe (windowed), and an ``_internal`` folder."""
    bundle = folder / f"bundle-{version}"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    for exe, flags in (("levelup-pos", []), ("levelup-pos-register", ["-mwindows"])):
        subprocess.run(
            [
                MINGW,
                "-O2",
                "-s",
                f'-DVERSION="{version}"',
                *flags,
                "-o",
                str(bundle / f"{exe}.exe"),
                str(STUBS / f"{exe}.c"),
            ],
            check=True,
            timeout=120,
        )
    (bundle / "_internal" / "base_library.zip").write_text(version)
    (bundle / "_internal" / "PySide6" / f"Qt6Core-{version}.dll").write_text(version)
    return bundle


def build_msi(folder: Path, version: str, bundle: Path) -> Path:
    """installer/windows/build-msi.sh: the MSI for ``bundle``."""
    out = folder / f"levelup-pos-{version}.msi"
    _build([str(BUILD_MSI), version, str(bundle), str(out)])
    return out


def compile_nsis(folder: Path, version: str, bundle: Path) -> Path:
    """``makensis`` on a copy of the script whose pos_app/__init__.py says ``version``."""
    tree = folder / f"src-{version}"
    script = tree / "installer" / "windows" / SCRIPT.name
    script.parent.mkdir(parents=True)
    shutil.copy(SCRIPT, script)
    (tree / "pos_app").mkdir()
    (tree / "pos_app" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    out = folder / f"levelup-pos-{version}-setup.exe"
    defines = [f"-DVERSION={version}", f"-DBUNDLE={bundle}", f"-DOUTFILE={out}"]
    _build(["makensis", "-WX", "-V2", *defines, str(script)])
    return out


def _build(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


Build = Callable[[Path, str, Path], Path]
"""``(folder, version, bundle)`` → the installer built there: :func:`build_msi`,
:func:`compile_nsis`."""


@contextmanager
def installers_on_a_pc(
    folder: Path, what: str, build: Build, names: dict[str, str], times: dict[str, float]
) -> Iterator[Wine]:
    """A Wine prefix in ``folder`` with, in ``C:\\tests``, the installer ``build`` makes for
    each version of ``names`` (version → file name); build and run times go to ``times``."""
    began = time.monotonic()
    wine = Wine(folder / "prefix")
    times["prefix"] = round(wine.start(), 2)
    tests = wine.path(r"C:\tests")
    tests.mkdir(parents=True, exist_ok=True)
    built = time.monotonic()
    for version, name in names.items():
        installer = build(folder, version, build_bundle(folder, version))
        (tests / name).write_bytes(installer.read_bytes())
        times[f"{name} bytes"] = installer.stat().st_size
    times["build"] = round(time.monotonic() - built, 2)
    try:
        yield wine
    finally:
        wine.stop()
        times.update(wine.times)
        times["module"] = round(time.monotonic() - began, 2)
        print(f"\n{what} under Wine, seconds (and bytes):", times)
