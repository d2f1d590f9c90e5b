"""What every database's search query shares, and what a per-database matcher builds from it.

A matcher (match_sqlite.py, match_postgres.py) answers `(q, scope)` with a subquery of the hits:
the messages of the user's memberships that satisfy `scope.condition` and contain `q`, with
HIT_COLUMNS. Every matcher starts from the user's memberships and reaches the matches through
them, so an index looks only inside the user's own conversations: the work grows with the
user's conversations and matches, never with other people's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from guanxi.conversations.tables import conversation_members, messages

msg = messages.c
member = conversation_members.c
HIT_COLUMNS = (
    msg.id,
    msg.conversation_id,
    msg.seq,
    msg.sender_id,
    msg.kind,
    msg.text,
    msg.created_at,
)


@dataclass(frozen=True)
class Scope:
    """Whose memberships (`user_id`); what ties a message to a membership and what a hit must
    satisfy besides containing the text (`condition`, on `conversation_members` and `messages`:
    of its conversation, in its window, not recalled, below the cursor); and how many hits a
    page takes (`limit`)."""

    user_id: int
    condition: sa.ColumnElement[bool]
    limit: int


def scanning(contains: sa.ColumnElement[Any], scope: Scope) -> sa.Subquery:
    """The messages of the user's conversations, each checked (bounded by the index on
    (conversation_id, seq))."""
    return (
        sa.select(*HIT_COLUMNS)
        .select_from(conversation_members.join(messages, sa.true()))  # scope.condition joins
        .where(member.user_id == scope.user_id, scope.condition, contains)
        .subquery()
    )
