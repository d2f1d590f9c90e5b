"""A message's recipients and the archives it empties, each read from an index alone.

- `ix_conversation_members_active` and `ix_conversation_members_user_active` (partial: active
  memberships, `left_seq IS NULL`) get `left_seq` as their last column. SQLite checks a partial
  index's condition against the table row when the index does not hold the column, so a
  send's "who are the members" read every member's row; holding the column (always NULL
  there) makes both indexes covering.
- `ix_conversation_members_sent_back (conversation_id, user_id)`, partial: the memberships a
  new message takes out of the archive (active, archived, not muted). A send updates them
  through it, reading no other member's row.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

ACTIVE = sa.text("left_seq IS NULL")
# each database's rendering of `left_seq IS NULL AND is_archived AND NOT is_muted` (SQLite
# matches a partial index's terms to the query's as written)
SENT_BACK_SQLITE = sa.text("left_seq IS NULL AND is_archived = 1 AND is_muted = 0")
SENT_BACK_POSTGRESQL = sa.text("left_seq IS NULL AND is_archived AND NOT is_muted")
ACTIVE_INDEXES = {
    "ix_conversation_members_user_active": ["user_id", "conversation_id"],
    "ix_conversation_members_active": ["conversation_id", "joined_at", "user_id"],
}


def _active_indexes(extra: list[str]) -> None:
    for name, columns in ACTIVE_INDEXES.items():
        op.drop_index(name, table_name="conversation_members")
        op.create_index(
            name,
            "conversation_members",
            columns + extra,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def upgrade() -> None:
    _active_indexes(["left_seq"])
    op.create_index(
        "ix_conversation_members_sent_back",
        "conversation_members",
        ["conversation_id", "user_id"],
        sqlite_where=SENT_BACK_SQLITE,
        postgresql_where=SENT_BACK_POSTGRESQL,
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_members_sent_back", table_name="conversation_members")
    _active_indexes([])
