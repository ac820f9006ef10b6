"""The store server this register is configured for: ``store.url`` with the password from the
secret store, ready to use (its schema current), or the reason it is not."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from pos_app.host.logs import register_secret
from pos_app.host.secrets import STORE_PASSWORD, SecretStore
from pos_app.host.settings import Settings
from pos_app.store.database import StoreError, open_store, require_current


def configured_store(config: Settings, secrets: SecretStore, *, current: bool = True) -> Engine:
    """The store server of ``config`` (``store.url``); with ``current``, its schema checked.
    Raises :class:`StoreError` when none is set or it cannot be used."""
    if not config.store.url:
        raise StoreError("This register has no store server (store.url is not set).")
    password = secrets.get(STORE_PASSWORD)
    if password:
        register_secret(password)  # masked in every log line and crash report
    database = open_store(config.store.url, password)
    if current:
        require_current(database)
    return database
