"""Shipping the register's journal to the store server, in the background.

A :class:`Shipper` is one daemon thread. It wakes every ``store.ship_every`` seconds and when
told that new events exist (:meth:`Shipper.wake`), and ships the journal's events after what
the server holds, in batches, with :func:`pos_app.store.events.receive` (idempotent: a batch
sent twice stores nothing twice). Before each batch it asks the server what it holds, so a
server restored from an older dump is refilled. When the server cannot be reached it waits
2 s, then twice as long each time, up to 60 s; a sale never waits for it. It reads the journal
on its own connection (the journal's pool gives each thread one) and never takes the
journal's write lock, so the engine never waits for it either.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from pos_app.host.secrets import SecretStore
from pos_app.host.settings import Settings
from pos_app.journal.rows import JournalRow
from pos_app.store.connect import configured_store
from pos_app.store.database import StoreError, StoreUnavailable
from pos_app.store.events import RegisterKey, fold_pending, receive, shipped_seq
from pos_app.store.registers import report_problem

if TYPE_CHECKING:
    from pos_app.store.database import Engine as Database

logger = logging.getLogger(__name__)

FIRST_RETRY = 2.0
"""Seconds before the first retry after the server failed; doubled each time after."""
LAST_RETRY = 60.0
"""The longest wait between retries."""
GATHER = 0.25
"""New events are gathered this part of ``store.ship_every`` after the last round before they
are shipped (0.5 s by default)."""

Send = Callable[["Database", RegisterKey, Sequence[JournalRow]], int]
"""Stores a batch on the server; the register's ``shipped_seq`` after it (:func:`receive`)."""


class EventSource(Protocol):
    """What the shipper reads: the journal's events in order (:class:`SqliteJournal`)."""

    def rows_after(self, after: int, limit: int) -> list[JournalRow]: ...

    def last_seq(self) -> int: ...

    def journal_id(self) -> str: ...


@dataclass(frozen=True)
class ShipStatus:
    """How far this register's journal is on the store server."""

    pending: int | None
    """Events the server does not hold yet (None: the server was not reached yet)."""
    shipped_seq: int = 0
    """The last event the server holds."""
    shipped_at: datetime | None = None
    """When a batch last arrived (UTC)."""
    problem: str = ""
    """Why shipping stopped last time ("" when it did not)."""
    reachable: bool | None = None
    """Whether the server answered last time (None: not asked yet)."""

    @property
    def up_to_date(self) -> bool:
        return self.reachable is True and self.pending == 0 and not self.problem


def store_batch(database: Database, key: RegisterKey, rows: Sequence[JournalRow]) -> int:
    """The shipper's batch stored; its checks are folded later, when the register is idle."""
    return receive(database, key, rows, fold=False)


