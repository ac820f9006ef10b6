"""Where the register's resources are: the style sheet, icons and the demo catalog."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

RESOURCES_ENV = "LEVELUP_POS_RESOURCES"


def resources_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the style sheet, icons and demo catalog are: ``$LEVELUP_POS_RESOURCES``, the
    bundle's own folder (an installed build), else the source tree's ``resources/``."""
    if environ.get(RESOURCES_ENV):
        return Path(environ[RESOURCES_ENV])
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"
