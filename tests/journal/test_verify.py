"""``journal verify``, and journals of older schema versions: events rebuild every check."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from pos_app import cli
from pos_app.domain import TenderStatus
from pos_app.engine import CheckState, EventKind
from pos_app.journal import SqliteJournal
from pos_app.journal.verify import verify
from tests.journal.test_store import FIXTURES

V2_KEY = b"q3n2pG0dY8bHk0o6S9vTq3Yw6K1Zs7a0XbqP0m3yW2E="
"""journal-v2.sqlite3 was written by the code of schema revision 0002 (commit 6fbeeb7) paying
the sandbox: LevelUp, cash, a voided payment, a voided check, an open check, a partly paid
check, an unknown payment and an offline one, with this data key."""


def v2_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v2.sqlite3", path)
    return path, SqliteJournal(path, V2_KEY, "3")


def test_a_v2_journal_migrates_and_its_events_rebuild_every_check(tmp_path):
    _, journal = v2_journal(tmp_path)
    states = {r.check.identifier: r.state for r in journal.records()}
    assert list(states.values()) == [
        CheckState.CLOSED,
        CheckState.CLOSED,
        CheckState.TENDERING,  # a payment voided after closing, as 0.1.0 left it
        CheckState.VOIDED,
        CheckState.OPEN,
        CheckState.TENDERING,
        CheckState.TENDERING,
        CheckState.CLOSED,
    ]
    result = verify(journal)
    assert result.as_json() == {"checks": 8, "events": 57, "mismatches": 0}
    [queued] = [
        t for r in journal.records() for t in r.check.tenders if t.status is TenderStatus.QUEUED
    ]
    assert journal.code(queued.tender_id).startswith("LU")
    for record in journal.records():
        events = journal.events_of(record.check_id)
        assert events[-1]["kind"] is EventKind.SYNTHESISED
        assert "migration 0003" in events[-1]["data"]["synthesised"]
        assert [e["kind"] for e in events[:-1]]  # what 0002 wrote is kept
    journal.close()


@pytest.mark.journal_unverified
def test_verify_finds_a_stored_state_its_events_do_not_explain(tmp_path, capsys):
    path, journal = v2_journal(tmp_path)
    journal.close()
    with sqlite3.connect(path) as raw:
        snapshot = json.loads(
            raw.execute("SELECT snapshot FROM checks WHERE identifier LIKE '%0005'").fetchone()[0]
        )
        snapshot["state"] = "closed"
        raw.execute(
            "UPDATE checks SET snapshot = ? WHERE identifier LIKE '%0005'", (json.dumps(snapshot),)
        )
    assert cli.main(["journal", "verify", "--data-dir", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mismatch: check 26")
    assert "differ in state" in lines[0]
    assert json.loads(lines[-1]) == {"checks": 8, "events": 57, "mismatches": 1}