class Shipper:
    """Ships ``journal``'s events as register ``key`` to the database ``connect`` opens.
    :meth:`start` it, :meth:`close` it when done."""

    def __init__(
        self,
        journal: EventSource,
        key: RegisterKey,
        connect: Callable[[], Database],
        *,
        every: float = 2.0,
        batch: int = 500,
        send: Send = store_batch,
        first_retry: float = FIRST_RETRY,
    ) -> None:
        self.key = key
        self._journal = journal
        self._connect = connect
        self._every = every
        self._batch = batch
        self._send = send
        self._first_retry = first_retry
        self._database: Database | None = None
        self._failures = 0
        self._last_round = 0.0
        self._logged = ""
        self._status = ShipStatus(pending=None)
        self._listeners: list[Callable[[ShipStatus], None]] = []
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._asked = 0  # sync requests made
        self._served = 0  # sync requests a successful round has answered
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="store-shipper", daemon=True)

    @classmethod
    def of(cls, journal: EventSource, config: Settings, secrets: SecretStore) -> Shipper:
        """The shipper of a register configured by ``config`` (``store.url`` set)."""
        levelup = config.levelup
        key = RegisterKey(
            levelup.merchant_id or 0,
            levelup.location_id or 0,
            config.register_.id,
            journal.journal_id(),
        )
        return cls(
            journal,
            key,
            lambda: configured_store(config, secrets),
            every=config.store.ship_every,
            batch=config.store.batch,
        )

    def start(self) -> None:
        """Start shipping (once)."""
        with self._changed:
            if self._thread.ident is None and not self._closed:
                self._thread.start()

    def wake(self) -> None:
        """New events exist: ship them now (cheap; any thread)."""
        self._wake.set()

    def status(self) -> ShipStatus:
        with self._changed:
            return self._status

    def subscribe(self, listener: Callable[[ShipStatus], None]) -> Callable[[], None]:
        """Call ``listener`` (on the shipper's thread) with each new status; returns a
        function that stops it."""
        with self._changed:
            self._listeners.append(listener)

        def stop() -> None:
            with self._changed:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def sync(self, timeout: float) -> ShipStatus:
        """Ship everything now (retrying while the server fails) and wait until the server
        holds it all or ``timeout`` seconds pass; the status then."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._asked += 1
            asked = self._asked
            self._failures = 0
            self._wake.set()
        self.start()
        with self._changed:
            while self._served < asked and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return self._status

    def close(self) -> None:
        """Stop shipping (what is left goes next time) and let go of the server."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if self._database is not None:
            self._database.dispose()

    # ----- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        delay = 0.0
        while not self._closed:
            self._pause(delay)
            if self._closed:
                return
            with self._changed:
                asked = self._asked
            delay = self._round(asked)

    def _pause(self, delay: float) -> None:
        """Wait ``delay`` seconds, or less when woken: at once while the server takes what
        it is sent, but while backing off only for :meth:`sync` (a wake then only counts
        what waits, so the register's sales never hurry the retries)."""
        due = time.monotonic() + delay
        while not self._closed:
            left = due - time.monotonic()
            if left <= 0 or not self._wake.wait(left):
                return
            self._wake.clear()
            with self._changed:
                hurried = self._served < self._asked
            if hurried:
                return
            if self._failures == 0:
                # New events: shipped soon, but gathered for a moment so that a busy register
                # sends a few full batches rather than one tiny batch per sale.
                due = min(due, self._last_round + self._every * GATHER)
                continue
            self._recount()

    def _round(self, asked: int) -> float:
        """Ship until caught up; seconds until the next round."""
        self._last_round = time.monotonic()
        with self._changed:
            hurried = self._served < asked
        try:
            self._ship(hurried)
        except StoreError as error:
            return self._failed(error, reachable=not isinstance(error, StoreUnavailable))
        except Exception as error:  # a thread that dies would ship nothing ever again
            return self._failed(error, reachable=False, unexpected=True)
        if self._logged:
            logger.info("The store server takes this register's events again.")
            self._logged = ""
        self._failures = 0
        with self._changed:
            self._served = max(self._served, asked)
            self._changed.notify_all()
        return self._every

    def _ship(self, hurried: bool) -> None:
        """Ship until caught up; then, when the register is idle (nothing new came while
        shipping) or :meth:`sync` waits, fold the shipped checks on the server."""
        if self._database is None:
            self._database = self._connect()
        while not self._closed:
            held = shipped_seq(self._database, self.key)
            rows = self._journal.rows_after(held, self._batch)
            if rows:
                held = self._send(self._database, self.key, rows)
            top = self._journal.last_seq()
            self._update(
                pending=max(0, top - held),
                shipped_seq=held,
                shipped_at=datetime.now(UTC) if rows else self._status.shipped_at,
                problem="",
                reachable=True,
            )
            if held >= top or hurried:
                fold_pending(self._database, self.key)
            if held >= top or len(rows) < self._batch:
                return  # caught up with what was there when read: the rest goes next round

    def _failed(self, error: Exception, *, reachable: bool, unexpected: bool = False) -> float:
        problem = str(error) or type(error).__name__
        if problem != self._logged:  # once per state change, not once per retry
            logger.warning(
                "Store server: %s (retrying in the background)", problem, exc_info=unexpected
            )
            self._logged = problem
        if reachable and self._database is not None:
            self._tell_server(problem)
        self._failures += 1
        self._update(problem=problem, reachable=reachable)
        self._recount()
        return min(LAST_RETRY, self._first_retry * 2 ** (self._failures - 1))

    def _recount(self) -> None:
        """What waits: the journal now against what the server held when last asked."""
        status = self.status()
        if status.pending is not None:
            with contextlib.suppress(Exception):  # the next round says what is wrong
                self._update(pending=max(0, self._journal.last_seq() - status.shipped_seq))

    def _tell_server(self, problem: str) -> None:
        """The server answers but refused: say why in its ``registers`` table (for
        ``levelup-pos store status`` on any register), if it takes that."""
        assert self._database is not None
        with contextlib.suppress(StoreError):  # refused too: the register's own log says it
            report_problem(self._database, self.key, problem)

    def _update(self, **changes: object) -> None:
        with self._changed:
            status = replace(self._status, **changes)  # type: ignore[arg-type]
            if status == self._status:
                return
            self._status = status
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:  # a listener's fault (a window closing) must not stop shipping
                logger.exception("A store status listener failed")
