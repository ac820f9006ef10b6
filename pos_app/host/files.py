"""Private files written whole or not at all, and read within bounds: settings, secrets, the
sandbox's state."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

MAX_READ = 1024 * 1024
"""The largest settings or data file read (a settings file is a few kilobytes)."""


def read_bounded(path: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; ``OSError`` in plain
    words for anything else (a FIFO or device would hang or never end, a huge file fill
    memory)."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # before opening: opening a FIFO waits
        raise OSError(0, "it is not a regular file", str(path))
    with open(path, "rb", buffering=0) as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise OSError(0, f"it is larger than {limit // 1024} KiB", str(path))
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0600), whole or not at all, even across a crash."""
    temporary = write_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    sync_directory(path.parent)


def write_temporary(path: Path, data: bytes) -> str:
    """A new file next to ``path``, mode 0600, holding ``data`` on disk; returns its name."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; Windows has no directory handles)."""
    if os.name == "posix":
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
