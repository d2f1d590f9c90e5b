"""Chat actions: a member's pin, archive and delete-for-me of a chat; group system lines;
forwarded messages; messages deleted for one member only

`conversation_members` gains `is_pinned`, `is_archived` and `cleared_seq` (the member's
history starts after it: a chat deleted for them); `messages` gains `system` (what a group's
system line says, as data the client words) and `is_forwarded`; `hidden_messages` holds the
messages each member deleted for themselves.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.add_column(
            sa.Column("is_pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("is_archived", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("cleared_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("system", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("is_forwarded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "hidden_messages",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("conversation_id", sa.BigInteger(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), primary_key=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hidden_messages")
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("is_forwarded")
        batch_op.drop_column("system")
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.drop_column("cleared_seq")
        batch_op.drop_column("is_archived")
        batch_op.drop_column("is_pinned")
