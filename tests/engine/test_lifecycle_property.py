"""Random command sequences against the real engine, journal file and sandbox.

Whatever the cashier, the manager, LevelUp and the process do, in any order: every check adds
up, a refused command writes nothing, every tender's journaled history is a path through the
declared lifecycle (:mod:`pos_app.domain.lifecycle`), the journal replays, and once LevelUp
answers again and the settle window has passed nothing is left pending and every order
LevelUp charged is on exactly one tender.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pos_app.domain import (
    TENDER_STARTS,
    Check,
    CheckState,
    Discount,
    DomainError,
    LineItem,
    TenderKind,
    TenderStatus,
    can_move,
)
from pos_app.engine import ApprovalAction, DiscountRequest, Engine, EngineError, EventKind
from pos_app.journal.verify import verify
from pos_app.sandbox import RunningSandbox
from tests.engine.support import MANAGER_PIN, Register, tender_histories
from tests.engine.test_failures import POLICY, SETTLED

REFUSED = (DomainError, EngineError)
"""What a command the engine refuses raises (IllegalTransition is a DomainError)."""

CUSTOMERS = ("Ada", "Ben", "Cora", "Dev", "Eve", "Finn", "Gia", "Hal")
PRICES = (1, 99, 250, 470, 1000, 1355, 2999)
SHARES = ("all", "half", "one cent", "nothing", "too much")
MAX_OFFSET = timedelta(minutes=5)
"""The register's clock runs ahead of the sandbox's by at most this (plus one settle window
at the end): well inside the 10 minutes of skew a lost answer is looked for across."""

_LOOKUPS_FAIL = [{"path": "/v14/*", "status": 503}, {"path": "/v15/merchants/*", "status": 503}]
FAULTS: dict[str, list[dict[str, Any]]] = {
    "propose 503": [{"path": "/v15/proposed_orders", "status": 503}],
    "complete 503": [{"path": "/v15/completed_orders", "status": 503}],
    "complete 500": [{"path": "/v15/completed_orders", "status": 500, "times": 1}],
    "lost before commit": [{"path": "/v15/completed_orders", "drop": "before_commit", "times": 1}],
    "lost after commit": [{"path": "/v15/completed_orders", "drop": "after_commit", "times": 1}],
    "lost before commit, lookups fail": [
        {"path": "/v15/completed_orders", "drop": "before_commit", "times": 1},
        *_LOOKUPS_FAIL,
    ],
    "lost after commit, lookups fail": [
        {"path": "/v15/completed_orders", "drop": "after_commit", "times": 1},
        *_LOOKUPS_FAIL,
    ],
}

_SANDBOX: list[RunningSandbox] = []


@pytest.fixture(autouse=True)
def _sandbox(server: RunningSandbox) -> Iterator[None]:
    """The session's sandbox, for the machine (hypothesis builds it without fixtures)."""
    _SANDBOX.append(server)
    yield
    _SANDBOX.remove(server)


