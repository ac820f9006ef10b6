"""Receipt jobs: receipts to print and to email, journaled before they are done.

A job keeps its receipt document (the receipt as JSON data), so a job queued before a crash
is still done after it. Queueing a job writes its event (``receipt_queued``,
``receipt_email_queued``) in the same transaction, and each move of its state writes the next
(``receipt_printed``, ``receipt_emailed``, ``receipt_email_failed``); the events are the
check's, or the register's (check id ``""``) for a test page or a drawer slip, and change
nothing on the check. They name the job, its kind and copy: never the address or the text.

An email job's address is encrypted with the journal's data key, and erased once the job is
sent, failed or cancelled: it is kept only as long as sending needs it. A journal opened
without its data key can neither queue nor send email.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Connection, Table, insert, select, update

from pos_app.engine.eventlog import EventKind
from pos_app.journal.opening import JournalUnusable
from pos_app.journal.schema import email_jobs, events, print_jobs
from pos_app.journal.store import SqliteJournal


class JobState(StrEnum):
    QUEUED = "queued"
    PRINTED = "printed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


PRINT_MOVES: Mapping[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.PRINTED, JobState.CANCELLED}),
}
"""Where a print job may go from each state (a state missing here is final)."""

EMAIL_MOVES: Mapping[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.SENT, JobState.FAILED, JobState.CANCELLED}),
}

_DONE = {
    JobState.PRINTED: "printed",
    JobState.SENT: "sent",
    JobState.FAILED: "given up",
    JobState.CANCELLED: "cancelled",
}
_ERASED = "the customer's address"


class IllegalMove(ValueError):
    """A job asked to move where its state does not go (nothing was written)."""


@dataclass(frozen=True)
class PrintJob:
    id: int
    check_id: str
    """The receipt's check, or ``""`` for a test page or a drawer slip."""
    kind: str
    copy: str
    document: dict[str, Any]
    state: JobState
    created_at: datetime
    printed_at: datetime | None
    attempts: int
    last_problem: str


@dataclass(frozen=True)
class EmailJob:
    """An email job; its address is read, while it is kept, with :meth:`ReceiptJobs.address`."""

    id: int
    check_id: str
    kind: str
    document: dict[str, Any]
    state: JobState
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_problem: str
    next_try_at: datetime


_Job = TypeVar("_Job", PrintJob, EmailJob)


