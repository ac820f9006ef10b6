"""Where the terminal keeps its files: settings, journal and logs under one data directory.

The directory is, in order: ``--data-dir``, the ``LEVELUP_POS_HOME`` environment variable, or
the platform's per-user data directory (``~/.local/share/levelup-pos`` on Linux,
``%LOCALAPPDATA%\\levelup-pos`` on Windows).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "levelup-pos"
HOME_ENV = "LEVELUP_POS_HOME"


@dataclass(frozen=True)
class Paths:
    """The files of one terminal, all under ``data_dir``."""

    data_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.toml"

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def create(self) -> Paths:
        """Create the directories, readable by this user only (they hold payment records):
        ones that already exist, this user's, are made so too."""
        for directory in (self.data_dir, self.log_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            private(directory, 0o700)
        return self


def private(path: Path, mode: int) -> None:
    """Narrow ``path`` to ``mode`` if it is this user's and allows more (what another
    account owns, an administrator set up on purpose: it is left alone)."""
    if os.name != "posix":  # Windows: the profile's ACL keeps it private
        return
    with suppress(OSError):  # a read-only directory, say: what uses it says so
        status = path.stat()
        if status.st_uid == os.getuid() and status.st_mode & 0o777 & ~mode:
            path.chmod(status.st_mode & 0o777 & mode)


def resolve_paths(data_dir: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Paths:
    """The terminal's paths from the ``--data-dir`` option (or None) and the environment."""
    chosen = (
        data_dir
        or environ.get(HOME_ENV)
        or platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)
    )
    return Paths(Path(chosen).expanduser().resolve())
