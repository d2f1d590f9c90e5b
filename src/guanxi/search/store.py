"""SQL for search: the messages a user may see whose text contains a query, newest first.

A user sees a message when they are (or were) a member of its conversation and its seq lies in
their window (joined_seq, left_seq]; recalled messages are never found. How "contains" is
asked differs per database: match_sqlite.py and match_postgres.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.tables import conversation_members, messages
from guanxi.search import match_postgres, match_sqlite
from guanxi.search.match import Match

Matcher = Callable[[str], Match]
MATCHERS: dict[str, Matcher] = {
    "sqlite": match_sqlite.text_contains,
    "postgresql": match_postgres.text_contains,
}

msg = messages.c
member = conversation_members.c
IN_WINDOW = sa.and_(
    msg.conversation_id == member.conversation_id,
    msg.seq > member.joined_seq,
    sa.or_(member.left_seq.is_(None), msg.seq <= member.left_seq),
    # a past member finds no text edited after they left (conversations/past.py)
    sa.or_(member.left_at.is_(None), msg.edited_at.is_(None), msg.edited_at <= member.left_at),
)
COLUMNS = (
    msg.id,
    msg.conversation_id,
    msg.seq,
    users.c.handle.label("sender"),
    msg.kind,
    msg.text,
    msg.created_at,
)
WITH_SENDER = messages.join(users, users.c.id == msg.sender_id)


async def list_message_hits(
    conn: AsyncConnection,
    user_id: int,
    q: str,
    *,
    before: tuple[int, int] | None,
    limit: int,
) -> list[Any]:
    """Visible messages containing `q`, newest first, below the (created_at, id) `before`."""
    query = _visible(user_id, MATCHERS[conn.dialect.name](q))
    query = query.where(msg.recalled_at.is_(None))
    if before is not None:
        query = query.where(sa.tuple_(msg.created_at, msg.id) < sa.tuple_(*before))
    query = query.order_by(msg.created_at.desc(), msg.id.desc()).limit(limit)
    return list((await conn.execute(query)).all())


def _visible(user_id: int, match: Match) -> sa.Select[Any]:
    """Matching messages in the user's windows: from the matches when an index found them,
    else from the user's memberships (an index on (conversation_id, seq) bounds the scan)."""
    if match.start_from_matches:
        in_a_window = sa.exists().where(member.user_id == user_id, IN_WINDOW)
        return sa.select(*COLUMNS).select_from(WITH_SENDER).where(match.condition, in_a_window)
    joined = conversation_members.join(WITH_SENDER, IN_WINDOW)
    return sa.select(*COLUMNS).select_from(joined).where(member.user_id == user_id, match.condition)
