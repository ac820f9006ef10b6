"""The register's copy of what the store server keeps for its location: staff, the catalog and
store-wide settings, fetched at start and every :data:`COPY_EVERY` seconds on a thread of its
own (a server that is down never holds up a sale), and kept when the server cannot be reached.

Applying a copy: the staff go into the journal's staff table (hashes, roles, whether they may
sign in; once the server has staff, members it does not list can no longer sign in here); the
catalog into ``store-catalog.toml`` in the data directory, which the register then sells from
(:func:`~pos_app.app.catalog.catalog_file`); the settings into ``store-settings.toml``, the
settings layer above provisioning and below the register's own ``settings.toml``. Staff take
effect at once; the catalog and the settings when the register starts next. When it was last
fetched is kept in ``store-copy.json``, for the status bar and ``store status``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_app.app.catalog import STORE_CATALOG, CatalogError, check_catalog
from pos_app.host.files import write_atomically
from pos_app.host.paths import Paths
from pos_app.host.secrets import SecretStore
from pos_app.host.settings import (
    STORE_LAYER,
    Settings,
    SettingsError,
    check_store_setting,
    store_layer,
)
from pos_app.journal import SqliteJournal
from pos_app.journal.staff import SqliteStaff
from pos_app.store.connect import configured_store
from pos_app.store.database import StoreError
from pos_app.store.shared import Database, SharedCopy, shared_copy

COPY_EVERY = 60.0
"""Seconds between two fetches."""
STATE_FILE = "store-copy.json"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CopyState:
    """How fresh the register's copy is: when it was last fetched (None: never), the catalog
    version it holds, and what went wrong with the last try ("" when nothing did)."""

    fetched_at: datetime | None = None
    catalog_version: int | None = None
    problem: str = ""

    def age(self, now: datetime) -> timedelta | None:
        return None if self.fetched_at is None else max(timedelta(0), now - self.fetched_at)

    def words(self, now: datetime) -> tuple[str, str]:
        """The status bar's text and role: ``Store copy: 12 min old``."""
        age = self.age(now)
        if age is None:
            return ("Store copy: none yet", "bad" if self.problem else "warn")
        minutes = int(age.total_seconds() // 60)
        old = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
        stale = bool(self.problem) or age > timedelta(seconds=3 * COPY_EVERY)
        return (f"Store copy: {old} old", "warn" if stale else "ok")


def read_state(data_dir: Path) -> CopyState:
    """The copy's state as last written in ``data_dir`` (a never-fetched state if none)."""
    try:
        saved = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return CopyState(datetime.fromisoformat(saved["fetched_at"]), saved["catalog_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return CopyState()


def apply_copy(paths: Paths, journal: SqliteJournal, copy: SharedCopy, now: datetime) -> CopyState:
    """Make ``copy`` this register's; its state. A catalog or a setting this version cannot
    use is left out (the last good one stays) and named in the state's problem."""
    problems: list[str] = []
    if copy.staff:
        SqliteStaff(journal).put_records(copy.staff, disable_others=True)
    version = read_state(paths.data_dir).catalog_version
    if copy.catalog is not None and copy.catalog.version != version:
        try:
            check_catalog(copy.catalog.document, Path(f"store catalog v{copy.catalog.version}"))
        except CatalogError as error:
            problems.append(str(error))
        else:
            _write(paths.data_dir / STORE_CATALOG, copy.catalog.document)
            version = copy.catalog.version
    usable = {}
    for key, value in copy.settings.items():
        try:
            check_store_setting(key, value)
        except SettingsError as error:
            problems.append(f"store setting {error}")
        else:
            usable[key] = value
    layer = paths.data_dir / STORE_LAYER
    if usable:
        _write(layer, store_layer(usable))
    else:
        layer.unlink(missing_ok=True)
    state = CopyState(now, version, "; ".join(problems))
    saved = {"fetched_at": now.isoformat(), "catalog_version": version}
    _write(paths.data_dir / STATE_FILE, json.dumps(saved))
    return state


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomically(path, text.encode("utf-8"))


class StoreCopier:
    """Fetches and applies the store's copy for ``location_id`` now (:meth:`copy_now`) or
    every ``every`` seconds on a thread (:meth:`start`); ``connect`` opens the store server
    (it may raise :class:`StoreError`, as when the server is down)."""

    def __init__(
        self,
        paths: Paths,
        journal: SqliteJournal,
        location_id: int,
        connect: Callable[[], Database],
        *,
        every: float = COPY_EVERY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._paths, self._journal, self._location_id = paths, journal, location_id
        self._connect, self._every, self._clock = connect, every, clock
        self._database: Database | None = None
        self._state = read_state(paths.data_dir)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def of(
        cls, paths: Paths, journal: SqliteJournal, config: Settings, secrets: SecretStore
    ) -> StoreCopier:
        """The copier of a register configured with ``store.url`` and its location."""
        assert config.levelup.location_id is not None
        return cls(
            paths, journal, config.levelup.location_id, lambda: configured_store(config, secrets)
        )

    def state(self) -> CopyState:
        """How fresh the copy is (safe from any thread)."""
        return self._state

    def copy_now(self) -> CopyState:
        """Fetch and apply the copy; when the server cannot be reached, the last copy stays
        and the state says why."""
        try:
            if self._database is None:
                self._database = self._connect()
            copy = shared_copy(self._database, self._location_id)
            self._state = apply_copy(self._paths, self._journal, copy, self._clock())
        except StoreError as error:
            self._state = replace(self._state, problem=str(error))
            _log.warning("store copy not fetched: %s", error)
        return self._state

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="store-copy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.copy_now()
            except Exception:  # a bug here must not end the copying, nor the register
                _log.exception("store copy failed")
            self._stop.wait(self._every)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._database is not None:
            self._database.dispose()
