"""Users (including placeholders for people known only from imported history) and sessions."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("handle", sa.String(32), nullable=False, unique=True),
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("bio", sa.String(500), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("is_placeholder", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("origin", sa.String(200), nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("moments_visible", sa.String(3), nullable=False, server_default="all"),
    sa.Column("is_disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("deleted_at", sa.BigInteger, nullable=True),  # the account was deleted then
    sa.Column("avatar_media_id", sa.String(64), nullable=True),  # a media item (an image)
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column(
        "user_id", sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("device", sa.String(100), nullable=False, server_default=""),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("last_used_at", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("address", sa.String(64), nullable=False, server_default=""),
    sa.Index("ix_sessions_user", "user_id"),
)

invites = sa.Table(
    "invites",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "created_by", sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("note", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=True),
    sa.Column("max_uses", sa.Integer, nullable=False),
    sa.Column("uses", sa.Integer, nullable=False, server_default="0"),
    sa.Column("revoked_at", sa.BigInteger, nullable=True),
)
