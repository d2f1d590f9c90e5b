"""Media: cleaned bytes only, reference counts, quotas

Items are found by owner and upload hash (a re-upload reuses only the owner's own earlier
item), by age (the collector's sweep) and by the blobs they serve (a blob no item serves is
collected).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NEW_INDEXES = {
    "ix_media_owner_sha256": ["owner_id", "sha256"],
    "ix_media_created": ["created_at", "id"],
    "ix_media_served": ["served_sha256"],
    "ix_media_preview": ["preview_sha256"],
    "ix_media_thumbnail": ["thumbnail_sha256"],
}


def upgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index("ix_media_sha256")
        for name, columns in NEW_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        for name in NEW_INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_media_sha256", ["sha256"], unique=False)
