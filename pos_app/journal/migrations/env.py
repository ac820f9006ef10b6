"""Alembic's environment for the journal: migrations run on the connection the journal
opened (``config.attributes["connection"]``), never on a URL of their own."""

from alembic import context

from pos_app.journal.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
