"""The journal of a data directory, opened in one place.

Whoever opens it says whether it needs the payment codes: only a register that takes payments
does. Without them the secret store is not opened (nothing is created in the user's config) and
the journal can store and read everything but a payment code.
"""

from __future__ import annotations

from pos_app.host.paths import Paths
from pos_app.host.secrets import SecretStore, new_data_key, open_secret_store
from pos_app.journal import SqliteJournal


def open_journal(
    paths: Paths,
    *,
    terminal_id: str,
    codes: bool,
    secrets: SecretStore | None = None,
) -> SqliteJournal:
    """The journal of ``paths`` (created if there is none), its events stamped ``terminal_id``.

    With ``codes`` its data key comes from ``secrets`` (by default the data directory's secret
    store), created on first use. Close the journal when done.
    """
    if not codes:
        return SqliteJournal(paths.journal_file, None, terminal_id)
    store = open_secret_store(paths.data_dir) if secrets is None else secrets
    return SqliteJournal(paths.journal_file, new_data_key(store), terminal_id)
