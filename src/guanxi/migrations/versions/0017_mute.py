"""Per-chat mute: each member may mute a conversation for all their devices

Revision ID: 0017
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.add_column(
            sa.Column("is_muted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_members") as batch_op:
        batch_op.drop_column("is_muted")
