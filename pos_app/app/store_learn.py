"""What a register learns from the store server about its LevelUp payments whose outcome it
does not know (the engine's :class:`pos_app.engine.ports.StoreFindings`).

"Settled on another register" means here: another register of the same location, which could
ask LevelUp, found the order of this register's payment (its check number, this register's
name, the spend sent: the same search the register itself makes) and said so in its journal,
which reached the server. This register's recovery takes that order before asking LevelUp
itself, so a payment settles even while this register cannot reach LevelUp. Only found orders
are said: that an order is absent is never taken from elsewhere (it depends on the settle
window of the register that sent it). A server that cannot be asked knows nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pos_app.engine import CheckRecord
from pos_app.host.secrets import SecretStore
from pos_app.host.settings import Settings
from pos_app.levelup.wire import MerchantOrder
from pos_app.store.connect import configured_store
from pos_app.store.database import StoreError
from pos_app.store.events import RegisterKey
from pos_app.store.findings import findings_for, not_known_elsewhere

if TYPE_CHECKING:
    from pos_app.store.database import Engine as Database

log = logging.getLogger(__name__)
RECENT = timedelta(days=2)
"""Other registers' checks opened this long ago or less are looked at."""
EVERY = 30.0
"""Seconds between two readings of the server's findings."""


class StoreLearning:
    """The store server's findings for the register ``key``, read on a thread of its own every
    :data:`EVERY` seconds (and at :meth:`refresh`): the engine asks under its lock, so it is
    answered from the last reading, never by waiting for the server."""

    def __init__(
        self,
        database: Database,
        key: RegisterKey,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self._key = key
        self._clock = clock
        self._findings: dict[str, dict[str, Any]] = {}
        self._unknown: list[tuple[str, CheckRecord, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-learning", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def refresh(self) -> None:
        """Read the server's findings now (a server that cannot be asked leaves the last)."""
        try:
            findings = findings_for(self._database, self._key)
            unknown = not_known_elsewhere(self._database, self._key, self._clock() - RECENT)
        except StoreError as error:
            log.info("The store server could not be asked for other registers' findings: %s", error)
            return
        self._findings, self._unknown = findings, unknown

    def found_elsewhere(self, record: CheckRecord, tender_id: str) -> MerchantOrder | None:
        data = self._findings.get(tender_id)
        if data is None or data.get("check") != record.check_id:
            return None
        return MerchantOrder(
            uuid=str(data["order_uuid"]),
            identifier_from_merchant=str(data["identifier"]),
            spend_amount=int(data["spend_amount"]),
            tip_amount=int(data["tip_amount"]),
            total_amount=int(data["total_amount"]),
            user_display_name=str(data.get("payer") or "") or None,
        )

    def unknown_elsewhere(self) -> list[tuple[str, CheckRecord, str]]:
        return list(self._unknown)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._database.dispose()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # a thread that dies would learn nothing ever again
                log.exception("Reading the store server's findings failed")
            self._stop.wait(EVERY)


def store_learning(config: Settings, secrets: SecretStore) -> StoreLearning | None:
    """What the register of ``config`` learns from its store server (None: it has none),
    started. The server is read in the background and never stops the register."""
    levelup = config.levelup
    if not config.store.url or levelup.location_id is None or levelup.merchant_id is None:
        return None
    try:
        database = configured_store(config, secrets, current=False)
    except StoreError as error:
        log.warning("No store server to learn from: %s", error)
        return None
    key = RegisterKey(levelup.merchant_id, levelup.location_id, config.register_.id)
    learning = StoreLearning(database, key)
    learning.start()
    return learning
