"""The journal on disk: SQLite through SQLAlchemy, WAL, ``synchronous=FULL``.

:class:`SqliteJournal` implements the engine's :class:`~pos_app.engine.ports.Journal`. Each
:meth:`~SqliteJournal.save` is one transaction: the events, the check's and its tenders'
current state, and the payment codes, committed durably before it returns.

A file that is not a journal, or is damaged or unreadable, stops the terminal with
:class:`~pos_app.journal.opening.JournalUnusable` (:mod:`pos_app.journal.opening`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from pos_app.domain import next_identifier
from pos_app.engine.eventlog import EventKind, JournalEvent
from pos_app.engine.model import CheckRecord
from pos_app.host.files import write_atomically
from pos_app.journal import days, drawer, rows
from pos_app.journal.codec import dump_changes, dump_record, load_record
from pos_app.journal.opening import JournalUnusable, open_database, writing
from pos_app.journal.schema import (
    checks,
    counters,
    events,
    payment_codes,
    tenders,
)


class SqliteJournal:
    """The terminal's journal in one SQLite file. Thread-safe.

    ``data_key`` encrypts the payment codes; ``None`` opens the journal for everything else
    (reading checks, staff, audit events): a payment code can then be neither stored nor read.
    """

    def __init__(self, path: Path, data_key: bytes | None, terminal_id: str) -> None:
        self.path = path
        self.terminal_id = terminal_id
        self._fernet = None if data_key is None else Fernet(data_key)
        self._lock = threading.Lock()
        self._engine = open_database(path)

    def close(self) -> None:
        self._engine.dispose()

    @property
    def database(self) -> Engine:
        """The SQLAlchemy engine (for the staff directory, which shares the file)."""
        return self._engine

    @property
    def cipher(self) -> Fernet | None:
        """The data key's cipher (None: opened without it), for what else is kept encrypted."""
        return self._fernet

    @property
    def writing(self) -> threading.Lock:
        """Held for every write; whoever else writes to :attr:`database` takes it too."""
        return self._lock

    def check_of_tender(self, tender_id: str) -> str | None:
        with self._engine.connect() as connection:
            check_id: str | None = connection.execute(
                select(tenders.c.check_id).where(tenders.c.id == tender_id)
            ).scalar_one_or_none()
        return check_id

    def check_of_order(self, order_uuid: str) -> str | None:
        with self._engine.connect() as connection:
            check_id: str | None = connection.execute(
                select(tenders.c.check_id).where(tenders.c.order_uuid == order_uuid).limit(1)
            ).scalar_one_or_none()
        return check_id

    # ----- the engine's port ------------------------------------------------------------------

    def save(
        self,
        record: CheckRecord,
        new_events: Sequence[JournalEvent],
        codes: Mapping[str, str] | None = None,
    ) -> None:
        if codes:
            self._codes()  # refused before anything is written
        now = datetime.now(UTC)
        totals = record.check.totals
        snapshot = dump_record(record)
        unsettled = record.state.takes_payments or bool(record.unsettled or record.watched)
        check_row = {
            "id": record.check_id,
            "identifier": record.check.identifier,
            "state": record.state.value,
            "opened_at": record.opened_at,
            "closed_at": record.closed_at,
            "grand_total": totals.grand_total,
            "balance_due": totals.balance_due,
            "unsettled": int(unsettled),
            "snapshot": snapshot,
            "updated_at": now,
        }
        with self._lock, self._engine.begin() as connection:
            if new_events:
                connection.execute(
                    insert(events),
                    [
                        {
                            "at": e.at,
                            "terminal_id": self.terminal_id,
                            "check_id": record.check_id,
                            "tender_id": e.tender_id,
                            "kind": e.kind.value,
                            "data": _json(e.data),
                            "changes": dump_changes(e.changes) if e.changes else None,
                        }
                        for e in new_events
                    ],
                )
            connection.execute(_UPSERT_CHECK, check_row)
            tender_rows = [
                {
                    "id": tender.tender_id,
                    "check_id": record.check_id,
                    "kind": tender.kind.value,
                    "status": tender.status.value,
                    "amount": tender.amount,
                    "tip": tender.tip,
                    "order_uuid": tender.levelup.order_uuid if tender.levelup else None,
                    "updated_at": now,
                }
                for tender in record.check.tenders
            ]
            if tender_rows:
                connection.execute(_UPSERT_TENDER, tender_rows)
            for tender_id, code in (codes or {}).items():
                connection.execute(
                    insert(payment_codes).values(
                        tender_id=tender_id,
                        ciphertext=self._codes().encrypt(code.encode()),
                        stored_at=now,
                    )
                )
            final = [t.tender_id for t in record.check.tenders if t.status.is_final]
            if final:
                connection.execute(
                    delete(payment_codes).where(payment_codes.c.tender_id.in_(final))
                )

    def audit(self, event: JournalEvent) -> None:
        """An event of the register itself (check id empty), such as a sign-in."""
        with self._lock, self._engine.begin() as connection:
            self.audit_in(connection, event)

    def audit_in(self, connection: Connection, event: JournalEvent) -> None:
        """:meth:`audit` inside ``connection``'s transaction: committed with what it records."""
        connection.execute(
            insert(events).values(
                at=event.at,
                terminal_id=self.terminal_id,
                check_id="",
                tender_id=None,
                kind=event.kind.value,
                data=_json(event.data),
            )
        )

    def audit_trail(self, kinds: frozenset[EventKind]) -> list[dict[str, Any]]:
        """Every event of these kinds, oldest first (sign-ins, approvals, voids, refunds)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(*_READABLE)
                .where(events.c.kind.in_([k.value for k in kinds]))
                .order_by(events.c.id)
            ).mappings()
            return [_readable(row) for row in rows]

    def events_between(
        self, kinds: frozenset[EventKind], start: datetime, end: datetime
    ) -> list[JournalEvent]:
        return drawer.events_between(self._engine, kinds, start, end)

    def check_events_between(
        self, kinds: frozenset[EventKind], start: datetime, end: datetime
    ) -> list[tuple[str, JournalEvent]]:
        return days.check_events_between(self._engine, kinds, start, end)

    def rows_after(self, after: int, limit: int) -> list[rows.JournalRow]:
        """Up to ``limit`` events after sequence ``after``, as stored, oldest first."""
        return rows.rows_after(self._engine, after, limit)

    def last_seq(self) -> int:
        return rows.last_seq(self._engine)

    def journal_id(self) -> str:
        with self._lock:
            return rows.journal_id(self._engine)

    def first_day_after(self, day: date | None) -> date | None:
        return days.first_day_after(self._engine, day)

    def checks_of_day(self, day: date) -> list[CheckRecord]:
        return days.checks_of_day(self._engine, day, lambda snapshot: _load(self.path, snapshot))

    def load(self, check_id: str) -> CheckRecord | None:
        with self._engine.connect() as connection:
            snapshot = connection.execute(
                select(checks.c.snapshot).where(checks.c.id == check_id)
            ).scalar_one_or_none()
        return None if snapshot is None else _load(self.path, snapshot)

    def unsettled(self) -> list[CheckRecord]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(checks.c.snapshot)
                .where(checks.c.unsettled == 1)
                .order_by(checks.c.opened_at)
            ).scalars()
            return [_load(self.path, snapshot) for snapshot in rows]

    def opened_since(self, since: datetime) -> list[CheckRecord]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(checks.c.snapshot)
                .where(checks.c.opened_at >= since)
                .order_by(checks.c.opened_at.desc())
            ).scalars()
            return [_load(self.path, snapshot) for snapshot in rows]

    def code(self, tender_id: str) -> str | None:
        fernet = self._codes()
        with self._engine.connect() as connection:
            ciphertext = connection.execute(
                select(payment_codes.c.ciphertext).where(payment_codes.c.tender_id == tender_id)
            ).scalar_one_or_none()
        if ciphertext is None:
            return None
        try:
            return fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise JournalUnusable(
                f"The payment codes in {self.path} were stored with another data key: the "
                "secret store does not match this journal."
            ) from None

    def next_identifier(self, business_day: date) -> str:
        """The next check number: above the journal's last one, and above the last one this
        data directory ever issued (``<journal>-numbers``, outside the journal), so that a
        journal restored from a backup the same day never issues a number LevelUp already
        has an order for."""
        with self._lock, writing(self._engine) as connection:
            previous = connection.execute(
                select(counters.c.value).where(counters.c.name == "identifier")
            ).scalar_one_or_none()
            issued = self._issued()
            if issued is not None and (previous is None or issued > previous):
                previous = issued
            identifier = next_identifier(previous, business_day)
            write_atomically(self._numbers, identifier.encode())
            if previous is None:
                connection.execute(insert(counters).values(name="identifier", value=identifier))
            else:
                connection.execute(
                    update(counters).where(counters.c.name == "identifier").values(value=identifier)
                )
            return identifier

    @property
    def _numbers(self) -> Path:
        return self.path.with_name(f"{self.path.name}-numbers")

    def _issued(self) -> str | None:
        """The last number written beside the journal; None when there is none worth
        trusting (not ten digits: a number from it could be anything)."""
        try:
            text = self._numbers.read_bytes()[:16].decode("ascii", "replace").strip()
        except OSError:
            return None
        return text if len(text) == 10 and text.isdigit() else None

    # ----- reading for people -------------------------------------------------------------

    def records(self) -> Iterator[CheckRecord]:
        """Every check, oldest first."""
        with self._engine.connect() as connection:
            for snapshot in connection.execute(
                select(checks.c.snapshot).order_by(checks.c.opened_at)
            ).scalars():
                yield _load(self.path, snapshot)

    def find(self, check: str) -> CheckRecord | None:
        """A check by its id or its ``identifier_from_merchant`` (the newest with it)."""
        with self._engine.connect() as connection:
            snapshot = connection.execute(
                select(checks.c.snapshot)
                .where((checks.c.id == check) | (checks.c.identifier == check))
                .order_by(checks.c.opened_at.desc())
                .limit(1)
            ).scalar_one_or_none()
        return None if snapshot is None else _load(self.path, snapshot)

    def events_of(self, check_id: str) -> list[dict[str, Any]]:
        """A check's events, oldest first, for people: kind, time, tender and facts."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(*_READABLE).where(events.c.check_id == check_id).order_by(events.c.id)
            ).mappings()
            return [_readable(row) for row in rows]

    def event_count(self) -> int:
        with self._engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(events)).scalar_one()

    def _codes(self) -> Fernet:
        if self._fernet is None:
            raise RuntimeError(
                f"{self.path} was opened without its data key: payment codes can be neither "
                "stored nor read (open it with the key from the secret store)."
            )
        return self._fernet


_READABLE = [c for c in events.columns if c.name != "changes"]


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str, separators=(",", ":"))


def _readable(row: Any) -> dict[str, Any]:
    return {**row, "kind": EventKind(row["kind"]), "data": json.loads(row["data"])}


def _upsert(table: Any) -> Any:
    """INSERT … ON CONFLICT (id) DO UPDATE every other column: built once, reused."""
    statement = sqlite_insert(table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name != "id"}
    return statement.on_conflict_do_update(index_elements=["id"], set_=updates)


_UPSERT_CHECK = _upsert(checks)
_UPSERT_TENDER = _upsert(tenders)


def _load(path: Path, snapshot: str) -> CheckRecord:
    try:
        return load_record(snapshot)
    except ValueError as exc:
        raise JournalUnusable(
            f"A check in the journal {path} cannot be read ({exc.__class__.__name__}). The "
            "journal was left as it is; call support before taking payments."
        ) from None
