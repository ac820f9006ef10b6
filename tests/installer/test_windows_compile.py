"""The Windows installer compiled with makensis against a stub bundle (when NSIS is installed).

The version resource names the version; a missing bundle or a version that disagrees with
pos_app/__init__.py stops the build. Running it is tests/installer/test_windows_wine.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pos_app import __version__

SCRIPT = Path(__file__).resolve().parents[2] / "installer" / "windows" / "levelup-pos.nsi"
EXE = "levelup-pos.exe"
WINDOW_EXE = "levelup-pos-register.exe"


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
