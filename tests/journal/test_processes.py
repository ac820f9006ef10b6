"""Red team D1, D5 and D7 with real processes on one journal file: check numbers stay unique
when many processes take them at once and after the journal is restored from a backup the
same day; simultaneous PIN guesses from many processes cannot beat the lockout; and creating
a journal is one transaction, so a failure part-way leaves no half-built schema."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from pos_app.engine.staff import MAX_FAILURES, AccessDenied, Role
from pos_app.journal import SqliteJournal, opening
from pos_app.journal.staff import SqliteStaff

DAY = date(2026, 12, 3)
KEY = Fernet.generate_key()
PROCESSES = 12
_CONTEXT = multiprocessing.get_context("spawn")  # a fresh interpreter, as a second register


def _take_numbers(path: str, count: int, start: multiprocessing.synchronize.Event, out) -> None:
    journal = SqliteJournal(Path(path), KEY, "3")
    start.wait()
    out.put([journal.next_identifier(DAY) for _ in range(count)])
    journal.close()


def _guess(path: str, pin: str, start: multiprocessing.synchronize.Event, out) -> None:
    journal = SqliteJournal(Path(path), KEY, "3")
    staff = SqliteStaff(journal, lambda: datetime.now(UTC))
    start.wait()
    try:
        staff.verify("mia", pin)
        out.put("signed in")
    except AccessDenied as denied:
        out.put(str(denied))
    journal.close()


def _run(target, arguments: list[tuple]) -> list:
    start, out = _CONTEXT.Event(), _CONTEXT.Queue()
    workers = [_CONTEXT.Process(target=target, args=(*a, start, out)) for a in arguments]
    for worker in workers:
        worker.start()
    start.set()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return results


def test_check_numbers_taken_by_many_processes_at_once_are_unique(tmp_path):
    path = tmp_path / "journal.sqlite3"  # no counter yet: the first INSERT races too
    SqliteJournal(path, KEY, "3").close()
    taken = [n for batch in _run(_take_numbers, [(str(path), 10)] * PROCESSES) for n in batch]
    assert len(taken) == len(set(taken)) == 10 * PROCESSES


def test_check_numbers_stay_unique_after_a_journal_is_restored_from_a_backup(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = SqliteJournal(path, KEY, "3")
    issued = [journal.next_identifier(DAY) for _ in range(2)]
    journal.close()
    backup = tmp_path / "backup.sqlite3"
    source, copy = sqlite3.connect(path), sqlite3.connect(backup)
    source.backup(copy)
    source.close()
    copy.close()
    journal = SqliteJournal(path, KEY, "3")
    issued += [journal.next_identifier(DAY) for _ in range(3)]  # LevelUp has these numbers
    journal.close()

    for stale in path.parent.glob("journal.sqlite3-*[lm]"):  # -wal, -shm
        stale.unlink()
    shutil.copyfile(backup, path)  # restored from this morning's backup
    journal = SqliteJournal(path, KEY, "3")
    assert journal.next_identifier(DAY) == "2612030006"
    journal.close()


def test_simultaneous_pin_guesses_from_many_processes_cannot_beat_the_lockout(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = SqliteJournal(path, KEY, "3")
    SqliteStaff(journal).add("mia", "Mia", Role.MANAGER, "2468")
    journal.close()
    guesses = [(str(path), f"{9000 + n:04d}") for n in range(PROCESSES)] + [(str(path), "2468")]
    answers = _run(_guess, guesses)
    # Checked one at a time, at most MAX_FAILURES wrong PINs are checked before the lockout,
    # and as many again if the right PIN came first and cleared the count: every other guess
    # meets the lockout without its PIN being checked.
    refused_unchecked = sum("locked out" in answer for answer in answers)
    assert refused_unchecked >= PROCESSES - 2 * MAX_FAILURES, answers
    journal = SqliteJournal(path, KEY, "3")
    with pytest.raises(AccessDenied, match="locked out"):
        SqliteStaff(journal).verify("mia", "2468")
    journal.close()


def test_a_journal_whose_creation_fails_part_way_has_no_half_built_schema(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    real = opening._upgrade

    def upgrade_then_fail(connection, where):
        real(connection, where)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(opening, "_upgrade", upgrade_then_fail)
    with pytest.raises(Exception, match="disk is full"):
        SqliteJournal(path, KEY, "3")
    monkeypatch.setattr(opening, "_upgrade", real)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT name FROM sqlite_master").fetchall() == []
    raw.close()
    journal = SqliteJournal(path, KEY, "3")  # once space is free, it is made whole
    assert journal.next_identifier(DAY) == "2612030001"
    journal.close()
