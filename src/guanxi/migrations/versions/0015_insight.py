"""Insight: per-pair statistics kept by a follower of the event log, and its checkpoint

`insight_pairs` (one row per side of a pair), `insight_weeks` and `insight_months` (the weeks
and months with activity), `insight_checkpoint` (the last event applied, written in the same
transaction as the statistics). The state starts empty at generation 0 (never built),
so a server started on an existing database computes it from history first.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_pairs",
        sa.Column("user_id", sa.BigInteger(), primary_key=True),
        sa.Column("alter_id", sa.BigInteger(), primary_key=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("first_at", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.BigInteger(), nullable=False),
        sa.Column("interactions", sa.Integer(), nullable=False),
        sa.Column("first_interaction_at", sa.BigInteger(), nullable=True),
        sa.Column("last_interaction_at", sa.BigInteger(), nullable=True),
        sa.Column("distinct_weeks", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("score_at", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("starts_me", sa.Integer(), nullable=False),
        sa.Column("starts_them", sa.Integer(), nullable=False),
        sa.Column("last_message_at", sa.BigInteger(), nullable=True),
        sa.Column("response_me", sa.JSON(), nullable=False),
        sa.Column("response_them", sa.JSON(), nullable=False),
    )
    op.create_index("ix_insight_pairs_recent", "insight_pairs", ["user_id", "last_at"])
    op.create_table(
        "insight_weeks",
        sa.Column("user_id", sa.BigInteger(), primary_key=True),
        sa.Column("week", sa.Integer(), primary_key=True),
        sa.Column("alter_id", sa.BigInteger(), primary_key=True),
    )
    op.create_table(
        "insight_months",
        sa.Column("user_id", sa.BigInteger(), primary_key=True),
        sa.Column("alter_id", sa.BigInteger(), primary_key=True),
        sa.Column("month", sa.Integer(), primary_key=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
    )
    checkpoint = op.create_table(
        "insight_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
    )
    # generation 0: never built; the follower rebuilds from history before it follows
    op.bulk_insert(checkpoint, [{"id": 1, "event_id": 0, "generation": 0}])


def downgrade() -> None:
    for table in ("insight_checkpoint", "insight_months", "insight_weeks", "insight_pairs"):
        op.drop_table(table)
