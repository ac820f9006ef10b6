"""Staff: who may sign in and approve, with their PIN hashes and lockout state.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from pos_app.journal.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("The journal is never downgraded: it would lose payments.")
