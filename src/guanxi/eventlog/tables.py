"""The event log: one row per event, addressed to a user or to a conversation's members.

An event about an object that can later change or disappear (a message, a comment) names it by
`ref_kind` and `ref_id` and does not store it: a replay reads the object as it is now.
`event_horizon` holds how far the log has been pruned: a cursor below it cannot be replayed.
"""

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
    sa.Column("ref_kind", sa.String(16), nullable=True),
    sa.Column("ref_id", sa.BigInteger, nullable=True),
    sa.Index("ix_events_user", "user_id", "id"),
    sa.Index("ix_events_conversation", "conversation_id", "id"),
)

event_horizon = sa.Table(
    "event_horizon",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1: one row
    sa.Column("pruned_through", sa.BigInteger, nullable=False, server_default="0"),
)
