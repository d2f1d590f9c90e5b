"""SQL for search: the messages a user may see whose text contains a query, newest first.

A user sees a message when they are (or were) a member of its conversation and its seq lies in
their window (joined_seq, left_seq]; recalled messages are never found. The query starts from
the user's memberships and reaches the matches through them, so the work grows with the
user's own conversations and matches, never with other people's. How "contains" is
asked differs per database: match_sqlite.py and match_postgres.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.store_messages import not_hidden
from guanxi.conversations.tables import conversation_members, messages
from guanxi.conversations.window import window_clause
from guanxi.search import match_postgres, match_sqlite
from guanxi.search.match import Scope

Matcher = Callable[[str, Scope], sa.Subquery]
MATCHERS: dict[str, Matcher] = {
    "sqlite": match_sqlite.text_contains,
    "postgresql": match_postgres.text_contains,
}

msg = messages.c
member = conversation_members.c
IN_WINDOW = sa.and_(
    msg.conversation_id == member.conversation_id,
    window_clause(msg.seq, member.joined_seq, member.left_seq),
    msg.seq > member.cleared_seq,  # not in a chat deleted for them, nor deleted one by one
    not_hidden(member.user_id),
    # a past member finds no text edited after they left (conversations/past.py)
    sa.or_(member.left_at.is_(None), msg.edited_at.is_(None), msg.edited_at <= member.left_at),
)


async def list_message_hits(
    conn: AsyncConnection,
    user_id: int,
    q: str,
    *,
    before: tuple[int, int] | None,
    limit: int,
) -> list[Any]:
    """Visible messages containing `q`, newest first, below the (created_at, id) `before`."""
    query = message_hits(conn.dialect.name, user_id, q, before=before, limit=limit)
    return list((await conn.execute(query)).all())


def message_hits(
    dialect: str, user_id: int, q: str, *, before: tuple[int, int] | None, limit: int
) -> sa.Select[Any]:
    """The statement of `list_message_hits`: the dialect's matcher finds the hits through the
    user's memberships (match.py); here they get their sender and their order."""
    condition = sa.and_(IN_WINDOW, msg.recalled_at.is_(None))
    if before is not None:
        condition = sa.and_(condition, sa.tuple_(msg.created_at, msg.id) < sa.tuple_(*before))
    found = MATCHERS[dialect](q, Scope(user_id, condition, limit))
    hits = found.c
    return (
        sa.select(
            hits.id,
            hits.conversation_id,
            hits.seq,
            users.c.handle.label("sender"),
            hits.kind,
            hits.text,
            hits.created_at,
        )
        .join_from(found, users, users.c.id == hits.sender_id)
        .order_by(hits.created_at.desc(), hits.id.desc())
        .limit(limit)
    )
