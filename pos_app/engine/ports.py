"""What the engine needs from the world, as interfaces the outer layers implement.

:class:`PaymentGateway` is LevelUp (``pos_app.levelup.client.LevelUpClient`` fits it as is);
:class:`Journal` is durable storage (``pos_app.journal``). The engine never imports either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from pydantic import SecretStr

from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import CheckRecord
from pos_app.levelup.wire import (
    CompletedOrder,
    CompletedOrderRequest,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
)


class PaymentGateway(Protocol):
    """LevelUp's order endpoints, raising :mod:`pos_app.levelup.errors` on failure."""

    def propose(
        self, request: ProposedOrderRequest, user_token: SecretStr | None = None
    ) -> ProposedOrder:
        """``user_token``: the customer's, for a payment by email (none for a scanned code)."""
        ...

    def complete(
        self, request: CompletedOrderRequest, user_token: SecretStr | None = None
    ) -> CompletedOrder: ...

    def refund(self, order_uuid: str, manager_confirmation: str | None = None) -> MerchantOrder: ...

    def location_orders(self, location_id: int) -> Iterator[MerchantOrder]: ...

    def order_details(self, merchant_id: int, order_uuid: str) -> MerchantOrder: ...


class StoreFindings(Protocol):
    """What the store server knows of LevelUp payments at this location
    (``pos_app.app.store_learn``). Neither call raises: a server that cannot be asked knows
    nothing."""

    def found_elsewhere(self, record: CheckRecord, tender_id: str) -> MerchantOrder | None:
        """The order another register of the location found at LevelUp for this register's
        payment ``tender_id`` of ``record``, whose outcome is not known here."""
        ...

    def unknown_elsewhere(self) -> list[tuple[str, CheckRecord, str]]:
        """The other registers' payments whose outcome is not known and that no register has
        found yet: (register id, check, tender id)."""
        ...


class Journal(Protocol):
    """Durable, append-only storage of what the engine did.

    :meth:`save` commits the events and the record's new state together, durably, before it
    returns: the engine calls it before each request and before telling anyone an outcome.
    """

    def save(
        self,
        record: CheckRecord,
        events: Sequence[JournalEvent],
        codes: Mapping[str, str] | None = None,
    ) -> None:
        """Store ``record`` and ``events``; ``codes`` maps tender ids to payment codes the
        tender still needs (kept encrypted, and erased once the tender is final)."""
        ...

    def load(self, check_id: str) -> CheckRecord | None: ...

    def unsettled(self) -> list[CheckRecord]:
        """Every check that is open, or has a tender whose outcome is still to come."""
        ...

    def code(self, tender_id: str) -> str | None:
        """The payment code kept for ``tender_id``, if it is still needed."""
        ...

    def opened_since(self, since: datetime) -> list[CheckRecord]:
        """Checks opened at or after ``since``, newest first (the register's order history)."""
        ...

    def next_identifier(self, business_day: date) -> str:
        """The next ``identifier_from_merchant`` of this terminal."""
        ...

    def check_of_order(self, order_uuid: str) -> str | None:
        """The check one of whose tenders holds LevelUp's order ``order_uuid``, if any."""
        ...

    def audit(self, event: JournalEvent) -> None:
        """Append an event that belongs to no check (a sign-in), durably."""
        ...

    def events_between(
        self, kinds: frozenset[EventKind], start: datetime, end: datetime
    ) -> list[JournalEvent]:
        """The events of ``kinds``, a check's or the register's, at or after ``start`` and
        before ``end``, oldest first, with what they changed."""
        ...
