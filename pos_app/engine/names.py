"""A check's name: what the cashier calls a check they hold (a customer's first name, a
table), journaled with the check so that it survives a restart and the fold rebuilds it.

A name is not a secret, and so it must never carry one: text that looks like an email
address or a LevelUp payment code is refused.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pos_app.engine.errors import EngineError, IllegalTransition
from pos_app.engine.eventlog import EventKind
from pos_app.engine.model import CheckRecord
from pos_app.engine.recorder import Recorder

MAX_NAME_LENGTH = 32
_EMAIL = re.compile(r"\S@\S")
_CODE = re.compile(r"LU\d\d[0-9A-Z]{4,}", re.IGNORECASE)


def check_name(text: str) -> str:
    """``text`` as a check's name (spaces trimmed; ``""`` clears it), or why it cannot be."""
    name = " ".join(text.split())
    if _EMAIL.search(name):
        raise EngineError(
            "A check's name is a first name or a table, never an email address: leave out the @."
        )
    if _CODE.search(name):
        raise EngineError("That is a LevelUp payment code, not a name: scan it to pay.")
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise EngineError(f"A check's name is at most {MAX_NAME_LENGTH} letters, digits or signs.")
    return name


def name_check(recorder: Recorder, check_id: str, text: str) -> CheckRecord:
    """Name a check that is still open (being rung up, paid, or owing); the same name again
    writes nothing."""
    name = check_name(text)
    record = recorder.load(check_id)
    if not record.state.takes_payments:
        raise IllegalTransition(
            f"Check {record.check.identifier} is {record.state.value}: only an open check is named."
        )
    if name == record.name:
        return record
    return recorder.save(
        replace(record, name=name), recorder.event(EventKind.CHECK_NAMED, name=name)
    )
