"""What a maintainer and a support desk ask of a register: its versions, the journal's
figures, a connection check step by step, and the support bundle (JSON, every credential and
code masked). No Qt: the window's diagnostics view shows these, and hands in what only it
knows (the GUI binding's versions, the status bar's health, recent problems, scanner events)
as plain data."""

from __future__ import annotations

import json
import platform
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from pos_app import __version__
from pos_app.app.terminal import Terminal
from pos_app.host.logs import LOG_FILE, scrub
from pos_app.levelup import diagnosis

LOG_LINES_IN_BUNDLE = 200


class Reported(Protocol):
    """A problem the register told: ``message`` for the cashier, ``detail`` for a maintainer."""

    @property
    def at(self) -> datetime: ...
    @property
    def message(self) -> str: ...
    @property
    def detail(self) -> str: ...


def versions(binding: Mapping[str, str] | None = None) -> dict[str, str]:
    """The register's versions and its platform's; ``binding`` adds the GUI's (PySide6, Qt)."""
    return {
        "levelup-pos": __version__,
        "python": sys.version.split()[0],
        **(binding or {}),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def journal_figures(terminal: Terminal) -> dict[str, Any]:
    """The journal's file, size and counts. Run it on the engine lane (the journal's thread)."""
    engine = terminal.engine
    path = terminal.paths.journal_file
    return {
        "file": str(path),
        "size_bytes": path.stat().st_size if path.exists() else 0,
        "events": terminal.journal.event_count(),
        "unsettled_checks": len(terminal.journal.unsettled()),
        "unfinished_payments": {
            status.value: count for status, count in sorted(engine.unfinished().items())
        },
    }


def support_bundle(
    terminal: Terminal,
    figures: Mapping[str, Any],
    *,
    health: Mapping[str, Any],
    problems: Iterable[Reported] = (),
    scanner_events: Iterable[str] = (),
    binding: Mapping[str, str] | None = None,
) -> str:
    """What a support desk asks for, as JSON, with every credential and code masked:
    ``figures`` from :func:`journal_figures`, the status bar's ``health``, the recent
    ``problems`` (newest first), the ``scanner_events`` (newest last) and the tail of the log.
    It reads the log file, so keep it off the GUI thread."""
    log_file = terminal.paths.log_dir / LOG_FILE
    try:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        tail = []
    bundle = {
        "made_at": datetime.now(UTC).isoformat(),
        "versions": versions(binding),
        "register": terminal.config.register_.id,
        "settings": terminal.config.model_dump(mode="json", by_alias=True),
        "levelup_url": terminal.levelup_url,
        "health": dict(health),
        "journal": dict(figures),
        "recent_problems": [
            {"at": p.at.isoformat(), "message": p.message, "detail": p.detail} for p in problems
        ],
        "scanner_events": list(scanner_events),
        "log_tail": tail[-LOG_LINES_IN_BUNDLE:],
    }
    return scrub(json.dumps(bundle, indent=1, default=str))


def check_connection(terminal: Terminal) -> list[diagnosis.Step]:
    """Ask the terminal's LevelUp step by step: the steps that passed, up to and including the
    first that failed. It waits for the network, so keep it off the GUI thread."""
    return diagnosis.check_connection(terminal.client, terminal.config.levelup.location_id)
