"""The sandbox's LevelUp: accounts, orders and money, with the rules of the v15 pages.

:class:`Ledger` holds the state behind one lock and answers each endpoint's question with a
typed response from :mod:`pos_app.levelup.wire`, or raises
:class:`~pos_app.sandbox.rejections.Rejection` with the status and error list LevelUp would
send. It knows nothing of HTTP. Each area's rules are a module of functions over the state:
:mod:`~pos_app.sandbox.accounts` (logins, locations, code → customer),
:mod:`~pos_app.sandbox.orders` (propose, complete, refund, funding),
:mod:`~pos_app.sandbox.credits` (gift card credit, detached refunds) and
:mod:`~pos_app.sandbox.views` (what is shown); the ledger takes the lock, calls one, and saves
the state file after a change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pos_app.host.files import write_atomically
from pos_app.levelup.wire import (
    AccessToken,
    AccessTokenRequest,
    CompletedOrder,
    CompletedOrderRequest,
    DetachedRefund,
    DetachedRefundRequest,
    GiftCardCredit,
    Location,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
)
from pos_app.sandbox import accounts, apps, credits, orders, views
from pos_app.sandbox.records import CustomerRecord, MerchantRecord, NewCustomer, SandboxState
from pos_app.sandbox.rejections import Rejection, error

LOGIN_ATTEMPTS = 10
"""Wrong sign-ins a username may have within a minute."""


class Ledger:
    """The server's state and rules. Thread-safe; saves after each change when given a path."""

    def __init__(
        self,
        state: SandboxState,
        path: Path | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._state = state
        self._path = path
        self._clock = clock
        self._lock = threading.RLock()
        self._failed_logins: dict[str, list[float]] = {}
        self.accept_after: float | None = None
        """Seconds after which a pending permissions request is accepted by its customer, as
        demo customers do; None: it waits for ``POST /sandbox/permissions_requests/…``. Never
        saved with the state."""

    @classmethod
    def open(cls, path: Path | None = None) -> Ledger:
        """The state saved at ``path``, or a freshly seeded one (saved there if given)."""
        from pos_app.sandbox.seed import seed_state

        if path is not None and path.exists():
            try:
                state = SandboxState.model_validate_json(path.read_bytes())
            except ValueError as exc:
                raise ValueError(f"{path} is not a sandbox state file: {exc}") from None
            return cls(state, path)
        ledger = cls(seed_state(), path)
        ledger._save()
        return ledger

    def reset(self) -> None:
        """Back to the seeded world (saved to the state file, if there is one)."""
        from pos_app.sandbox.seed import seed_state

        with self._changing():
            self._state = seed_state()
            self._failed_logins.clear()

    @contextmanager
    def _changing(self) -> Iterator[SandboxState]:
        """The state, under the lock; saved afterwards unless a rejection was raised."""
        with self._lock:
            yield self._state
            self._save()

    @contextmanager
    def holding(self, *, changes: bool) -> Iterator[SandboxState]:
        """The state under the lock, for the sandbox's areas that are functions over it (as the
        ledger's own are); saved afterwards when ``changes``."""
        with self._lock:
            if self._accept_due():
                self._save()
            if changes:
                with self._changing() as state:
                    yield state
            else:
                yield self._state

    def _accept_due(self) -> bool:
        """Let the customers accept the requests that waited :attr:`accept_after` (a demo)."""
        if self.accept_after is None:
            return False
        return apps.accept_due(self._state, timedelta(seconds=self.accept_after), self._clock())

    def _save(self) -> None:
        if self._path is None:
            return
        write_atomically(self._path, self._state.model_dump_json().encode())

    # ----- merchants, locations, customers ------------------------------------------------

    def merchant_for_token(self, token: str) -> MerchantRecord | None:
        with self._lock:
            return accounts.merchant_for_token(self._state, token)

    def login(self, request: AccessTokenRequest) -> AccessToken:
        """A merchant's sign-in; after :data:`LOGIN_ATTEMPTS` wrong ones for a username within
        a minute, 429 until the minute has passed (red team D18: 200 guesses in 0.22 s)."""
        with self._lock:
            who, now = request.username.lower(), time.monotonic()
            recent = [t for t in self._failed_logins.get(who, []) if now - t < 60]
            if len(recent) >= LOGIN_ATTEMPTS:
                raise Rejection(
                    429,
                    error("access_token", "base", "Too many failed sign-ins: wait a minute."),
                )
            try:
                return accounts.login(self._state, request)
            except Rejection:
                self._failed_logins[who] = [*recent, now]
                raise

    def managed_locations(self, merchant: MerchantRecord) -> list[Location]:
        return views.managed_locations(merchant)

    def location(self, merchant: MerchantRecord, location_id: int) -> Location:
        with self._lock:
            return views.location(self._state, merchant, location_id)

    # ----- orders ---------------------------------------------------------------------------

    def propose(
        self, merchant: MerchantRecord, request: ProposedOrderRequest, user_token: str | None
    ) -> ProposedOrder:
        with self._changing() as state:
            return orders.propose(state, merchant, request, self._clock, user_token)

    def complete(
        self, merchant: MerchantRecord, request: CompletedOrderRequest, user_token: str | None
    ) -> CompletedOrder:
        with self._changing() as state:
            return orders.complete(state, merchant, request, self._clock, user_token)

    def refund(
        self, merchant: MerchantRecord, order_uuid: str, manager_confirmation: str | None
    ) -> MerchantOrder:
        with self._changing() as state:
            return orders.refund(state, merchant, order_uuid, manager_confirmation, self._clock)

    # ----- credit outside orders ------------------------------------------------------------

    def gift_card_credit(
        self, merchant: MerchantRecord, location_id: int, code_text: str
    ) -> GiftCardCredit:
        with self._lock:
            return credits.gift_card_credit(self._state, merchant, location_id, code_text)

    def detached_refund(
        self, merchant: MerchantRecord, request: DetachedRefundRequest
    ) -> DetachedRefund:
        with self._changing() as state:
            return credits.detached_refund(state, merchant, request, self._clock)

    # ----- lookups --------------------------------------------------------------------------

    def order_details(
        self, merchant: MerchantRecord, merchant_id: int, order_uuid: str
    ) -> MerchantOrder:
        with self._lock:
            return views.order_details(self._state, merchant, merchant_id, order_uuid)

    def location_orders(
        self, merchant: MerchantRecord, location_id: int, page: int
    ) -> tuple[list[MerchantOrder], bool]:
        """Page ``page`` (from 1) of the location's orders, newest first, and whether more
        follow."""
        with self._lock:
            return views.location_orders(self._state, merchant, location_id, page)

    # ----- the admin API ------------------------------------------------------------------

    def add_customer(self, profile: NewCustomer) -> CustomerRecord:
        """A new customer with a fresh payment code."""
        with self._changing() as state:
            return accounts.add_customer(state, profile)

    def customers(self) -> list[dict[str, Any]]:
        with self._lock:
            return views.customers(self._state)

    def orders(self) -> list[dict[str, Any]]:
        with self._lock:
            return views.orders(self._state)

    def seed_view(self) -> dict[str, Any]:
        with self._lock:
            return views.seed_view(self._state)
