"""Staff, the catalog and store-wide settings as the store server keeps them for every register
of a location, and the audit of who changed them.

Every change is one transaction that also writes its ``audit`` row (who: the admin's
``Name (id)``; what; the data, never a PIN or its hash), with changes to one location made one
at a time. An admin is checked against the server's own PIN hashes; wrong PINs are audited, and
after :data:`~pos_app.engine.staff.MAX_FAILURES` of them within
:data:`~pos_app.engine.staff.LOCKOUT` that admin is refused until the lockout has passed.

An empty server has no admin to ask: the first ones come with :func:`import_staff`, approved
by an admin of the register whose staff is imported (checked by that register's own directory).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeAlias

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pos_app.engine.staff import (
    LOCKOUT,
    MAX_FAILURES,
    AccessDenied,
    Role,
    StaffDirectory,
    StaffMember,
    hash_pin,
    pin_matches,
)
from pos_app.host.settings import check_store_setting
from pos_app.journal.staff import StaffRecord, check_new_member
from pos_app.store.database import describe
from pos_app.store.schema import audit, catalog, staff, store_settings

Database: TypeAlias = Engine
"""The store server, as callers outside the store package (which load no SQLAlchemy) name it."""
REFUSED = "admin refused"
"""The audit's ``what`` for a wrong or unusable admin PIN."""
_NOBODY = "That staff id is no admin of this store."


@dataclass(frozen=True)
class AdminPin:
    """Who approves a change: an admin's id and the PIN they typed (never shown)."""

    staff_id: str
    pin: str = field(repr=False)


@dataclass(frozen=True)
class CatalogCopy:
    version: int
    document: str
    changed_at: datetime


@dataclass(frozen=True)
class SharedCopy:
    """What a register takes from the server for its location."""

    staff: tuple[StaffRecord, ...]
    catalog: CatalogCopy | None
    settings: dict[str, str]


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    what: str
    data: dict[str, Any]


@dataclass
class _Change:
    connection: Connection
    admin: StaffMember
    data: dict[str, Any] = field(default_factory=dict)
    """What the audit row says of the change."""


def add_staff(
    database: Engine, location_id: int, admin: AdminPin, member: StaffMember, pin: str
) -> StaffMember:
    """Add ``member`` with ``pin`` (only its hash is kept)."""
    check_new_member(member.staff_id, member.name)
    pin_hash = hash_pin(pin)
    with _changing(database, location_id, admin, "staff add") as change:
        if _staff_row(change.connection, location_id, member.staff_id) is not None:
            raise ValueError(f"There is already a staff member {member.staff_id}.")
        _put_staff(change.connection, location_id, _record(member, pin_hash))
        change.data.update(staff_id=member.staff_id, name=member.name, role=member.role.value)
    return member


def disable_staff(database: Engine, location_id: int, admin: AdminPin, staff_id: str) -> None:
    """Stop ``staff_id`` signing in at every register (the last active admin stays)."""
    with _changing(database, location_id, admin, "staff disable") as change:
        row = _staff_row(change.connection, location_id, staff_id)
        if row is None:
            raise ValueError(f"There is no staff member {staff_id}.")
        if (
            row["role"] == Role.ADMIN
            and row["active"]
            and _admins(change.connection, location_id) < 2
        ):
            raise ValueError(f"{row['name']} is the store's last admin: add another one first.")
        change.connection.execute(
            staff.update()
            .where(staff.c.location_id == location_id, staff.c.staff_id == staff_id)
            .values(active=0, changed_at=datetime.now(UTC))
        )
        change.data.update(staff_id=staff_id)


