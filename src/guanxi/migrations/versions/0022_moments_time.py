"""The moments feed's newest-first scan over everyone's moments: `ix_moments_time
(created_at, id)`. A viewer with many friends reads the newest moments of the server and checks
each for the viewer (store_feed.py), instead of one index range per friend.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_moments_time", "moments", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_moments_time", table_name="moments")
