"""The journal: every step of every payment, on disk before it is acted on."""

from pos_app.journal.store import JournalUnusable, SqliteJournal

__all__ = ["JournalUnusable", "SqliteJournal"]