def amount_of(due: int, share: str) -> int:
    return {"all": due, "half": max(1, due // 2), "one cent": 1, "nothing": 0}.get(share, due + 1)


def discount_for(check: Check, line: int | None, off: Decimal | int | None) -> DiscountRequest:
    """A discount for ``check``: ``off`` percent (Decimal), cents, or (None) all that is left;
    on the check, or on its line number ``line`` (modulo the lines there are)."""
    if off is None:
        totals = check.totals
        whole = totals.subtotal - totals.exempt - totals.check_discount
        off = (
            check.items[line % len(check.items)].charged_price
            if line is not None and check.items
            else whole
        )
    discount = (
        Discount("Promo", percent=off) if isinstance(off, Decimal) else Discount("Promo", off)
    )
    line_id = None
    if line is not None:
        line_id = check.items[line % len(check.items)].line_id if check.items else 0
    return DiscountRequest(discount, line_id, reason="promo", staff_id="mia")


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="lifecycle-"))
        self._register: Register | None = None
        self.checks: list[str] = []
        self.down = False

    @property
    def register(self) -> Register:
        assert self._register is not None
        return self._register

    @property
    def engine(self) -> Engine:
        return self.register.engine

    # ----- helpers -------------------------------------------------------------------------

    def _stored(self, check_id: str) -> tuple[object, ...]:
        """What a refused command must leave as it was: the check, cached and stored, and
        the journal's events."""
        journal = self.register.journal
        return self.engine.check(check_id), journal.load(check_id), journal.event_count()

    def _attempt(self, check_id: str, command: Callable[[], object]) -> None:
        """Run ``command``; if the engine refuses it, it must have written nothing."""
        before, refusal = self._stored(check_id), None
        try:
            command()
        except REFUSED as error:
            refusal = error
        if refusal is not None:
            assert self._stored(check_id) == before, f"refused ({refusal!r}) but wrote"

    def _refuses(self, check_id: str, command: Callable[[], object]) -> None:
        before = self._stored(check_id)
        with pytest.raises(REFUSED):
            command()
        assert self._stored(check_id) == before

    def _faults(self, *rules: dict[str, Any]) -> None:
        """Only ``rules`` in force at the sandbox (and LevelUp down, while it is)."""
        self.register.admin.delete("/sandbox/faults")
        for fault in [*rules, *([{"path": "*", "status": 503}] if self.down else [])]:
            self.register.fault(**fault)

    def _pick(self, pick: int) -> str:
        return self.checks[pick % len(self.checks)]

    def _due(self, check_id: str) -> int:
        return self.engine.check(check_id).check.totals.balance_due

    def _levelup(self, check_id: str, customer: str, share: str) -> None:
        code = self.register.code(customer)
        amount = None if share == "all" else amount_of(self._due(check_id), share)
        self._attempt(check_id, lambda: self.engine.pay_levelup(check_id, code, amount))

    # ----- rules ---------------------------------------------------------------------------

    @initialize(
        offline=st.booleans(),
        prices=st.lists(st.sampled_from(PRICES), min_size=1, max_size=3),
        taxed=st.booleans(),
    )
    def start(self, offline: bool, prices: list[int], taxed: bool) -> None:
        """A new register on a fresh journal and sandbox (with the offline policy or not),
        and its first check rung up."""
        [server] = _SANDBOX
        server.reset()
        self._register = Register(
            server, self.directory, **({"offline": POLICY} if offline else {})
        )
        self.engine.sign_in("mia", MANAGER_PIN)  # a manager gives the discounts
        self.open_check(prices, taxed)

    @precondition(lambda self: len(self.checks) < 4)
    @rule(prices=st.lists(st.sampled_from(PRICES), min_size=1, max_size=3), taxed=st.booleans())
    def open_check(self, prices: list[int], taxed: bool) -> None:
        """The cashier opens a check and rings up its first items."""
        self.checks.append(self.register.check(*prices, taxed=taxed).check_id)

    @precondition(lambda self: self.checks)
    @rule(pick=st.integers(0, 3), price=st.sampled_from(PRICES), taxed=st.booleans())
    def add_item(self, pick: int, price: int, taxed: bool) -> None:
        """One more item (refused once payments hold the check)."""
        item = LineItem("Lunch", price, sku="L1", tax_class="food" if taxed else None)
        check_id = self._pick(pick)
        self._attempt(
            check_id, lambda: self.engine.edit_check(check_id, lambda c: c.add_item(item))
        )

    @precondition(lambda self: self.checks)
    @rule(
        pick=st.integers(0, 3),
        line=st.none() | st.integers(0, 3),
        off=st.none()
        | st.sampled_from([Decimal(10), Decimal(50), Decimal(100)])
        | st.integers(1, 3000),
    )
    def add_discount(self, pick: int, line: int | None, off: Decimal | int | None) -> None:
        """A percent or amount discount on the check or a line, given by a manager (the domain
        refuses an amount over what is left)."""
        check_id = self._pick(pick)

        def give() -> object:
            request = discount_for(self.engine.check(check_id).check, line, off)
            return self.engine.give_discount(check_id, request)

        self._attempt(check_id, give)

    @precondition(lambda self: self.checks)
    @rule(pick=st.integers(0, 3), share=st.sampled_from(SHARES))
    def pay_cash(self, pick: int, share: str) -> None:
        """Cash: the balance, part of it, or more (change)."""
        check_id = self._pick(pick)
        tendered = amount_of(self._due(check_id), share)
        self._attempt(check_id, lambda: self.engine.pay_cash(check_id, tendered))

    @precondition(lambda self: self.checks)
    @rule(
        pick=st.integers(0, 3),
        kind=st.sampled_from([TenderKind.CREDIT, TenderKind.DEBIT, TenderKind.OTHER]),
        share=st.sampled_from(SHARES),
        tip=st.sampled_from([0, 150]),
    )
    def pay_other(self, pick: int, kind: TenderKind, share: str, tip: int) -> None:
        """A card or other tender approved outside the register (none may overpay, and none
        may pay $0.00: that would close a $0 check without a comp)."""
        check_id = self._pick(pick)
        amount = amount_of(self._due(check_id), share)
        self._attempt(check_id, lambda: self.engine.pay_other(check_id, kind, amount, tip=tip))

    @precondition(lambda self: self.checks)
    @rule(
        pick=st.integers(0, 3), customer=st.sampled_from(CUSTOMERS), share=st.sampled_from(SHARES)
    )
    def pay_levelup(self, pick: int, customer: str, share: str) -> None:
        """A scanned LevelUp code pays all that is due, or a chosen amount."""
        self._levelup(self._pick(pick), customer, share)

    @precondition(lambda self: self.checks)
    @rule(
        pick=st.integers(0, 3),
        customer=st.sampled_from(CUSTOMERS),
        fault=st.sampled_from(sorted(FAULTS)),
    )
    def pay_levelup_with_fault(self, pick: int, customer: str, fault: str) -> None:
        """LevelUp fails this payment: maintenance, a server error, or the answer to the
        completed order lost before or after LevelUp committed it (order lookups working or
        not); then the faults are cleared."""
        self._faults(*FAULTS[fault])
        try:
            self._levelup(self._pick(pick), customer, "all")
        finally:
            self._faults()

    @rule(down=st.booleans())
    def levelup_down_or_up(self, down: bool) -> None:
        """LevelUp stops answering (every path 503) or comes back."""
        self.down = down
        self._faults()

    @rule()
    def forward_offline(self) -> None:
        """Send the offline queue (Finn's card declines, Cora's gift card partly pays)."""
        self.engine.forward_offline()

    @precondition(lambda self: self.checks)
    @rule(pick=st.integers(0, 3), which=st.integers(0, 5))
    def void_tender(self, pick: int, which: int) -> None:
        """A manager voids one payment: refunded, given back, or cancelled if queued."""
        check_id = self._pick(pick)
        tenders = self.engine.check(check_id).check.tenders
        if tenders:
            tender_id = tenders[which % len(tenders)].tender_id
            approval = self.register.approval(ApprovalAction.VOID_TENDER, tender_id)
            self._attempt(check_id, lambda: self.engine.void_tender(check_id, tender_id, approval))

    @precondition(lambda self: self.checks)
    @rule(pick=st.integers(0, 3))
    def void_check(self, pick: int) -> None:
        """A manager voids a whole check and every payment on it."""
        check_id = self._pick(pick)
        approval = self.register.approval(ApprovalAction.VOID_CHECK, check_id)
        self._attempt(check_id, lambda: self.engine.void_check(check_id, approval))

    @precondition(lambda self: self.checks)
    @rule(pick=st.integers(0, 3))
    def comp_or_close(self, pick: int) -> None:
        """A $0 check comped with a reason and a manager, or a paid one closed by hand."""
        check_id = self._pick(pick)
        approval = self.register.approval(ApprovalAction.COMP_CHECK, check_id, reason="cold")
        self._attempt(check_id, lambda: self.engine.comp_check(check_id, "cold", approval))
        self._attempt(check_id, lambda: self.engine.close_check(check_id))

    @rule(wait=st.booleans())
    def recover(self, wait: bool) -> None:
        """Settle what is unfinished, after the settle window has passed or not."""
        if wait and self.register.offset < MAX_OFFSET:
            self.register.offset += SETTLED
        self.engine.recover()

    @rule()
    def restart(self) -> None:
        """The process ends and starts again on the same journal."""
        self.register.restart()
        self.engine.sign_in("mia", MANAGER_PIN)

    # ----- what always holds ---------------------------------------------------------------

    @invariant()
    def journal_replays(self) -> None:
        if self._register is not None:
            assert verify(self.register.journal).mismatches == []

    @invariant()
    def tenders_follow_the_lifecycle(self) -> None:
        if self._register is None:
            return
        histories = tender_histories(self.register.journal)
        for tender_id, steps in histories.items():
            [kind] = {kind for kind, _ in steps}
            statuses = [s for i, (_, s) in enumerate(steps) if i == 0 or steps[i - 1][1] is not s]
            assert statuses[0] is TENDER_STARTS[kind], (tender_id, statuses)
            for before, after in pairwise(statuses):
                assert can_move(kind, before, after), (tender_id, statuses)

    @invariant()
    def checks_add_up(self) -> None:
        for check_id in self.checks:
            record = self.engine.check(check_id)
            assert record == self.register.journal.load(check_id)
            totals = record.check.totals
            assert totals.overpaid == 0
            assert totals.paid + totals.balance_due == totals.grand_total
            if record.state is CheckState.CLOSED:
                assert totals.balance_due == 0
                assert not [t for t in record.check.tenders if t.status.is_pending]
                if not totals.paid and not totals.levelup_discount:  # OPEN → CLOSED at $0
                    kinds = [e["kind"] for e in self.register.journal.events_of(check_id)]
                    assert EventKind.CHECK_COMPED in kinds, "closed at $0 without a comp"
            if record.state.is_final:
                self._stays_final(check_id)

    def _stays_final(self, check_id: str) -> None:
        """A voided or refunded check takes no edit and no payment, and they write nothing."""
        item = LineItem("Late", 100)
        engine = self.engine
        self._refuses(check_id, lambda: engine.edit_check(check_id, lambda c: c))
        self._refuses(check_id, lambda: engine.edit_check(check_id, lambda c: c.add_item(item)))
        self._refuses(check_id, lambda: engine.pay_cash(check_id, 100))
        self._refuses(check_id, lambda: engine.pay_other(check_id, TenderKind.CREDIT, 100))

    # ----- the end -------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if self._register is not None and sys.exc_info()[0] is None:
                self.settle_everything()
        finally:
            if self._register is not None:
                self.register.close()
            shutil.rmtree(self.directory, ignore_errors=True)

    def settle_everything(self) -> None:
        """LevelUp back, the settle window passed, recovery and the queue run: nothing is
        pending, and LevelUp's orders and the journal's tenders match one to one."""
        self.down = False
        self._faults()
        self.register.offset += SETTLED
        for _ in range(2):
            self.engine.recover()
            self.engine.forward_offline()
        self.engine.recover()
        self.journal_replays()
        self.tenders_follow_the_lifecycle()
        self.checks_add_up()
        records = list(self.register.journal.records())
        tenders = [t for r in records for t in r.check.tenders]
        assert [t for t in tenders if not t.status.is_final] == []
        claimed = Counter(
            t.levelup.order_uuid for t in tenders if t.levelup and t.levelup.order_uuid
        )
        orders = self.register.orders()
        assert claimed == Counter(order["uuid"] for order in orders)
        refunded = {
            t.levelup.order_uuid for t in tenders if t.status is TenderStatus.REFUNDED and t.levelup
        }
        assert refunded == {order["uuid"] for order in orders if order["refunded_at"]}


Lifecycle.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLifecycle = Lifecycle.TestCase
