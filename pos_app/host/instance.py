"""One writer per data directory.

Two registers on one journal would each believe they own its checks and its identifier
counter. Whatever writes to a data directory (the register window, ``recover``, ``demo``,
``setup``, ``config set``, ``staff add``) first takes its writer lock (``register.lock``, an OS
file lock through filelock, which the OS releases when a process dies, so a killed register
never blocks the next start) and says who it is in ``register.owner``. A second writer is
refused with a message naming the first; commands that only read do not take the lock.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from pos_app.host.files import write_atomically
from pos_app.host.paths import Paths

READ_ONLY_COMMANDS = "journal export, journal show, journal audit, journal verify, journal pending"


class DataDirectoryBusy(Exception):
    """Another process writes to this data directory; the message names it."""


class WriterLock:
    """The writer lock of a data directory, held until :meth:`release` (or the process ends)."""

    def __init__(self, paths: Paths, what: str) -> None:
        self._paths = paths
        self._what = what
        # An OS lock only: a marker file (filelock's fallback) would outlive a killed process.
        self._lock = FileLock(
            paths.data_dir / "register.lock", timeout=0, thread_local=False, fallback_to_soft=False
        )

    @property
    def _owner_file(self) -> Path:
        return self._paths.data_dir / "register.owner"

    def acquire(self) -> WriterLock:
        self._paths.create()
        try:
            self._lock.acquire()
        except Timeout:
            raise DataDirectoryBusy(self._refusal()) from None
        owner = {
            "pid": os.getpid(),
            "what": self._what,
            "host": socket.gethostname(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]]) if sys.argv else "",
        }
        write_atomically(self._owner_file, json.dumps(owner).encode())
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._owner_file.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def _refusal(self) -> str:
        try:
            owner = json.loads(self._owner_file.read_text(encoding="utf-8"))
            who = (
                f"{owner['what']} (process {owner['pid']} on {owner['host']}, since "
                f"{owner['since'][11:19]})"
            )
        except (OSError, ValueError, KeyError, TypeError):
            who = "another LevelUp POS process"
        return (
            f"{self._paths.data_dir} is in use by {who}: one register writes to a data "
            f"directory at a time. Close it first; commands that only read ({READ_ONLY_COMMANDS}) "
            "work while it runs."
        )
