"""Uploaded media. The bytes live in a content-addressed store; a row says who owns what."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

media = sa.Table(
    "media",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("mime", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False, server_default=""),
    sa.Column("width", sa.Integer, nullable=True),
    sa.Column("height", sa.Integer, nullable=True),
    sa.Column("duration_ms", sa.BigInteger, nullable=True),
    sa.Column("served_sha256", sa.String(64), nullable=False),
    sa.Column("served_size", sa.BigInteger, nullable=False),
    sa.Column("thumbnail_sha256", sa.String(64), nullable=True),
    sa.Column("preview_sha256", sa.String(64), nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_media_owner", "owner_id"),
    sa.Index("ix_media_owner_sha256", "owner_id", "sha256"),
    sa.Index("ix_media_created", "created_at", "id"),
    sa.Index("ix_media_served", "served_sha256"),
    sa.Index("ix_media_preview", "preview_sha256"),
    sa.Index("ix_media_thumbnail", "thumbnail_sha256"),
)
