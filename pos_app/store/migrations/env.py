"""Alembic's environment for the store server: migrations run on the connection the store
opened (``config.attributes["connection"]``), never on a URL of their own."""

from alembic import context

from pos_app.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table="store_version")
with context.begin_transaction():
    context.run_migrations()
