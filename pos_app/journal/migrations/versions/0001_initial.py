"""The first journal: events, checks, tenders, payment codes, counters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from pos_app.journal.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("tender_id", sa.String(32)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_events_check", "events", ["check_id", "id"])
    op.create_table(
        "checks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("identifier", sa.String(10), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("grand_total", sa.Integer, nullable=False),
        sa.Column("balance_due", sa.Integer, nullable=False),
        sa.Column("unsettled", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_checks_identifier", "checks", ["identifier"])
    op.create_index("ix_checks_unsettled", "checks", ["unsettled"])
    op.create_table(
        "tenders",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("check_id", sa.String(32), sa.ForeignKey("checks.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("tip", sa.Integer, nullable=False),
        sa.Column("order_uuid", sa.String(64)),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_tenders_check_id", "tenders", ["check_id"])
    op.create_index("ix_tenders_status", "tenders", ["status"])
    op.create_index("ix_tenders_order_uuid", "tenders", ["order_uuid"])
    op.create_table(
        "payment_codes",
        sa.Column("tender_id", sa.String(32), sa.ForeignKey("tenders.id"), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("The journal is never downgraded: it would lose payments.")
