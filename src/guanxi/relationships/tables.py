"""Friend requests, friendships (one row per side) and blocks."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
USER = sa.BigInteger

friend_requests = sa.Table(
    "friend_requests",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("from_user_id", USER, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("to_user_id", USER, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("greeting", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("answered_at", sa.BigInteger, nullable=True),
    sa.Index("ix_friend_requests_to", "to_user_id", "status", "id"),
    sa.Index("ix_friend_requests_from_status", "from_user_id", "status", "id"),
    sa.Index("ix_friend_requests_from", "from_user_id", "created_at"),
)

friendships = sa.Table(
    "friendships",
    metadata,
    sa.Column("user_id", USER, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("friend_id", USER, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("remark", sa.String(64), nullable=False, server_default=""),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("hide_my_moments", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hide_their_moments", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("sort_key", sa.String(200), nullable=False, server_default=""),
    sa.Index("ix_friendships_sorted", "user_id", "sort_key", "friend_id"),
    sa.Index("ix_friendships_friend", "friend_id"),
)

blocks = sa.Table(
    "blocks",
    metadata,
    sa.Column("user_id", USER, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("blocked_id", USER, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_blocks_user_time", "user_id", "created_at", "blocked_id"),
)
