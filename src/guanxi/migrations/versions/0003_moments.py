"""moments, likes, comments, profile moments setting

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment_fk(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["moment_id"], ["moments.id"], name=f"fk_{name}_moment_id_moments", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("moments_visible", sa.String(length=3), server_default="all", nullable=False),
    )
    op.create_table(
        "moments",
        sa.Column("id", ID, nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("place", sa.String(length=100), server_default="", nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_moments_author_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_moments"),
    )
    op.create_index("ix_moments_author_time", "moments", ["author_id", "created_at", "id"])
    op.create_table(
        "moment_media",
        sa.Column("moment_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=80), nullable=False),
        _moment_fk("moment_media"),
        sa.PrimaryKeyConstraint("moment_id", "position", name="pk_moment_media"),
    )
    op.create_index("ix_moment_media_media", "moment_media", ["media_id"])
    op.create_table(
        "moment_audience_tags",
        sa.Column("moment_id", sa.BigInteger(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        _moment_fk("moment_audience_tags"),
        sa.PrimaryKeyConstraint("moment_id", "tag", name="pk_moment_audience_tags"),
    )
    op.create_table(
        "moment_likes",
        sa.Column("moment_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        _moment_fk("moment_likes"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_moment_likes_user_id_users"),
        sa.PrimaryKeyConstraint("moment_id", "user_id", name="pk_moment_likes"),
    )
    op.create_table(
        "moment_comments",
        sa.Column("id", ID, nullable=False),
        sa.Column("moment_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("reply_to_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        _moment_fk("moment_comments"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_moment_comments_user_id_users"),
        sa.ForeignKeyConstraint(
            ["reply_to_user_id"], ["users.id"], name="fk_moment_comments_reply_to_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_moment_comments"),
    )
    op.create_index("ix_moment_comments_moment", "moment_comments", ["moment_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_moment_comments_moment", table_name="moment_comments")
    op.drop_table("moment_comments")
    op.drop_table("moment_likes")
    op.drop_table("moment_audience_tags")
    op.drop_index("ix_moment_media_media", table_name="moment_media")
    op.drop_table("moment_media")
    op.drop_index("ix_moments_author_time", table_name="moments")
    op.drop_table("moments")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("moments_visible")