def import_staff(
    database: Engine,
    location_id: int,
    admin: AdminPin,
    records: Sequence[StaffRecord],
    register: StaffDirectory,
) -> tuple[list[str], list[str]]:
    """Copy a register's staff (``records``, with their hashes) to the server: the ids added,
    and those the server had already (kept as the server has them). While the server has no
    admin, ``admin`` is checked by the ``register``'s own directory, and must be an admin
    there; afterwards by the server."""
    with _changing(database, location_id, admin, "staff import", register=register) as change:
        held = {
            staff_id
            for (staff_id,) in change.connection.execute(
                select(staff.c.staff_id).where(staff.c.location_id == location_id)
            )
        }
        added = [record.staff_id for record in records if record.staff_id not in held]
        for record in records:
            if record.staff_id in added:
                _put_staff(change.connection, location_id, record)
        kept = sorted({record.staff_id for record in records} & held)
        change.data.update(added=added, kept=kept)
    return added, kept


def put_catalog(database: Engine, location_id: int, admin: AdminPin, document: str) -> int:
    """Make ``document`` (a catalog file's text, already checked as the register checks its
    own) the location's catalog; its version (one more than the last)."""
    with _changing(database, location_id, admin, "catalog put") as change:
        last = change.connection.execute(
            select(catalog.c.version).where(catalog.c.location_id == location_id)
        ).scalar()
        version = int(last or 0) + 1
        upsert = insert(catalog).values(
            location_id=location_id,
            version=version,
            document=document,
            changed_at=datetime.now(UTC),
        )
        change.connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["location_id"],
                set_={
                    name: upsert.excluded[name] for name in ("version", "document", "changed_at")
                },
            )
        )
        change.data.update(version=version, characters=len(document))
    return version


def set_setting(
    database: Engine, location_id: int, admin: AdminPin, key: str, value: str | None
) -> None:
    """Set the store-wide ``key`` to ``value`` for every register (None: the store sets it
    no more). Raises :class:`~pos_app.host.settings.SettingsError` for a key that is not
    store-wide or a value it cannot take."""
    if value is not None:
        check_store_setting(key, value)
    what = "settings set" if value is not None else "settings unset"
    with _changing(database, location_id, admin, what) as change:
        where = (store_settings.c.location_id == location_id, store_settings.c.key == key)
        was = change.connection.execute(select(store_settings.c.value).where(*where)).scalar()
        change.connection.execute(store_settings.delete().where(*where))
        if value is not None:
            change.connection.execute(
                store_settings.insert().values(
                    location_id=location_id, key=key, value=value, changed_at=datetime.now(UTC)
                )
            )
        change.data.update(key=key, value=value, was=was)


def shared_copy(database: Engine, location_id: int) -> SharedCopy:
    """Everything a register of ``location_id`` takes from the server, read at one moment."""
    try:
        with database.connect() as connection:
            rows = connection.execute(
                select(staff).where(staff.c.location_id == location_id).order_by(staff.c.staff_id)
            ).mappings()
            members = tuple(
                StaffRecord(
                    r["staff_id"], r["name"], Role(r["role"]), r["pin_hash"], bool(r["active"])
                )
                for r in rows
            )
            found = connection.execute(
                select(catalog.c.version, catalog.c.document, catalog.c.changed_at).where(
                    catalog.c.location_id == location_id
                )
            ).first()
            settings = {
                str(key): str(value)
                for key, value in connection.execute(
                    select(store_settings.c.key, store_settings.c.value).where(
                        store_settings.c.location_id == location_id
                    )
                )
            }
    except DBAPIError as error:
        raise describe(error, database.url) from None
    return SharedCopy(members, None if found is None else CatalogCopy(*found), settings)


def audit_entries(database: Engine, location_id: int, limit: int = 100) -> list[AuditEntry]:
    """The location's latest changes and refusals, newest first."""
    try:
        with database.connect() as connection:
            rows = connection.execute(
                select(audit.c.at, audit.c.who, audit.c.what, audit.c.data)
                .where(audit.c.location_id == location_id)
                .order_by(audit.c.id.desc())
                .limit(limit)
            )
            return [AuditEntry(*row) for row in rows]
    except DBAPIError as error:
        raise describe(error, database.url) from None


