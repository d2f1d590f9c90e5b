"""The SQL of a user's own reports ("my year", "us"): only what the user holds.

A user holds the messages inside their window of each conversation they are or were in,
except a direct chat with someone who blocked them and the messages they deleted for themselves
(conversations/store_held.py, the ledger's rule too). Messages are read a page at a time by
`(conversation_id, seq)`; moments, likes and comments as aggregates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.models import GROUP
from guanxi.conversations.store_held import held_query
from guanxi.conversations.store_messages import not_hidden
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.conversations.window import window_clause
from guanxi.insight.operator_rows import SYSTEM, after_message
from guanxi.moments.tables import moment_comments, moment_likes, moments


def _held(user_id: int) -> Any:
    """The user's memberships (with windows) and each direct chat's other member."""
    return held_query(user_id).subquery("held")


async def list_held(conn: AsyncConnection, user_id: int) -> list[Any]:
    """(conversation_id, kind, peer_id or None, joined_seq, left_seq) per conversation held."""
    return list(await conn.execute(sa.select(_held(user_id))))


async def list_held_messages(
    conn: AsyncConnection,
    user_id: int,
    after: tuple[int, int],
    limit: int,
    span: tuple[int, int],
) -> list[Any]:
    """Up to `limit` held messages sent within [since, until), after (conversation_id, seq):
    (conversation_id, seq, sender_id, created_at, kind)."""
    held, m = _held(user_id), messages.c
    query = (
        sa.select(m.conversation_id, m.seq, m.sender_id, m.created_at, m.kind)
        .select_from(
            held.join(
                messages,
                sa.and_(
                    m.conversation_id == held.c.conversation_id,
                    window_clause(m.seq, held.c.joined_seq, held.c.left_seq),
                ),
            )
        )
        .where(
            m.recalled_at.is_(None),
            m.kind != SYSTEM,
            not_hidden(held.c.user_id),
            m.created_at >= span[0],
            m.created_at < span[1],
            after_message(after),
        )
        .order_by(m.conversation_id, m.seq)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def list_moment_engagement(
    conn: AsyncConnection, user_id: int, span: tuple[int, int]
) -> list[Any]:
    """The user's moments posted within the span: (created_at, likes, comments) each."""
    mo = moments.c
    likes = (
        sa.select(sa.func.count())
        .where(moment_likes.c.moment_id == mo.id, moment_likes.c.user_id != user_id)
        .scalar_subquery()
    )
    comments = (
        sa.select(sa.func.count())
        .where(moment_comments.c.moment_id == mo.id, moment_comments.c.user_id != user_id)
        .scalar_subquery()
    )
    query = sa.select(mo.created_at, likes, comments).where(
        mo.author_id == user_id, mo.created_at >= span[0], mo.created_at < span[1]
    )
    return list(await conn.execute(query))


async def count_given(
    conn: AsyncConnection, user_id: int, span: tuple[int, int]
) -> tuple[int, int]:
    """Likes and comments the user gave within the span."""
    li, co = moment_likes.c, moment_comments.c
    likes = sa.select(sa.func.count()).where(
        li.user_id == user_id, li.created_at >= span[0], li.created_at < span[1]
    )
    comments = sa.select(sa.func.count()).where(
        co.user_id == user_id, co.created_at >= span[0], co.created_at < span[1]
    )
    return int((await conn.execute(likes)).scalar_one()), int(
        (await conn.execute(comments)).scalar_one()
    )


async def list_names(conn: AsyncConnection, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(handle, display name) by user id."""
    if not ids:
        return {}
    query = sa.select(users.c.id, users.c.handle, users.c.display_name).where(users.c.id.in_(ids))
    return {row.id: (row.handle, row.display_name) for row in await conn.execute(query)}


async def list_shared_groups(
    conn: AsyncConnection, user_id: int, other_id: int, limit: int
) -> list[str]:
    """Names of the groups both are members of now (at most `limit`)."""
    mine = conversation_members.alias("mine")
    theirs = conversation_members.alias("theirs")
    c = conversations.c
    query = (
        sa.select(c.name)
        .select_from(
            mine.join(theirs, theirs.c.conversation_id == mine.c.conversation_id).join(
                conversations, c.id == mine.c.conversation_id
            )
        )
        .where(
            mine.c.user_id == user_id,
            theirs.c.user_id == other_id,
            mine.c.left_seq.is_(None),
            theirs.c.left_seq.is_(None),
            c.kind == GROUP,
        )
        .order_by(c.id)
        .limit(limit)
    )
    return [row.name for row in await conn.execute(query)]


async def count_moment_feedback(
    conn: AsyncConnection, author_id: int, reader_id: int
) -> tuple[int, int]:
    """Likes and comments `reader` gave on `author`'s moments."""
    mo, li, co = moments.c, moment_likes.c, moment_comments.c
    likes = (
        sa.select(sa.func.count())
        .select_from(moment_likes.join(moments, mo.id == li.moment_id))
        .where(mo.author_id == author_id, li.user_id == reader_id)
    )
    comments = (
        sa.select(sa.func.count())
        .select_from(moment_comments.join(moments, mo.id == co.moment_id))
        .where(mo.author_id == author_id, co.user_id == reader_id)
    )
    return int((await conn.execute(likes)).scalar_one()), int(
        (await conn.execute(comments)).scalar_one()
    )


async def list_chat_messages(
    conn: AsyncConnection, held: Any, after_seq: int, limit: int
) -> list[Any]:
    """Up to `limit` messages of one held conversation (a `list_held` row) after a seq:
    (conversation_id, seq, sender_id, created_at, kind)."""
    m = messages.c
    query = (
        sa.select(m.conversation_id, m.seq, m.sender_id, m.created_at, m.kind)
        .where(
            m.conversation_id == held.conversation_id,
            window_clause(m.seq, held.joined_seq, held.left_seq),
            m.seq > after_seq,
            m.recalled_at.is_(None),
            m.kind != SYSTEM,
        )
        .order_by(m.seq)
        .limit(limit)
    )
    return list(await conn.execute(query))
