"""The operator's figures read the domains' tables directly, a page at a time in key order.

Each function reads one page (`limit` rows after a key) in its own short read, so a long
computation never holds one snapshot open (SQLite could not check its log in meanwhile) and
never holds more than a page of rows. Pages are keyed on an index: messages by
`(conversation_id, seq)`, the rest by id. The aggregates (`list_*_activity`) return one row
per user, never one per message.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.models import DIRECT
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.moments.tables import moment_comments, moment_likes, moments
from guanxi.relationships.tables import friend_requests

SYSTEM = "system"  # an imported service line: nobody's message


def after_message(after: tuple[int, int]) -> sa.ColumnElement[bool]:
    """Messages after (conversation id, seq) in that order: the next page's condition. A row
    value, which both databases seek in the `(conversation_id, seq)` index (the same condition
    spelt with OR is read from the conversation's first message on in SQLite)."""
    m = messages.c
    return sa.tuple_(m.conversation_id, m.seq) > sa.tuple_(*after)


def _direct_messages() -> Any:
    m, c = messages.c, conversations.c
    return (
        sa.select(m.conversation_id, m.seq, m.sender_id, m.created_at)
        .select_from(messages.join(conversations, c.id == m.conversation_id))
        .where(c.kind == DIRECT, m.recalled_at.is_(None), m.kind != SYSTEM)
    )


async def list_direct_messages(
    conn: AsyncConnection, after: tuple[int, int], limit: int
) -> list[Any]:
    """Up to `limit` messages of direct chats after (conversation id, seq), in that order."""
    m = messages.c
    query = _direct_messages().where(after_message(after)).order_by(m.conversation_id, m.seq)
    return list(await conn.execute(query.limit(limit)))


async def count_direct_messages(conn: AsyncConnection) -> tuple[int, int | None]:
    """How many messages direct chats hold, and when the first was sent (the windows' start)."""
    query = _direct_messages().with_only_columns(
        sa.func.count(), sa.func.min(messages.c.created_at)
    )
    count, first = (await conn.execute(query)).one()
    return int(count), None if first is None else int(first)


async def list_direct_pairs(conn: AsyncConnection, after_id: int, limit: int) -> list[Any]:
    """Direct chats with both members, after a conversation id: (id, low user, high user)."""
    cm = conversation_members.c
    query = (
        sa.select(
            cm.conversation_id,
            sa.func.min(cm.user_id).label("low"),
            sa.func.max(cm.user_id).label("high"),
        )
        .select_from(
            conversation_members.join(conversations, conversations.c.id == cm.conversation_id)
        )
        .where(conversations.c.kind == DIRECT, cm.conversation_id > after_id)
        .group_by(cm.conversation_id)
        .having(sa.func.count() == 2)
        .order_by(cm.conversation_id)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def list_friend_requests(conn: AsyncConnection, after_id: int, limit: int) -> list[Any]:
    f = friend_requests.c
    query = (
        sa.select(f.id, f.from_user_id, f.to_user_id, f.status, f.created_at, f.answered_at)
        .where(f.id > after_id)
        .order_by(f.id)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def list_people(conn: AsyncConnection, after_id: int, limit: int) -> list[Any]:
    """Accounts of people (no placeholders, none deleted): id and when they joined."""
    u = users.c
    query = (
        sa.select(u.id, u.created_at)
        .where(u.id > after_id, u.is_placeholder.is_(False), u.deleted_at.is_(None))
        .order_by(u.id)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def list_activity(conn: AsyncConnection) -> list[Any]:
    """Per user and kind of thing they put in (messages, moments, likes, comments): how many
    and when the last — one row per user and kind."""
    m, mo, li, co = messages.c, moments.c, moment_likes.c, moment_comments.c
    parts = [
        sa.select(m.sender_id, sa.func.count(), sa.func.max(m.created_at))
        .where(m.recalled_at.is_(None), m.kind != SYSTEM)
        .group_by(m.sender_id),
        sa.select(mo.author_id, sa.func.count(), sa.func.max(mo.created_at)).group_by(mo.author_id),
        sa.select(li.user_id, sa.func.count(), sa.func.max(li.created_at)).group_by(li.user_id),
        sa.select(co.user_id, sa.func.count(), sa.func.max(co.created_at)).group_by(co.user_id),
    ]
    rows: list[Any] = []
    for part in parts:
        rows += list(await conn.execute(part))
    return rows
