"""Check records and events' changes to JSON and back, exactly (pydantic reads the domain's
dataclasses)."""

from __future__ import annotations

from pydantic import TypeAdapter

from pos_app.engine.eventlog import Changes
from pos_app.engine.model import CheckRecord

_RECORD = TypeAdapter(CheckRecord)
_CHANGES = TypeAdapter(Changes)


def dump_record(record: CheckRecord) -> str:
    return _RECORD.dump_json(record).decode()


def load_record(text: str | bytes) -> CheckRecord:
    return _RECORD.validate_json(text)


def dump_changes(changes: Changes) -> str:
    return _CHANGES.dump_json(changes, exclude_defaults=True).decode()


def load_changes(text: str | bytes) -> Changes:
    return _CHANGES.validate_json(text)
