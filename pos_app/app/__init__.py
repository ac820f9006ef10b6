"""The register's wiring without Qt, and the use cases the window and the command line share:
the terminal (the composition root), onboarding, the demo, the catalog file, what a scan is,
scanner discovery and test, the sandbox's admin API, the support bundle.

The names below are the window's way in: it reaches the journal, the LevelUp client and the
sandbox only through this package. They load on first use, so that importing a light module
of the package (:mod:`pos_app.app.scans`, say) does not open the database and HTTP libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_app.app.terminal import (
        DEMO_STAFF,
        STARTUP_ERRORS,
        Terminal,
        TerminalError,
        open_register,
    )
    from pos_app.levelup.wire import Location

__all__ = ["DEMO_STAFF", "STARTUP_ERRORS", "Location", "Terminal", "TerminalError", "open_register"]

_HOMES = {
    "DEMO_STAFF": "pos_app.app.terminal",
    "STARTUP_ERRORS": "pos_app.app.terminal",
    "Terminal": "pos_app.app.terminal",
    "TerminalError": "pos_app.app.terminal",
    "open_register": "pos_app.app.terminal",
    "Location": "pos_app.levelup.wire",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
