"""The journal file: durable, append-only, encrypted codes, never overwritten when damaged."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from pos_app.domain import Check, LevelUpDetail, LineItem, Tender, TenderKind, TenderStatus
from pos_app.engine import CheckRecord, CheckState, EventKind, JournalEvent
from pos_app.journal import JournalUnusable, SqliteJournal
from pos_app.journal.opening import head_revision
from pos_app.journal.schema import SCHEMA_REVISION
from pos_app.journal.verify import verify

FIXTURES = Path(__file__).parent / "fixtures"
V1_KEY = b"Cz1f0xOwc1gdlDUTKLN9R7lSq7C6Ogs7JUrUPLg5S2A="
CODE = "LU02DEMO0000000000000001030001LU"
AT = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path):
    opened = SqliteJournal(tmp_path / "journal.sqlite3", Fernet.generate_key(), "3")
    yield opened
    opened.close()


def record_with(status: TenderStatus) -> CheckRecord:
    check = Check("2611230001").add_item(LineItem("Lunch", 1000))
    check = check.add_tender(Tender("t1", TenderKind.LEVELUP, 0, status, levelup=LevelUpDetail()))
    return CheckRecord("c1", check, CheckState.TENDERING, AT)


@pytest.mark.journal_unverified  # events written by hand, without their changes
def test_records_round_trip_and_unsettled_ones_are_found(journal):
    record = record_with(TenderStatus.COMPLETING)
    journal.save(
        record, [JournalEvent(EventKind.COMPLETION_SENT, AT, "t1", {"spend_amount": 1000})]
    )
    assert journal.load("c1") == record
    assert journal.unsettled() == [record]
    assert journal.find("2611230001") == record
    done = CheckRecord(
        "c1",
        record.check.replace_tender(
            Tender("t1", TenderKind.LEVELUP, 1000, TenderStatus.APPROVED, levelup=LevelUpDetail())
        ),
        CheckState.CLOSED,
        AT,
    )
    journal.save(done, [JournalEvent(EventKind.APPROVED, AT, "t1")])
    assert journal.unsettled() == []
    assert [e["kind"] for e in journal.events_of("c1")] == ["completion_sent", "approved"]
    assert journal.events_of("c1")[0]["terminal_id"] == "3"
    assert journal.events_of("c1")[0]["at"] == AT


@pytest.mark.journal_unverified  # events written by hand, without their changes
def test_codes_are_encrypted_and_erased_when_the_tender_is_final(journal):
    journal.save(record_with(TenderStatus.REQUESTED), [], {"t1": CODE})
    assert journal.code("t1") == CODE
    assert CODE.encode() not in journal.path.read_bytes()
    wal = Path(f"{journal.path}-wal")
    assert not wal.exists() or CODE.encode() not in wal.read_bytes()
    journal.save(record_with(TenderStatus.DECLINED), [])
    assert journal.code("t1") is None


def test_identifiers_continue_across_restarts(tmp_path):
    key = Fernet.generate_key()
    first = SqliteJournal(tmp_path / "j.sqlite3", key, "3")
    assert first.next_identifier(date(2026, 11, 23)) == "2611230001"
    first.close()
    again = SqliteJournal(tmp_path / "j.sqlite3", key, "3")
    assert again.next_identifier(date(2026, 11, 23)) == "2611230002"
    assert again.next_identifier(date(2026, 11, 24)) == "2611240001"
    again.close()


def test_the_journal_runs_in_wal_with_full_sync(journal):
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_naive_times_are_refused(journal):
    naive = CheckRecord("c2", Check("x1"), CheckState.OPEN, AT)
    with pytest.raises(Exception, match="timezone-aware"):
        journal.save(naive, [JournalEvent(EventKind.CHECK_OPENED, datetime(2026, 11, 23))])


@pytest.mark.parametrize(
    "content", [b"this is not a database at all, but a note someone saved", b"\x00" * 100]
)
def test_a_file_that_is_not_a_journal_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(content)
    with pytest.raises(JournalUnusable, match=f"{path}.*left as it is"):
        SqliteJournal(path, Fernet.generate_key(), "3")
    assert path.read_bytes() == content


def test_a_damaged_journal_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 2] = b"\xff" * 4096  # the second page, header and all
    path.write_bytes(bytes(data))
    with pytest.raises(JournalUnusable, match="left as it is"):
        SqliteJournal(path, V1_KEY, "3")
    assert path.read_bytes() == bytes(data)


def test_an_unreadable_journal_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.mkdir()  # a directory where the file should be
    with pytest.raises(JournalUnusable, match=r"cannot be|not a regular file"):
        SqliteJournal(path, Fernet.generate_key(), "3")


def test_the_schema_revision_is_the_newest_migration():
    assert head_revision() == SCHEMA_REVISION


def test_a_journal_of_the_first_schema_version_opens_with_nothing_lost(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    journal = SqliteJournal(path, V1_KEY, "3")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            head_revision()
        )
    [record] = journal.unsettled()
    assert record.check.identifier == "2611200001"
    queued = record.tender("t-queued")
    assert queued.status is TenderStatus.QUEUED
    assert journal.code("t-queued") == CODE
    kinds = [e["kind"] for e in journal.events_of("check-v1")]
    assert kinds == ["check_opened", "queued_offline", "synthesised"]
    assert verify(journal).as_json() == {"checks": 1, "events": 3, "mismatches": 0}
    journal.close()


def test_codes_with_another_key_are_refused_clearly(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    journal = SqliteJournal(path, Fernet.generate_key(), "3")
    with pytest.raises(JournalUnusable, match="another data key"):
        journal.code("t-queued")
    journal.close()


def test_an_empty_journal_file_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(JournalUnusable, match="is empty"):
        SqliteJournal(path, Fernet.generate_key(), "3")
    assert path.read_bytes() == b""


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(JournalUnusable, match="newer LevelUp POS"):
        SqliteJournal(path, V1_KEY, "3")


@pytest.mark.journal_unverified
def test_a_check_that_cannot_be_read_stops_with_a_clear_message(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE checks SET snapshot = '{\"broken\": true}'")
    journal = SqliteJournal(path, V1_KEY, "3")
    with pytest.raises(JournalUnusable, match="cannot be read"):
        journal.unsettled()
    journal.close()


@pytest.mark.journal_unverified  # events written by hand, without their changes
def test_without_a_data_key_everything_but_the_payment_codes_is_there(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with_key = SqliteJournal(path, Fernet.generate_key(), "3")
    record = record_with(TenderStatus.REQUESTED)
    with_key.save(record, [JournalEvent(EventKind.TENDER_REQUESTED, AT, "t1")], {"t1": CODE})
    with_key.close()
    journal = SqliteJournal(path, None, "reader")
    try:
        assert journal.load("c1") == record
        assert journal.unsettled() == [record]
        assert [e["kind"] for e in journal.events_of("c1")] == ["tender_requested"]
        with pytest.raises(RuntimeError, match="without its data key: payment codes can be"):
            journal.code("t1")
        other = CheckRecord("c2", Check("2611230002"), CheckState.OPEN, AT)
        with pytest.raises(RuntimeError, match="without its data key"):
            journal.save(other, [JournalEvent(EventKind.CHECK_OPENED, AT)], {"t9": CODE})
        assert journal.load("c2") is None  # refused before anything was written
        journal.save(other, [JournalEvent(EventKind.CHECK_OPENED, AT)])  # no code: saved
        assert journal.load("c2") == other
    finally:
        journal.close()


@pytest.mark.journal_unverified  # a tender saved by hand, without its events
def test_a_data_directorys_journal_opens_the_secret_store_only_for_codes(tmp_path, monkeypatch):
    from pos_app.app.journals import open_journal
    from pos_app.host.paths import resolve_paths
    from pos_app.host.secrets import open_secret_store

    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    paths = resolve_paths(tmp_path / "register", {}).create()
    reader = open_journal(paths, terminal_id="reader", codes=False)
    reader.close()
    assert paths.journal_file.exists()
    assert not config.exists() and not (paths.data_dir / "secrets.json").exists()
    store = open_secret_store(paths.data_dir, tmp_path / "secret.key", prefer_keyring=False)
    register = open_journal(paths, terminal_id="3", codes=True, secrets=store)
    try:
        register.save(record_with(TenderStatus.REQUESTED), [], {"t1": CODE})
        assert register.code("t1") == CODE
        assert store.get("journal-key") is not None
    finally:
        register.close()
