"""The ledger: indexes for likes and comments a user gave, and for a user's placeholder list

`GET /me/assets` counts the likes and comments a user gave on others' moments (by `user_id`,
which the tables' primary keys and indexes do not lead with) and `GET /me/placeholders` pages
a user's placeholders by id.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_moment_likes_user", "moment_likes", ["user_id", "moment_id"])
    op.create_index("ix_moment_comments_user", "moment_comments", ["user_id", "moment_id"])
    op.create_index("ix_placeholders_owner", "placeholders", ["owner_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_placeholders_owner", table_name="placeholders")
    op.drop_index("ix_moment_comments_user", table_name="moment_comments")
    op.drop_index("ix_moment_likes_user", table_name="moment_likes")
