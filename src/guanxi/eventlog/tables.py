"""The event log: one row per event, addressed to a user or to a conversation's members."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("user_id", sa.BigInteger, nullable=True),
    sa.Column("conversation_id", sa.BigInteger, nullable=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_events_user", "user_id", "id"),
    sa.Index("ix_events_conversation", "conversation_id", "id"),
)
