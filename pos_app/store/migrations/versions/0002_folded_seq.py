"""How far each register's events are folded into its checks on the server (the fold may come
after the events: a register ships first and folds when it is idle).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "registers", sa.Column("folded_seq", sa.BigInteger, nullable=False, server_default="0")
    )
    # Before this revision every batch was folded as it arrived.
    op.execute("UPDATE registers SET folded_seq = shipped_seq")


def downgrade() -> None:
    op.drop_column("registers", "folded_seq")
