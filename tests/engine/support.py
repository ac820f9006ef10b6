"""A register for engine tests: the real engine, a real journal file, the real client, the
sandbox, and a clock the test can move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from pos_app.domain import Check, LineItem, TaxClass, TaxTable, TenderKind, TenderStatus
from pos_app.engine import ApprovalAction, CheckRecord, Engine, EngineSettings, ManagerApproval
from pos_app.engine.eventlog import EventKind
from pos_app.engine.events import EngineEvent
from pos_app.engine.staff import Role
from pos_app.journal import SqliteJournal
from pos_app.journal.codec import load_changes
from pos_app.journal.schema import events
from pos_app.journal.staff import SqliteStaff
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.sandbox import RunningSandbox

TAXES = TaxTable.of(TaxClass("food", Decimal("10")))
MANAGER_PIN = "2468"
CASHIER_PIN = "1357"


class Register:
    def __init__(self, server: RunningSandbox, directory: Path, **settings: Any) -> None:
        self.server = server
        self.admin = httpx.Client(base_url=server.url)
        self.seed = self.admin.get("/sandbox/seed").json()
        self.token = self.seed["merchants"][0]["access_token"]
        self.path = directory / "journal.sqlite3"
        self.key = Fernet.generate_key()
        self.offset = timedelta()
        self.events: list[EngineEvent] = []
        self.settings = settings
        self.client = LevelUpClient(
            ClientConfig(
                base_url=server.url,
                merchant_token=SecretStr(self.token),
                retries=1,
                backoff=0,
                order_read_timeout=settings.pop("order_read_timeout", 20.0),
            )
        )
        self.journal = SqliteJournal(self.path, self.key, "3")
        SqliteStaff(self.journal).add("mia", "Mia", Role.MANAGER, MANAGER_PIN)
        SqliteStaff(self.journal).add("cal", "Cal", Role.CASHIER, CASHIER_PIN)
        self.engine = self._engine()

    def _engine(self, gateway: Any = None) -> Engine:
        engine = Engine(
            self.journal,
            gateway or self.client,
            EngineSettings(
                location_id=19, merchant_id=1, register="3", tax_table=TAXES, **self.settings
            ),
            clock=self.clock,
            staff=SqliteStaff(self.journal, self.clock),
        )
        engine.subscribe(self.events.append)
        return engine

    def clock(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def restart(self, gateway: Any = None) -> Engine:
        """A new process: a fresh journal connection and engine on the same file."""
        self.journal.close()
        self.journal = SqliteJournal(self.path, self.key, "3")
        self.engine = self._engine(gateway)
        return self.engine

    def code(self, name: str) -> str:
        return next(
            c["payment_token_data"] for c in self.seed["customers"] if c["name"].startswith(name)
        )

    def customer(self, name: str) -> dict[str, Any]:
        customers = self.admin.get("/sandbox/customers").json()
        return next(c for c in customers if c["name"].startswith(name))

    def orders(self) -> list[dict[str, Any]]:
        return self.admin.get("/sandbox/orders").json()

    def fault(self, **rule: Any) -> None:
        assert self.admin.post("/sandbox/faults", json=rule).status_code == 201

    def check(self, *prices: int, taxed: bool = False) -> CheckRecord:
        """A new check with one line per price."""
        record = self.engine.open_check()
        items = [
            LineItem("Lunch", p, sku="L1", tax_class="food" if taxed else None) for p in prices
        ]

        def add_all(check: Check) -> Check:
            for item in items:
                check = check.add_item(item)
            return check

        return self.engine.edit_check(record.check_id, add_all) if items else record

    def approval(
        self,
        action: ApprovalAction,
        target: str,
        *,
        check_id: str | None = None,
        staff_id: str = "mia",
        pin: str = MANAGER_PIN,
        reason: str = "customer changed their mind",
    ) -> ManagerApproval:
        """A manager's approval, given through the engine (PIN and role checked)."""
        check = check_id or self.journal.check_of_tender(target) or target
        return self.engine.approve(check, action, target, staff_id=staff_id, pin=pin, reason=reason)

    def of_kind(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def close(self) -> None:
        self.client.close()
        self.admin.close()
        self.journal.close()


def tender_histories(journal: SqliteJournal) -> dict[str, list[tuple[TenderKind, TenderStatus]]]:
    """Every tender's journaled statuses, in order, from the events' changes alone."""
    histories: dict[str, list[tuple[TenderKind, TenderStatus]]] = {}
    query = (
        select(events.c.tender_id, events.c.kind, events.c.changes)
        .where(events.c.check_id != "")
        .order_by(events.c.id)
    )
    with journal.database.connect() as connection:
        for tender_id, kind, text in connection.execute(query):
            if kind == EventKind.PROPOSED:
                # A proposal is committed with the completion it leads to, whose event carries
                # the tender's change: the `proposed` event records the step.
                histories.setdefault(tender_id, []).append(
                    (TenderKind.LEVELUP, TenderStatus.PROPOSED)
                )
            changes = load_changes(text) if text else None
            if changes is None:
                continue
            whole = changes.record.check.tenders if changes.record else ()
            for tender in (*whole, *(change.tender for change in changes.tenders)):
                histories.setdefault(tender.tender_id, []).append((tender.kind, tender.status))
    return histories
