"""The store server's first schema: registers, their events and checks, staff, the catalog,
store-wide settings and the audit of their changes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location_id", sa.Integer, nullable=False),
        sa.Column("who", sa.String(length=140), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_table(
        "catalog",
        sa.Column("location_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "checks",
        sa.Column("location_id", sa.Integer),
        sa.Column("register_id", sa.String(length=64)),
        sa.Column("check_id", sa.String(length=32)),
        sa.Column("identifier", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("location_id", "register_id", "check_id"),
    )
    op.create_index(
        "ix_store_checks_identifier", "checks", ["location_id", "register_id", "identifier"]
    )
    op.create_table(
        "events",
        sa.Column("location_id", sa.Integer),
        sa.Column("register_id", sa.String(length=64)),
        sa.Column("seq", sa.BigInteger),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_id", sa.String(length=32), nullable=False),
        sa.Column("tender_id", sa.String(length=32)),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("changes", sa.Text),
        sa.PrimaryKeyConstraint("location_id", "register_id", "seq"),
    )
    op.create_index(
        "ix_store_events_check", "events", ["location_id", "register_id", "check_id", "seq"]
    )
    op.create_index("ix_store_events_kind_at", "events", ["location_id", "kind", "at"])
    op.create_table(
        "registers",
        sa.Column("location_id", sa.Integer),
        sa.Column("register_id", sa.String(length=64)),
        sa.Column("merchant_id", sa.Integer, nullable=False),
        sa.Column("shipped_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("shipped_at", sa.DateTime(timezone=True)),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("location_id", "register_id"),
    )
    op.create_table(
        "staff",
        sa.Column("location_id", sa.Integer),
        sa.Column("staff_id", sa.String(length=32)),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("location_id", "staff_id"),
    )
    op.create_table(
        "store_settings",
        sa.Column("location_id", sa.Integer),
        sa.Column("key", sa.String(length=64)),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("location_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("store_settings")
    op.drop_table("staff")
    op.drop_table("registers")
    op.drop_table("events")
    op.drop_table("checks")
    op.drop_table("catalog")
    op.drop_table("audit")