@contextmanager
def _changing(
    database: Engine,
    location_id: int,
    admin: AdminPin,
    what: str,
    *,
    register: StaffDirectory | None = None,
) -> Iterator[_Change]:
    """One transaction: ``admin`` checked, the change made, its audit row written."""
    try:
        with database.begin() as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(7265731, :id)"), {"id": location_id}
            )
            member = _approving(connection, location_id, admin, register)
            change = _Change(connection, member)
            yield change
            _audit(connection, location_id, member.label, what, change.data)
    except AccessDenied as refusal:
        _refused(database, location_id, admin, what, refusal)
        raise
    except DBAPIError as error:
        raise describe(error, database.url) from None


def _approving(
    connection: Connection, location_id: int, admin: AdminPin, register: StaffDirectory | None
) -> StaffMember:
    if not _admins(connection, location_id):
        if register is None:
            raise AccessDenied(
                "The store server has no admin yet: import a register's staff first "
                "(levelup-pos store staff import --admin ID)."
            )
        member = register.verify(admin.staff_id, admin.pin)
        if member.role is not Role.ADMIN:
            raise AccessDenied(f"{member.label} is no admin at this register.")
        return member
    row = _staff_row(connection, location_id, admin.staff_id)
    if row is None or not row["active"] or row["role"] != Role.ADMIN:
        pin_matches(admin.pin, _decoy())  # as long as a real check
        raise AccessDenied(_NOBODY, known=row is not None)
    label = f"{row['name']} ({row['staff_id']})"
    recent = connection.execute(
        select(func.count()).where(
            audit.c.location_id == location_id,
            audit.c.what == REFUSED,
            audit.c.who == label,
            audit.c.at > datetime.now(UTC) - LOCKOUT,
        )
    ).scalar_one()
    if recent >= MAX_FAILURES:
        raise AccessDenied(f"{label} is locked out after too many wrong PINs; try again later.")
    if not pin_matches(admin.pin, row["pin_hash"]):
        raise AccessDenied("Wrong PIN.")
    return StaffMember(row["staff_id"], row["name"], Role.ADMIN)


def _refused(
    database: Engine, location_id: int, admin: AdminPin, what: str, refusal: AccessDenied
) -> None:
    try:
        with database.begin() as connection:
            row = _staff_row(connection, location_id, admin.staff_id)
            who = "(unknown id)" if row is None else f"{row['name']} ({row['staff_id']})"
            _audit(connection, location_id, who, REFUSED, {"for": what, "why": str(refusal)})
    except DBAPIError as error:
        raise describe(error, database.url) from None


def _audit(
    connection: Connection, location_id: int, who: str, what: str, data: dict[str, Any]
) -> None:
    connection.execute(
        audit.insert().values(
            at=datetime.now(UTC), location_id=location_id, who=who, what=what, data=data
        )
    )


def _admins(connection: Connection, location_id: int) -> int:
    return int(
        connection.execute(
            select(func.count()).where(
                staff.c.location_id == location_id,
                staff.c.role == Role.ADMIN.value,
                staff.c.active == 1,
            )
        ).scalar_one()
    )


def _staff_row(connection: Connection, location_id: int, staff_id: str) -> Any:
    return (
        connection.execute(
            select(staff).where(staff.c.location_id == location_id, staff.c.staff_id == staff_id)
        )
        .mappings()
        .first()
    )


def _put_staff(connection: Connection, location_id: int, record: StaffRecord) -> None:
    connection.execute(
        staff.insert().values(
            location_id=location_id,
            staff_id=record.staff_id,
            name=record.name,
            role=Role(record.role).value,
            pin_hash=record.pin_hash,
            active=int(record.active),
            changed_at=datetime.now(UTC),
        )
    )


def _record(member: StaffMember, pin_hash: str) -> StaffRecord:
    return StaffRecord(member.staff_id, member.name.strip(), member.role, pin_hash, member.active)


@cache
def _decoy() -> str:
    return hash_pin("0000")
