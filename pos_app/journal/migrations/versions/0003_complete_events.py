"""Complete events: each event carries what it changed (``events.changes``).

Events of older journals carry no detail, so every check gets one ``synthesised`` event
holding its stored state, which says so: folding a check's events from nothing then rebuilds
what the journal holds for it.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOTE = (
    "synthesised from the check's stored state by journal migration 0003: its earlier "
    "events carry no detail"
)


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("changes", sa.Text))
    connection = op.get_bind()
    checks = connection.execute(
        sa.text(
            "SELECT c.id, c.snapshot, c.updated_at, "
            "(SELECT e.terminal_id FROM events e WHERE e.check_id = c.id ORDER BY e.id DESC "
            "LIMIT 1) FROM checks c ORDER BY c.opened_at"
        )
    ).fetchall()
    for check_id, snapshot, updated_at, terminal_id in checks:
        connection.execute(
            sa.text(
                "INSERT INTO events (at, terminal_id, check_id, tender_id, kind, data, changes) "
                "VALUES (:at, :terminal, :check, NULL, 'synthesised', :data, :changes)"
            ),
            {
                "at": updated_at,
                "terminal": terminal_id or "",
                "check": check_id,
                "data": json.dumps({"synthesised": NOTE}),
                "changes": '{"record":' + snapshot + "}",
            },
        )


def downgrade() -> None:
    raise NotImplementedError("The journal is never downgraded: it would lose payments.")
