"""Insight: take-backs and imports recount only the pairs concerned

`insight_marks` (the pairs each counted reaction, like and comment concerns, by its object)
and `insight_recounts` (pairs recounted from history ahead of the checkpoint). The
checkpoint's generation goes back to 0, so the follower rebuilds once and fills the marks.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_marks",
        sa.Column("parent", sa.String(8), primary_key=True),
        sa.Column("parent_id", sa.BigInteger(), primary_key=True),
        sa.Column("item_id", sa.BigInteger(), primary_key=True),
        sa.Column("actor_id", sa.BigInteger(), primary_key=True),
        sa.Column("target_id", sa.BigInteger(), primary_key=True),
    )
    op.create_index("ix_insight_marks_pair", "insight_marks", ["actor_id", "target_id"])
    op.create_table(
        "insight_recounts",
        sa.Column("user_id", sa.BigInteger(), primary_key=True),
        sa.Column("alter_id", sa.BigInteger(), primary_key=True),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
    )
    op.execute("UPDATE insight_checkpoint SET generation = 0")


def downgrade() -> None:
    op.drop_table("insight_recounts")
    op.drop_index("ix_insight_marks_pair", table_name="insight_marks")
    op.drop_table("insight_marks")
