"""Receipt jobs: receipts to print and to email, each with its receipt document.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from pos_app.journal.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("copy", sa.String(16), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("printed_at", UTCDateTime),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_problem", sa.Text, nullable=False),
    )
    op.create_index("ix_print_jobs_check_id", "print_jobs", ["check_id"])
    op.create_index("ix_print_jobs_state", "print_jobs", ["state"])
    op.create_table(
        "email_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("address", sa.LargeBinary),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_problem", sa.Text, nullable=False),
        sa.Column("next_try_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_email_jobs_check_id", "email_jobs", ["check_id"])
    op.create_index("ix_email_jobs_state", "email_jobs", ["state"])


def downgrade() -> None:
    raise NotImplementedError("The journal is never downgraded: it would lose receipts.")
