"""The staff directory, kept in the journal's database: add, list, disable, verify a PIN.

Implements the engine's :class:`~pos_app.engine.staff.StaffDirectory`. Wrong PINs count; after
:data:`~pos_app.engine.staff.MAX_FAILURES` in a row the member is locked out for
:data:`~pos_app.engine.staff.LOCKOUT`. A right PIN clears the count.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from pos_app.engine.eventlog import JournalEvent
from pos_app.engine.staff import (
    LOCKOUT,
    MAX_FAILURES,
    AccessDenied,
    Role,
    StaffMember,
    hash_pin,
    pin_matches,
)
from pos_app.journal.opening import writing
from pos_app.journal.schema import staff
from pos_app.journal.store import SqliteJournal

_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
_NOBODY = "That staff id cannot sign in here."  # the same for unknown and disabled ids


def check_new_member(staff_id: str, name: str) -> None:
    """Raise ValueError unless ``staff_id`` and ``name`` may be a new member's."""
    if not _ID.fullmatch(staff_id):
        raise ValueError("A staff id is 1 to 32 lower-case letters, digits, '.', '_' or '-'.")
    if not name.strip():
        raise ValueError("A staff member needs a name.")


@dataclass(frozen=True)
class StaffRecord:
    """A member as it travels between a register and the store server: the PIN's hash,
    never the PIN."""

    staff_id: str
    name: str
    role: Role
    pin_hash: str
    active: bool = True

    def __repr__(self) -> str:  # the hash stays out of logs and tracebacks
        return f"StaffRecord({self.staff_id!r}, {self.name!r}, {self.role.value}, {self.active})"


class SqliteStaff:
    def __init__(
        self, journal: SqliteJournal, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._journal = journal
        self._database = journal.database
        self._writing = journal.writing
        self._clock = clock
        # Serialises PIN checks in this process; the count itself is also incremented in SQL,
        # so guesses from another process cannot overwrite each other's count either.
        self._verifying = threading.Lock()
        # An unknown id is checked against this so it takes as long as a known one.
        self._decoy = hash_pin("0000")

    def add(
        self, staff_id: str, name: str, role: Role, pin: str, audit: JournalEvent | None = None
    ) -> StaffMember:
        """Add a member; ``audit``, the change's audit event, is committed with it."""
        check_new_member(staff_id, name)
        with self._database.begin() as connection:
            if audit is not None:
                self._journal.audit_in(connection, audit)
            if connection.execute(select(staff.c.id).where(staff.c.id == staff_id)).first():
                raise ValueError(f"There is already a staff member {staff_id}.")
            connection.execute(
                insert(staff).values(
                    id=staff_id,
                    name=name.strip(),
                    role=Role(role).value,
                    pin_hash=hash_pin(pin),
                    active=1,
                    failures=0,
                    locked_until=None,
                    created_at=self._clock(),
                )
            )
        return StaffMember(staff_id, name.strip(), Role(role))

    def members(self) -> list[StaffMember]:
        with self._database.connect() as connection:
            rows = connection.execute(select(staff).order_by(staff.c.id)).mappings().all()
        return [StaffMember(r["id"], r["name"], Role(r["role"]), bool(r["active"])) for r in rows]

    def records(self) -> list[StaffRecord]:
        """Every member with the PIN's hash (to copy them to the store server)."""
        with self._database.connect() as connection:
            rows = connection.execute(select(staff).order_by(staff.c.id)).mappings().all()
        return [
            StaffRecord(r["id"], r["name"], Role(r["role"]), r["pin_hash"], bool(r["active"]))
            for r in rows
        ]

    def put_records(self, records: Iterable[StaffRecord], *, disable_others: bool) -> int:
        """Take ``records`` (from the store server) in one transaction: new members are added,
        known ones get the name, role, PIN hash and state given (their lockout stays); with
        ``disable_others``, members not among them can no longer sign in. How many rows
        changed."""
        given = {record.staff_id: record for record in records}
        changed = 0
        with self._writing, self._database.begin() as connection:
            held = {
                row["id"]: row
                for row in connection.execute(
                    select(staff.c.id, staff.c.name, staff.c.role, staff.c.pin_hash, staff.c.active)
                ).mappings()
            }
            for staff_id, record in given.items():
                values = {
                    "name": record.name,
                    "role": Role(record.role).value,
                    "pin_hash": record.pin_hash,
                    "active": int(record.active),
                }
                row = held.get(staff_id)
                if row is None:
                    connection.execute(
                        insert(staff).values(
                            id=staff_id,
                            failures=0,
                            locked_until=None,
                            created_at=self._clock(),
                            **values,
                        )
                    )
                elif any(row[name] != value for name, value in values.items()):
                    connection.execute(update(staff).where(staff.c.id == staff_id).values(values))
                else:
                    continue
                changed += 1
            if disable_others:
                others = [i for i, row in held.items() if i not in given and row["active"]]
                if others:
                    connection.execute(update(staff).where(staff.c.id.in_(others)).values(active=0))
                changed += len(others)
        return changed

    def disable(self, staff_id: str, audit: JournalEvent | None = None) -> None:
        """Stop a member's sign-in; ``audit`` is committed with it."""
        with self._database.begin() as connection:
            done = connection.execute(
                update(staff).where(staff.c.id == staff_id).values(active=0)
            ).rowcount
            if not done:
                raise ValueError(f"There is no staff member {staff_id}.")
            if audit is not None:
                self._journal.audit_in(connection, audit)

    def verify(self, staff_id: str, pin: str) -> StaffMember:
        with self._verifying:
            return self._verify(staff_id, pin)

    def _verify(self, staff_id: str, pin: str) -> StaffMember:
        now = self._clock()
        refusal: str | None = None
        # The count of wrong PINs is committed before the refusal is raised (raising inside
        # the transaction would roll it back, and nobody would ever be locked out). The write
        # lock is held from the read: a guess from another process waits, then sees this one.
        with writing(self._database) as connection:
            row = connection.execute(select(staff).where(staff.c.id == staff_id)).mappings().first()
            if row is None or not row["active"]:
                pin_matches(pin, self._decoy)
                refusal = _NOBODY
            elif row["locked_until"] is not None and now < row["locked_until"]:
                minutes = max(1, int((row["locked_until"] - now).total_seconds() // 60) + 1)
                refusal = (
                    f"{row['name']} is locked out after too many wrong PINs; try again in "
                    f"{minutes} minute(s) or ask an administrator."
                )
            elif not pin_matches(pin, row["pin_hash"]):
                failures = connection.execute(
                    update(staff)
                    .where(staff.c.id == staff_id)
                    .values(failures=staff.c.failures + 1)
                    .returning(staff.c.failures)
                ).scalar_one()
                locked = now + LOCKOUT if failures >= MAX_FAILURES else None
                if locked:
                    connection.execute(
                        update(staff)
                        .where(staff.c.id == staff_id)
                        .values(failures=0, locked_until=locked)
                    )
                left = MAX_FAILURES - failures
                refusal = "Wrong PIN."
                if locked:
                    refusal += " Locked for 5 minutes."
                elif left <= 2:
                    refusal += f" {left} more and it locks."
            elif row["failures"] or row["locked_until"] is not None:
                connection.execute(
                    update(staff)
                    .where(staff.c.id == staff_id)
                    .values(failures=0, locked_until=None)
                )
        if refusal is not None or row is None:
            raise AccessDenied(refusal or _NOBODY, known=row is not None)
        return StaffMember(row["id"], row["name"], Role(row["role"]), True)
