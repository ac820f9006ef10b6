"""Which build of the register runs: ``BUILD-INFO``, written beside the bundle by
``installer/build.sh`` (version, revision, commit, build time); none in a source checkout."""

from __future__ import annotations

import sys
from pathlib import Path


def build_info(executable: str | None = None) -> dict[str, str] | None:
    """The ``key=value`` lines of ``BUILD-INFO`` beside ``executable``, if it is there."""
    path = Path(executable or sys.executable).resolve().parent / "BUILD-INFO"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return dict(line.split("=", 1) for line in lines if "=" in line)
