"""Groups: invitations and the rules of direct chats

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "messages",
        sa.Column("edit_count", sa.Integer(), server_default="0", nullable=False),
    )
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("left_view", sa.JSON(), nullable=True))
    op.create_table(
        "group_invitations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("invitee_id", sa.BigInteger(), nullable=False),
        sa.Column("inviter_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("answered_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"]),
        sa.ForeignKeyConstraint(["invitee_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["inviter_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "invitee_id", name="uq_group_invitations_invitee"),
    )
    op.create_index(
        "ix_group_invitations_invitee", "group_invitations", ["invitee_id", "status", "id"]
    )
    op.create_index(
        "ix_group_invitations_inviter", "group_invitations", ["inviter_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("group_invitations")
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.drop_column("left_view")
        batch_op.drop_column("left_at")
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("edit_count")
