"""Receipt jobs in the journal: journaled before they are done, moved only where they may go,
email addresses encrypted at rest and erased once the job is done."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet

from pos_app.domain import Check, LineItem
from pos_app.engine import CheckRecord, CheckState, EventKind, JournalEvent
from pos_app.engine.eventlog import Changes
from pos_app.journal import SqliteJournal
from pos_app.journal.receipts import (
    EMAIL_MOVES,
    PRINT_MOVES,
    IllegalMove,
    JobState,
    ReceiptJobs,
)
from pos_app.journal.schema import metadata
from pos_app.journal.verify import verify
from tests.journal.test_store import FIXTURES, V1_KEY
from tests.journal.test_verify import V2_KEY

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
ADDRESS = "Ada.Lovelace@Example.com"
DOCUMENT = {"kind": "sale", "lines": ["LUNCH SPECIAL-4471   $10.00"]}


@pytest.fixture
def journal(tmp_path):
    opened = SqliteJournal(tmp_path / "journal.sqlite3", Fernet.generate_key(), "3")
    yield opened
    opened.close()


@pytest.fixture
def jobs(journal):
    return ReceiptJobs(journal, clock=lambda: AT)


def saved_check(journal, check_id="c1"):
    """A check as the engine stores it: its first event carries the whole of it."""
    record = CheckRecord(
        check_id, Check("2611230001").add_item(LineItem("Lunch", 1000)), CheckState.OPEN, AT
    )
    event = JournalEvent(EventKind.CHECK_OPENED, AT, changes=Changes(record=record))
    journal.save(record, [event])
    return record


def journal_bytes(journal):
    return b"".join(p.read_bytes() for p in journal.path.parent.glob(journal.path.name + "*"))


def test_a_queued_receipt_is_journaled_before_it_is_printed(journal, jobs):
    saved_check(journal)
    first = jobs.queue_print("c1", "sale", "customer", DOCUMENT)
    second = jobs.queue_print("c1", "sale", "merchant", DOCUMENT)
    assert first.state is JobState.QUEUED
    assert first.document == DOCUMENT
    assert [job.id for job in jobs.pending_prints()] == [first.id, second.id]
    [opened, queued, _] = journal.events_of("c1")
    assert opened["kind"] is EventKind.CHECK_OPENED
    assert queued["kind"] is EventKind.RECEIPT_QUEUED
    assert queued["data"] == {"job": first.id, "kind": "sale", "copy": "customer"}
    assert queued["terminal_id"] == "3"
    assert "4471" not in json.dumps([e["data"] for e in journal.events_of("c1")])

    jobs.mark_printed(first.id)
    printed = jobs.print_job(first.id)
    assert printed.state is JobState.PRINTED
    assert printed.printed_at == AT
    assert journal.events_of("c1")[-1]["kind"] is EventKind.RECEIPT_PRINTED
    assert journal.events_of("c1")[-1]["data"] == queued["data"]
    assert [job.id for job in jobs.pending_prints()] == [second.id]
    assert [job.copy for job in jobs.jobs_of("c1")] == ["customer", "merchant"]
    assert verify(journal).as_json() == {"checks": 1, "events": 4, "mismatches": 0}


def test_a_printed_job_is_never_printed_again_and_a_refused_move_writes_nothing(journal, jobs):
    saved_check(journal)
    job = jobs.queue_print("c1", "sale", "customer", DOCUMENT)
    jobs.mark_printed(job.id)
    count = journal.event_count()
    with pytest.raises(IllegalMove, match=f"Print job {job.id} is printed: it cannot be printed"):
        jobs.mark_printed(job.id)
    with pytest.raises(IllegalMove, match="cannot be cancelled"):
        jobs.cancel(job.id)
    with pytest.raises(IllegalMove, match="is not tried again"):
        jobs.note_print_problem(job.id, "The printer is off.")
    assert journal.event_count() == count
    assert jobs.print_job(job.id).state is JobState.PRINTED
    with pytest.raises(LookupError, match="no print job 99"):
        jobs.mark_printed(99)


@pytest.mark.parametrize(("moves", "final"), [(PRINT_MOVES, 3), (EMAIL_MOVES, 4)])
def test_only_a_queued_job_moves(moves, final):
    assert set(moves) == {JobState.QUEUED}
    assert len(moves[JobState.QUEUED]) + 1 == final
    assert JobState.QUEUED not in moves[JobState.QUEUED]


def test_a_print_problem_is_counted_and_the_job_stays_queued(jobs):
    job = jobs.queue_print("", "test", "customer", DOCUMENT)
    jobs.note_print_problem(job.id, "The printer at 127.0.0.1:9100 is out of paper.")
    jobs.note_print_problem(job.id, "The printer at 127.0.0.1:9100 is off.")
    [waiting] = jobs.pending_prints()
    assert waiting.attempts == 2
    assert waiting.last_problem == "The printer at 127.0.0.1:9100 is off."
    jobs.cancel(job.id)
    assert jobs.pending_prints() == []
    assert jobs.print_job(job.id).state is JobState.CANCELLED
    assert jobs.print_job(job.id).printed_at is None


def test_a_test_page_is_the_registers_own_and_verify_still_agrees(journal, jobs):
    saved_check(journal)
    page = jobs.queue_print("", "test", "customer", DOCUMENT)
    jobs.mark_printed(page.id)
    sale = jobs.queue_print("c1", "sale", "customer", DOCUMENT)
    jobs.mark_printed(sale.id)
    mail = jobs.queue_email("c1", "sale", DOCUMENT, ADDRESS)
    jobs.mark_sent(mail.id)
    register = [e["kind"] for e in journal.events_of("")]
    assert register == [EventKind.RECEIPT_QUEUED, EventKind.RECEIPT_PRINTED]
    assert verify(journal).as_json() == {"checks": 1, "events": 5, "mismatches": 0}


def test_an_email_address_is_encrypted_at_rest_and_erased_once_sent(journal, jobs):
    saved_check(journal)
    job = jobs.queue_email("c1", "sale", DOCUMENT, ADDRESS)
    assert jobs.address(job.id) == ADDRESS
    assert ADDRESS.encode() not in journal_bytes(journal)
    assert b"Lovelace" not in journal_bytes(journal)
    queued = journal.events_of("c1")[-1]
    assert queued["kind"] is EventKind.RECEIPT_EMAIL_QUEUED
    assert queued["data"] == {"job": job.id, "kind": "sale"}
    jobs.mark_sent(job.id)
    sent = jobs.email_job(job.id)
    assert (sent.state, sent.sent_at) == (JobState.SENT, AT)
    assert journal.events_of("c1")[-1]["kind"] is EventKind.RECEIPT_EMAILED
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT address FROM email_jobs").fetchall() == [(None,)]
    with pytest.raises(IllegalMove, match="address was erased"):
        jobs.address(job.id)
    with pytest.raises(IllegalMove, match="is sent: it cannot be given up"):
        jobs.mark_failed(job.id, "too late")


def test_a_failed_email_says_why_without_the_address_and_erases_it(journal, jobs):
    saved_check(journal)
    job = jobs.queue_email("c1", "sale", DOCUMENT, ADDRESS)
    jobs.mark_failed(job.id, f"The mail server refused <{ADDRESS.lower()}>: no such mailbox.")
    failed = jobs.email_job(job.id)
    assert failed.state is JobState.FAILED
    assert (
        failed.last_problem == "The mail server refused <the customer's address>: no such mailbox."
    )
    event = journal.events_of("c1")[-1]
    assert event["kind"] is EventKind.RECEIPT_EMAIL_FAILED
    assert event["data"] == {"job": job.id, "kind": "sale", "reason": failed.last_problem}
    assert b"lovelace" not in journal_bytes(journal).lower()
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT address FROM email_jobs").fetchall() == [(None,)]


def test_an_email_tried_later_waits_for_its_time_and_a_cancelled_one_forgets_its_address(jobs):
    first = jobs.queue_email("", "sale", DOCUMENT, ADDRESS)
    second = jobs.queue_email("", "sale", DOCUMENT, "bob@example.org")
    later = AT + timedelta(minutes=5)
    jobs.note_email_problem(first.id, f"The server at {ADDRESS} did not answer.", later)
    assert [j.id for j in jobs.pending_emails(AT)] == [second.id]
    assert [j.id for j in jobs.pending_emails(later)] == [second.id, first.id]
    assert [j.id for j in jobs.pending_emails()] == [second.id, first.id]
    waiting = jobs.email_job(first.id)
    assert (waiting.attempts, waiting.next_try_at) == (1, later)
    assert ADDRESS not in waiting.last_problem
    jobs.cancel_email(second.id)
    with pytest.raises(IllegalMove, match="erased"):
        jobs.address(second.id)
    assert [j.id for j in jobs.pending_emails()] == [first.id]
    assert [j.id for j in jobs.emails_of("")] == [first.id, second.id]


def test_a_journal_opened_without_its_key_prints_but_cannot_email(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with_key = SqliteJournal(path, Fernet.generate_key(), "3")
    ReceiptJobs(with_key).queue_email("", "sale", DOCUMENT, ADDRESS)
    with_key.close()
    journal = SqliteJournal(path, None, "reader")
    try:
        jobs = ReceiptJobs(journal)
        assert jobs.queue_print("", "test", "customer", DOCUMENT).state is JobState.QUEUED
        with pytest.raises(RuntimeError, match="without its data key: receipts can be neither"):
            jobs.queue_email("", "sale", DOCUMENT, ADDRESS)
        [waiting] = jobs.pending_emails()
        with pytest.raises(RuntimeError, match="without its data key"):
            jobs.address(waiting.id)
    finally:
        journal.close()


def test_bad_jobs_are_refused_in_plain_words(jobs):
    with pytest.raises(ValueError, match="kind is a short word"):
        jobs.queue_print("", "", "customer", DOCUMENT)
    with pytest.raises(ValueError, match="as data"):
        jobs.queue_print("", "sale", "customer", "not a dict")
    with pytest.raises(ValueError, match="none was given"):
        jobs.queue_email("", "sale", DOCUMENT, "  ")
    assert jobs.pending_prints() == []


@pytest.mark.parametrize(
    ("fixture", "key", "checks"),
    [("journal-v1.sqlite3", V1_KEY, 1), ("journal-v2.sqlite3", V2_KEY, 8)],
)
def test_an_older_journal_gains_the_job_tables_with_nothing_lost(tmp_path, fixture, key, checks):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / fixture, path)
    journal = SqliteJournal(path, key, "3")
    try:
        with journal.database.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        check_id = next(journal.records()).check_id
        jobs = ReceiptJobs(journal)
        job = jobs.queue_print(check_id, "sale", "reprint", DOCUMENT)
        jobs.mark_printed(job.id)
        jobs.mark_sent(jobs.queue_email(check_id, "sale", DOCUMENT, ADDRESS).id)
        result = verify(journal)
        assert (result.checks, result.mismatches) == (checks, [])
    finally:
        journal.close()
