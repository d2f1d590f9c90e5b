"""Moments, their media and audience tags, likes and comments."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
USER = sa.BigInteger

moments = sa.Table(
    "moments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("author_id", USER, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("place", sa.String(100), nullable=False, server_default=""),
    sa.Column("audience", sa.String(10), nullable=False),  # all | only | except | private
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_moments_author_time", "author_id", "created_at", "id"),
    sa.Index("ix_moments_time", "created_at", "id"),  # the feed's scan over everyone's
)

moment_media = sa.Table(
    "moment_media",
    metadata,
    sa.Column(
        "moment_id",
        sa.BigInteger,
        sa.ForeignKey("moments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("media_id", sa.String(80), nullable=False),
    sa.Index("ix_moment_media_media", "media_id"),
)

moment_audience_tags = sa.Table(
    "moment_audience_tags",
    metadata,
    sa.Column(
        "moment_id",
        sa.BigInteger,
        sa.ForeignKey("moments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("tag", sa.String(32), primary_key=True),
)

moment_likes = sa.Table(
    "moment_likes",
    metadata,
    sa.Column(
        "moment_id",
        sa.BigInteger,
        sa.ForeignKey("moments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", USER, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_moment_likes_user", "user_id", "moment_id"),  # likes given (the ledger)
)

moment_comments = sa.Table(
    "moment_comments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column(
        "moment_id", sa.BigInteger, sa.ForeignKey("moments.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("user_id", USER, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("reply_to_id", sa.BigInteger, nullable=True),  # a comment; may since be deleted
    sa.Column("reply_to_user_id", USER, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_moment_comments_moment", "moment_id", "id"),
    sa.Index("ix_moment_comments_user", "user_id", "moment_id"),  # comments given (the ledger)
)
