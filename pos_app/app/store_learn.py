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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pos_app.engine import CheckRecord
from pos_app.host.secrets import SecretStore
from pos_app.host.settings import Settings
from pos_app.levelup.wire import MerchantOrder
from pos_app.store.connect import configured_store
from pos_app.store.database import StoreError
from pos_app.store.events import RegisterKey
from pos_app.store.findings import finding_for, not_known_elsewhere

if TYPE_CHECKING:
    from pos_app.store.database import Engine as Database

log = logging.getLogger(__name__)
RECENT = timedelta(days=2)
"""Other registers' checks opened this long ago or less are looked at."""
QUIET = timedelta(minutes=1)
"""After the server could not be asked, it is not asked again for this long (a recovery with
many payments does not wait out a connect timeout for each)."""


class StoreLearning:
    """The store server's findings for the register ``key``."""

    def __init__(
        self,
        database: Database,
        key: RegisterKey,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self._key = key
        self._clock = clock
        self._quiet_until = datetime.min.replace(tzinfo=UTC)

    def found_elsewhere(self, record: CheckRecord, tender_id: str) -> MerchantOrder | None:
        if self._clock() < self._quiet_until:
            return None
        try:
            data = finding_for(self._database, self._key, tender_id)
        except StoreError as error:
            self._failed("about a payment", error)
            return None
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
        if self._clock() < self._quiet_until:
            return []
        try:
            return not_known_elsewhere(self._database, self._key, self._clock() - RECENT)
        except StoreError as error:
            self._failed("for other registers' payments", error)
            return []

    def close(self) -> None:
        self._database.dispose()

    def _failed(self, what: str, error: StoreError) -> None:
        log.info("The store server could not be asked %s: %s", what, error)
        self._quiet_until = self._clock() + QUIET


def store_learning(config: Settings, secrets: SecretStore) -> StoreLearning | None:
    """What the register of ``config`` learns from its store server (None: it has none). The
    server is reached only when asked, and never stops the register."""
    levelup = config.levelup
    if not config.store.url or levelup.location_id is None or levelup.merchant_id is None:
        return None
    try:
        database = configured_store(config, secrets, current=False)
    except StoreError as error:
        log.warning("No store server to learn from: %s", error)
        return None
    key = RegisterKey(levelup.merchant_id, levelup.location_id, config.register_.id)
    return StoreLearning(database, key)
