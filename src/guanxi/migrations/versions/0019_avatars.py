"""Profile pictures: `users.avatar_media_id`, the media item (an image) shown as the user's
avatar, or NULL (the initials are drawn). The item stays carried while it is set; a replaced
or removed picture's item and files are deleted at once.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("avatar_media_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("avatar_media_id")
