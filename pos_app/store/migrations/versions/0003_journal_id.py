"""Which journal ships as each register: another journal under the same register id (two
registers left with the same ``register.id``, or a journal made again) is refused, not merged.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "registers", sa.Column("journal_id", sa.String(32), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("registers", "journal_id")
