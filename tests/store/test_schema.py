"""The store server's schema: at Alembic's head, created and migrated by ``store init`` (safe to
run again)."""

from __future__ import annotations

import pytest

from pos_app.store.database import (
    StoreError,
    head_revision,
    init_store,
    open_store,
    require_current,
    revision,
)
from pos_app.store.schema import SCHEMA_REVISION


def test_the_schema_is_alembics_head_and_init_is_safe_to_run_again(pg_cluster, store_database):
    assert head_revision() == SCHEMA_REVISION
    database = open_store(pg_cluster.url_without_password(store_database), pg_cluster.password)
    try:
        assert revision(database) is None
        with pytest.raises(StoreError, match="store init") as refused:
            require_current(database)
        assert pg_cluster.password not in str(refused.value)
        assert init_store(database) == (None, SCHEMA_REVISION)
        assert init_store(database) == (SCHEMA_REVISION, SCHEMA_REVISION)
        require_current(database)
    finally:
        database.dispose()
