"""For the rollout test: rewrite one closed check of a journal as a lost answer from LevelUp
would have left it (its LevelUp payment unknown, the check still paying), so that upgrades and
removal must refuse.

This rewrites history, which no register does: the lifecycle has no move from approved to
unknown, so the record is built directly. Its event carries the change, as every event does.

Usage: python installer/linux/unfinish.py JOURNAL
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from pos_app.domain import CheckState, TenderKind, TenderStatus
from pos_app.engine import EventKind, JournalEvent
from pos_app.engine.replay import attach
from pos_app.journal import SqliteJournal


def main(path: Path) -> None:
    journal = SqliteJournal(path, Fernet.generate_key(), "rollout-test")
    try:
        for record in journal.records():
            for tender in record.check.tenders:
                if tender.kind is TenderKind.LEVELUP and tender.status is TenderStatus.APPROVED:
                    # As after a lost answer: LevelUp's order is not known to the register.
                    assert tender.levelup is not None
                    lost = replace(
                        tender,
                        status=TenderStatus.UNKNOWN,
                        levelup=replace(tender.levelup, order_uuid=None),
                    )
                    tenders = tuple(lost if t is tender else t for t in record.check.tenders)
                    unknown = replace(
                        record,
                        check=replace(record.check, tenders=tenders),
                        state=CheckState.TENDERING,
                        closed_at=None,
                    )
                    event = JournalEvent(EventKind.UNKNOWN, datetime.now(UTC), tender.tender_id)
                    journal.save(unknown, attach(record, unknown, [event]))
                    print(f"check {record.check.identifier}: a LevelUp payment is now unknown")
                    return
        raise SystemExit("no approved LevelUp payment to make unknown")
    finally:
        journal.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
