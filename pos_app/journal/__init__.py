"""The journal: every step of every payment, on disk before it is acted on."""

from pos_app.journal.opening import JournalUnusable
from pos_app.journal.store import SqliteJournal

__all__ = ["JournalUnusable", "SqliteJournal"]
