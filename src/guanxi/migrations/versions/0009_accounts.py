"""Accounts: sessions that expire and can be listed, disabled and deleted accounts, invites

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("is_disabled", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("users", sa.Column("deleted_at", sa.BigInteger(), nullable=True))
    op.add_column(
        "sessions", sa.Column("last_used_at", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.add_column(
        "sessions", sa.Column("address", sa.String(64), server_default="", nullable=False)
    )
    op.execute("UPDATE sessions SET last_used_at = created_at")
    op.create_table(
        "invites",
        sa.Column("id", ID, primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "created_by",
            sa.BigInteger(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("note", sa.String(200), server_default="", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("invites")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("last_used_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("is_disabled")