class ReceiptJobs:
    """The receipt jobs of a journal, in its database. Thread-safe."""

    def __init__(
        self, journal: SqliteJournal, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._database = journal.database
        self._path = journal.path
        self._terminal_id = journal.terminal_id
        self._clock = clock
        # The journal's own cipher and write lock: its engine holds one connection for every
        # thread, so nothing may use it while another thread's transaction is open.
        self._cipher: Fernet | None = journal.cipher
        self._lock = journal.writing

    # ----- printing -----------------------------------------------------------------------

    def queue_print(
        self, check_id: str, kind: str, copy: str, document: dict[str, Any]
    ) -> PrintJob:
        """Journal a receipt to print (and its ``receipt_queued`` event), before printing."""
        kind, copy, now = _word(kind, "kind"), _word(copy, "copy"), self._clock()
        values = {
            "check_id": check_id,
            "kind": kind,
            "copy": copy,
            "document": _document(document),
            "state": JobState.QUEUED.value,
            "created_at": now,
            "printed_at": None,
            "attempts": 0,
            "last_problem": "",
        }
        with self._lock, self._database.begin() as connection:
            job_id = connection.execute(
                insert(print_jobs).values(values).returning(print_jobs.c.id)
            ).scalar_one()
            self._event(connection, EventKind.RECEIPT_QUEUED, check_id, now, job_id, kind, copy)
        return self.print_job(job_id)

    def print_job(self, job_id: int) -> PrintJob:
        return _job(PrintJob, self._row(print_jobs, job_id))

    def pending_prints(self) -> list[PrintJob]:
        """The print jobs still queued, oldest first."""
        return [_job(PrintJob, row) for row in self._queued(print_jobs, (print_jobs.c.id,))]

    def jobs_of(self, check_id: str) -> list[PrintJob]:
        """A check's print jobs, oldest first (what History shows as printed or waiting)."""
        return [_job(PrintJob, row) for row in self._of(print_jobs, check_id)]

    def mark_printed(self, job_id: int) -> None:
        """The printer took the whole receipt: ``receipt_printed``, once per job."""
        self._move(print_jobs, PRINT_MOVES, job_id, JobState.PRINTED, EventKind.RECEIPT_PRINTED)

    def note_print_problem(self, job_id: int, problem: str) -> None:
        """A try that failed (the job stays queued): counted, with its problem in words."""
        self._note(print_jobs, job_id, problem, {})

    def cancel(self, job_id: int) -> None:
        """Print job ``job_id`` will not be printed."""
        self._move(print_jobs, PRINT_MOVES, job_id, JobState.CANCELLED, None)

    # ----- email --------------------------------------------------------------------------

    def queue_email(
        self, check_id: str, kind: str, document: dict[str, Any], address: str
    ) -> EmailJob:
        """Journal a receipt to email to ``address`` (kept encrypted until the job is done)."""
        if not address.strip():
            raise ValueError("A receipt is emailed to an address: none was given.")
        secret = self._encrypting().encrypt(address.encode())
        kind, now = _word(kind, "kind"), self._clock()
        values = {
            "check_id": check_id,
            "kind": kind,
            "document": _document(document),
            "address": secret,
            "state": JobState.QUEUED.value,
            "created_at": now,
            "sent_at": None,
            "attempts": 0,
            "last_problem": "",
            "next_try_at": now,
        }
        with self._lock, self._database.begin() as connection:
            job_id = connection.execute(
                insert(email_jobs).values(values).returning(email_jobs.c.id)
            ).scalar_one()
            self._event(connection, EventKind.RECEIPT_EMAIL_QUEUED, check_id, now, job_id, kind)
        return self.email_job(job_id)

    def email_job(self, job_id: int) -> EmailJob:
        return _job(EmailJob, self._row(email_jobs, job_id))

    def pending_emails(self, now: datetime | None = None) -> list[EmailJob]:
        """The email jobs still queued (due by ``now``, when given), soonest first."""
        due = None if now is None else email_jobs.c.next_try_at <= now
        return [
            _job(EmailJob, row)
            for row in self._queued(email_jobs, (email_jobs.c.next_try_at, email_jobs.c.id), due)
        ]

    def emails_of(self, check_id: str) -> list[EmailJob]:
        return [_job(EmailJob, row) for row in self._of(email_jobs, check_id)]

    def address(self, job_id: int) -> str:
        """The address email job ``job_id`` goes to, while it is queued."""
        secret = self._row(email_jobs, job_id)["address"]
        if secret is None:
            raise IllegalMove(f"Email job {job_id} is done: its address was erased.")
        return self._decrypted(secret)

    def mark_sent(self, job_id: int) -> None:
        """The mail server took the receipt: ``receipt_emailed``, and the address is erased."""
        self._move(email_jobs, EMAIL_MOVES, job_id, JobState.SENT, EventKind.RECEIPT_EMAILED)

    def note_email_problem(self, job_id: int, problem: str, retry_at: datetime) -> None:
        """A try that failed for now: counted, its problem kept, the next try at ``retry_at``."""
        self._note(email_jobs, job_id, self._masked(job_id, problem), {"next_try_at": retry_at})

    def mark_failed(self, job_id: int, reason: str) -> None:
        """Given up: ``receipt_email_failed`` with ``reason`` (plain words), address erased."""
        reason = self._masked(job_id, reason)
        self._move(
            email_jobs, EMAIL_MOVES, job_id, JobState.FAILED, EventKind.RECEIPT_EMAIL_FAILED,
            {"last_problem": reason}, reason=reason,
        )  # fmt: skip

    def cancel_email(self, job_id: int) -> None:
        self._move(email_jobs, EMAIL_MOVES, job_id, JobState.CANCELLED, None)

    # ----- the parts ----------------------------------------------------------------------

    def _encrypting(self) -> Fernet:
        if self._cipher is None:
            raise RuntimeError(
                f"{self._path} was opened without its data key: receipts can be neither "
                "queued nor sent by email (open it with the key from the secret store)."
            )
        return self._cipher

    def _decrypted(self, secret: bytes) -> str:
        try:
            return self._encrypting().decrypt(secret).decode()
        except InvalidToken:
            raise JournalUnusable(
                f"The email addresses in {self._path} were stored with another data key: the "
                "secret store does not match this journal."
            ) from None

    def _masked(self, job_id: int, text: str) -> str:
        """``text`` without the job's address in it (a server's reply may quote it)."""
        secret = self._row(email_jobs, job_id)["address"]
        if secret is None or self._cipher is None:
            return text
        return re.sub(re.escape(self._decrypted(secret)), _ERASED, text, flags=re.IGNORECASE)

    def _row(self, table: Table, job_id: int) -> Any:
        with self._lock, self._database.connect() as connection:
            row = connection.execute(select(table).where(table.c.id == job_id)).mappings().first()
        if row is None:
            raise LookupError(f"There is no {_noun(table).lower()} {job_id}.")
        return row

    def _of(self, table: Table, check_id: str) -> list[Any]:
        query = select(table).where(table.c.check_id == check_id).order_by(table.c.id)
        with self._lock, self._database.connect() as connection:
            return list(connection.execute(query).mappings())

    def _queued(self, table: Table, order: tuple[Any, ...], due: Any = None) -> list[Any]:
        query = select(table).where(table.c.state == JobState.QUEUED.value)
        if due is not None:
            query = query.where(due)
        with self._lock, self._database.connect() as connection:
            return list(connection.execute(query.order_by(*order)).mappings())

    def _move(
        self,
        table: Table,
        moves: Mapping[JobState, frozenset[JobState]],
        job_id: int,
        to: JobState,
        kind: EventKind | None,
        values: Mapping[str, Any] | None = None,
        **data: Any,
    ) -> None:
        at = self._clock()
        with self._lock, self._database.begin() as connection:
            row = connection.execute(select(table).where(table.c.id == job_id)).mappings().first()
            if row is None:
                raise LookupError(f"There is no {_noun(table).lower()} {job_id}.")
            state = JobState(row["state"])
            if to not in moves.get(state, frozenset()):
                raise IllegalMove(
                    f"{_noun(table)} {job_id} is {state.value}: it cannot be {_DONE[to]}."
                )
            connection.execute(
                update(table)
                .where(table.c.id == job_id)
                .values(state=to.value, **_ended(table, to, at), **(values or {}))
            )
            if kind is not None:
                copy = row.get("copy")
                self._event(connection, kind, row["check_id"], at, job_id, row["kind"], copy, data)

    def _note(self, table: Table, job_id: int, problem: str, values: dict[str, Any]) -> None:
        with self._lock, self._database.begin() as connection:
            done = connection.execute(
                update(table)
                .where((table.c.id == job_id) & (table.c.state == JobState.QUEUED.value))
                .values(attempts=table.c.attempts + 1, last_problem=problem, **values)
            ).rowcount
        if not done:
            state = JobState(self._row(table, job_id)["state"]).value
            raise IllegalMove(f"{_noun(table)} {job_id} is {state}: it is not tried again.")

    def _event(
        self,
        connection: Connection,
        kind: EventKind,
        check_id: str,
        at: datetime,
        job_id: int,
        receipt_kind: str,
        copy: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        data: dict[str, Any] = {"job": job_id, "kind": receipt_kind}
        if copy is not None:
            data["copy"] = copy
        data.update(extra or {})
        connection.execute(
            insert(events).values(
                at=at,
                terminal_id=self._terminal_id,
                check_id=check_id,
                tender_id=None,
                kind=kind.value,
                data=json.dumps(data, separators=(",", ":")),
                changes=None,
            )
        )


def _ended(table: Table, to: JobState, at: datetime) -> dict[str, Any]:
    """A job's columns as it ends: when it was printed or sent; an email's address erased."""
    if table is print_jobs:
        return {"printed_at": at} if to is JobState.PRINTED else {}
    return {"address": None, "sent_at": at if to is JobState.SENT else None}


def _noun(table: Table) -> str:
    return "Print job" if table is print_jobs else "Email job"


def _word(value: str, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 16:
        raise ValueError(f"A receipt job's {what} is a short word, not {value!r}.")
    return str(value)


def _document(document: dict[str, Any]) -> str:
    if not isinstance(document, dict):
        raise ValueError("A receipt job keeps its receipt as data (a dict).")
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _job(kind: type[_Job], row: Any) -> _Job:
    names = {f.name for f in fields(kind)}
    values = {name: value for name, value in row.items() if name in names}
    values.update(document=json.loads(row["document"]), state=JobState(row["state"]))
    return kind(**values)
