"""Check records to JSON and back, exactly (pydantic reads the domain's dataclasses)."""

from __future__ import annotations

from pydantic import TypeAdapter

from pos_app.engine.model import CheckRecord

_RECORD = TypeAdapter(CheckRecord)


def dump_record(record: CheckRecord) -> str:
    return _RECORD.dump_json(record).decode()


def load_record(text: str | bytes) -> CheckRecord:
    return _RECORD.validate_json(text)
