"""``levelup-pos journal verify``: every check folded from its events, compared with the state
the journal stored for it.

The events are the truth and the stored state a cache of them; the two agree, or the journal
says which checks differ and in what.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from itertools import groupby
from typing import Any

from sqlalchemy import select

from pos_app.engine.model import CheckRecord
from pos_app.engine.replay import Fold
from pos_app.journal.codec import dump_record, load_changes, load_record
from pos_app.journal.schema import checks, events
from pos_app.journal.store import SqliteJournal


@dataclass
class Verification:
    checks: int = 0
    events: int = 0
    mismatches: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, int]:
        return {"checks": self.checks, "events": self.events, "mismatches": len(self.mismatches)}


def verify(journal: SqliteJournal) -> Verification:
    """Replay every check of ``journal`` and compare it with its stored state."""
    result = Verification()
    with journal.database.connect() as connection:
        stored = connection.execute(
            select(checks.c.id, checks.c.identifier, checks.c.snapshot).order_by(checks.c.id)
        )
        logged = connection.execute(
            select(events.c.check_id, events.c.changes)
            .where(events.c.check_id != "")
            .order_by(events.c.check_id, events.c.id)
        )
        by_check = groupby(logged, key=lambda row: row[0])
        pending = _next(by_check)
        for check_id, identifier, snapshot in stored:
            result.checks += 1
            while pending is not None and pending[0] < check_id:
                result.mismatches.append(f"events of check {pending[0]}, which is not stored")
                result.events += sum(1 for _ in pending[1])
                pending = _next(by_check)
            fold = Fold()
            if pending is not None and pending[0] == check_id:
                for _, changes in pending[1]:
                    result.events += 1
                    if changes is not None:
                        try:
                            fold.add(load_changes(changes))
                        except ValueError as exc:
                            unreadable = f"an event cannot be read ({type(exc).__name__})"
                            result.mismatches.append(f"check {identifier}: {unreadable}")
                pending = _next(by_check)
            folded = fold.result()
            if folded is not None and dump_record(folded) == snapshot:
                continue  # the same text: the same state (the common case, and cheap)
            try:
                difference = _difference(folded, load_record(snapshot))
            except ValueError as exc:  # a damaged snapshot is a mismatch, said in words
                difference = f"its stored state cannot be read ({type(exc).__name__})"
            if difference:
                result.mismatches.append(f"check {identifier} ({check_id}): {difference}")
        while pending is not None:
            result.mismatches.append(f"events of check {pending[0]}, which is not stored")
            result.events += sum(1 for _ in pending[1])
            pending = _next(by_check)
    return result


def _next(groups: Iterator[tuple[str, Iterator[Any]]]) -> tuple[str, Iterator[Any]] | None:
    return next(groups, None)


def _difference(folded: CheckRecord | None, stored: CheckRecord) -> str:
    """What differs between the fold and the stored state, in words ("" when nothing)."""
    if folded is None:
        return "its events do not rebuild it"
    if folded == stored:
        return ""
    parts = [
        f.name for f in fields(CheckRecord) if getattr(folded, f.name) != getattr(stored, f.name)
    ]
    if "check" in parts:
        parts.remove("check")
        parts += [
            f"check.{f.name}"
            for f in fields(stored.check)
            if getattr(folded.check, f.name) != getattr(stored.check, f.name)
        ]
    return "its events and its stored state differ in " + ", ".join(parts)
