"""Lists paged by cursor: the indexes each page reads as one bounded range

- `friendships.sort_key` (remark, else display name, case-folded) and
  `ix_friendships_sorted (user_id, sort_key, friend_id)`: a page of friends in name order is
  one index range; `ix_friendships_friend` finds the rows to re-sort when a name changes.
- `ix_friend_requests_to` gains `id`, and `ix_friend_requests_from_status` is new: a page of
  pending requests either way is one index range, newest first.
- `ix_blocks_user_time`: a page of the people one blocked, newest first, is one range.
- Partial indexes over active memberships (`left_seq IS NULL`): by user (the chat list, the
  cap on conversations per user) and by conversation in join order (member pages and member
  counts read only the index).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ACTIVE = sa.text("left_seq IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("friendships") as batch:
        batch.add_column(sa.Column("sort_key", sa.String(200), nullable=False, server_default=""))
    _fill_sort_keys()
    op.create_index("ix_friendships_sorted", "friendships", ["user_id", "sort_key", "friend_id"])
    op.create_index("ix_friendships_friend", "friendships", ["friend_id"])
    op.drop_index("ix_friend_requests_to", table_name="friend_requests")
    op.create_index("ix_friend_requests_to", "friend_requests", ["to_user_id", "status", "id"])
    op.create_index(
        "ix_friend_requests_from_status", "friend_requests", ["from_user_id", "status", "id"]
    )
    op.create_index("ix_blocks_user_time", "blocks", ["user_id", "created_at", "blocked_id"])
    op.create_index(
        "ix_conversation_members_user_active",
        "conversation_members",
        ["user_id", "conversation_id"],
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "ix_conversation_members_active",
        "conversation_members",
        ["conversation_id", "joined_at", "user_id"],
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def _fill_sort_keys() -> None:
    """Python's casefold, as the server computes it (SQL's lower() differs per database)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT f.user_id, f.friend_id, f.remark, u.display_name"
            " FROM friendships f JOIN users u ON u.id = f.friend_id"
        )
    ).all()
    update = sa.text("UPDATE friendships SET sort_key = :k WHERE user_id = :u AND friend_id = :f")
    for user_id, friend_id, remark, display_name in rows:
        key = (remark or display_name).casefold()[:200]
        bind.execute(update, {"k": key, "u": user_id, "f": friend_id})


def downgrade() -> None:
    op.drop_index("ix_conversation_members_active", table_name="conversation_members")
    op.drop_index("ix_conversation_members_user_active", table_name="conversation_members")
    op.drop_index("ix_blocks_user_time", table_name="blocks")
    op.drop_index("ix_friend_requests_from_status", table_name="friend_requests")
    op.drop_index("ix_friend_requests_to", table_name="friend_requests")
    op.create_index("ix_friend_requests_to", "friend_requests", ["to_user_id", "status"])
    op.drop_index("ix_friendships_friend", table_name="friendships")
    op.drop_index("ix_friendships_sorted", table_name="friendships")
    with op.batch_alter_table("friendships") as batch:
        batch.drop_column("sort_key")
