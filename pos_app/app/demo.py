"""Scripted checkouts through the real engine, journal and client: ``levelup-pos demo``.

Each check gets random catalog items that ask nothing when added (with modifiers, sometimes a fee
or an exempt gift card), then a customer of one of the funding profiles pays with LevelUp and
whatever LevelUp does not cover is paid with cash or a card, as a cashier would: a gift card that
runs out, a loyalty-only customer, a decline. Every fourth customer pays by email (when the
register has app credentials): the demo asks them, and they accept at once through the admin
API, as on their phone. Customers are created through the sandbox's admin API, so every run has
fresh balances.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pos_app.app.catalog import load_catalog
from pos_app.app.email_payments import EmailPaymentError, EmailPayments
from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.domain import Check, Fee, FeeType, LineItem, TenderKind, TenderStatus
from pos_app.domain.catalog import Catalog
from pos_app.engine import CheckRecord, CheckState, Engine
from pos_app.levelup import CustomerToken

# name, admin API profile
PROFILES: list[tuple[str, dict[str, Any]]] = [
    ("card", {"card": True}),
    ("gift card only", {"card": False, "gift_card_amount": 700}),
    ("loyalty only", {"card": False, "discount_amount": 300}),
    ("discount", {"card": True, "discount_amount": 500}),
    ("tip", {"card": True, "tip_percent": 15}),
    ("decline", {"card": True, "card_declines": True}),
]


@dataclass
class DemoSummary:
    checks: int
    closed: int
    tenders: dict[str, int]

    @property
    def all_closed(self) -> bool:
        return self.checks == self.closed

    def as_json(self) -> dict[str, Any]:
        return {"checks": self.checks, "closed": self.closed, "tenders": self.tenders}


def run_demo(
    engine: Engine,
    sandbox_url: str,
    checks: int,
    seed: int,
    progress: Callable[[str], None] = lambda line: None,
    closed: Callable[[CheckRecord], None] = lambda record: None,
    email_payments: EmailPayments | None = None,
) -> DemoSummary:
    """Ring up and pay ``checks`` checks; report how they ended. ``closed`` hears each check
    that a payment closed (the demo prints its receipt); ``email_payments``, when it is
    available, takes every fourth payment by email."""
    by_email = email_payments if email_payments is not None and email_payments.available else None
    rng = random.Random(seed)  # noqa: S311 - a repeatable script, not a secret
    catalog = load_catalog()
    with SandboxAdmin(sandbox_url) as admin:
        records = []
        for number in range(checks):
            profile, fields = rng.choice(PROFILES)
            customer = admin.add_customer(f"Demo {profile} {number}", **fields)
            payer: str | CustomerToken = customer["payment_token_data"]
            record = _ring_up(engine, catalog, rng)
            if by_email is not None and number % 4 == 3:
                payer, profile = _asked_by_email(by_email, admin, customer), f"{profile}, by email"
            record = _pay(engine, record, payer, rng)
            progress(
                f"check {record.check.identifier} ({profile}): {record.state.value}, "
                + ", ".join(f"{t.kind.value} {t.status.value}" for t in record.check.tenders)
            )
            records.append(record)
            if record.state is CheckState.CLOSED:
                closed(record)
    states = Counter(tender.status.name for record in records for tender in record.check.tenders)
    paid = sum(
        1 for r in records if r.state is CheckState.CLOSED and r.check.totals.balance_due == 0
    )
    return DemoSummary(checks=checks, closed=paid, tenders=dict(sorted(states.items())))


def _ring_up(engine: Engine, catalog: Catalog, rng: random.Random) -> CheckRecord:
    record = engine.open_check()
    plain = [item for item in catalog.items if not catalog.options_of(item).asks]
    food = [item for item in plain if item.exemption is None]
    gifts = [item for item in plain if item.exemption is not None]
    lines = [_with_modifiers(rng.choice(food), catalog, rng) for _ in range(rng.randint(1, 4))]
    if gifts and rng.random() < 0.15:
        lines.append(rng.choice(gifts))

    def ring(check: Check) -> Check:
        for line in lines:
            check = check.add_item(line)
        if rng.random() < 0.2:
            check = check.add_fee(Fee("Delivery", FeeType.DELIVERY, 299, "food"))
        return check

    return engine.edit_check(record.check_id, ring)


def _with_modifiers(item: LineItem, catalog: Catalog, rng: random.Random) -> LineItem:
    from dataclasses import replace

    count = rng.choice([0, 0, 1, 2])
    return replace(
        item,
        quantity=rng.choice([1, 1, 2]),
        modifiers=tuple(rng.sample(catalog.modifiers, min(count, len(catalog.modifiers)))),
    )


def _asked_by_email(
    payments: EmailPayments, admin: SandboxAdmin, customer: dict[str, Any]
) -> str | CustomerToken:
    """The customer's permission, asked by email; they accept as soon as it reaches them.
    When LevelUp cannot ask them, their code (they scan instead)."""
    answered: list[bool] = []

    def accept(_: object) -> None:
        if not answered:
            answered.append(admin.answer_permissions(customer, accept=True) is not None)

    try:
        return payments.ask(customer["email"], threading.Event(), accept)
    except EmailPaymentError:
        return customer["payment_token_data"]  # LevelUp would not ask: the customer scans


def _pay(
    engine: Engine, record: CheckRecord, payer: str | CustomerToken, rng: random.Random
) -> CheckRecord:
    """LevelUp first; the rest as a cashier would take it."""
    record, tender_id = engine.pay_levelup(record.check_id, payer)
    status = record.tender(tender_id).status
    if status in (TenderStatus.UNKNOWN, TenderStatus.COMPLETING):
        engine.recover()
        record = engine.check(record.check_id)
    if record.in_flight:
        return record  # still being confirmed with LevelUp: it cannot close yet
    due = record.check.totals.balance_due
    if due and record.state is not CheckState.CLOSED:
        if rng.random() < 0.5:
            record = engine.pay_cash(record.check_id, _rounded_up(due))
        else:
            record = engine.pay_other(record.check_id, TenderKind.CREDIT, due)
    return record


def _rounded_up(cents: int) -> int:
    """What a customer hands over: the next whole dollar, or a $20 note."""
    return max(((cents + 99) // 100) * 100, 2000 if cents < 2000 else 0)
