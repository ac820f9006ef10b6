"""For the rollout test: make one approved LevelUp payment of a journal UNKNOWN, as a lost
answer from LevelUp would leave it, so that upgrades and removal must refuse.

Usage: python installer/linux/unfinish.py JOURNAL
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from pos_app.domain import TenderKind, TenderStatus
from pos_app.engine import JournalEvent
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
                    unknown = record.with_tender(lost, decided_elsewhere=True)
                    event = JournalEvent("unknown", datetime.now(UTC), tender.tender_id)
                    journal.save(unknown, [event])
                    print(f"check {record.check.identifier}: a LevelUp payment is now unknown")
                    return
        raise SystemExit("no approved LevelUp payment to make unknown")
    finally:
        journal.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
