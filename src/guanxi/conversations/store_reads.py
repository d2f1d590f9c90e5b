"""SQL for other members' read markers: who has read a message, and how many.

A member has read a message when their marker reaches its seq and the message lies after
their joining (a marker starts at the joining seq, so without that condition a newcomer would
count as a reader of everything before them). The sender is never a reader of their own
message; `hidden` are the members the viewer may not learn of (a block either way)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.tables import conversation_members

m = conversation_members.c


def _reader_of(seq: int, sender: int, hidden: Iterable[int]) -> sa.ColumnElement[bool]:
    condition = sa.and_(
        m.left_seq.is_(None),
        m.last_read_seq >= seq,
        m.joined_seq < seq,
        m.user_id != sender,
    )
    excluded = list(set(hidden))
    return sa.and_(condition, m.user_id.not_in(excluded)) if excluded else condition


async def list_read_positions(conn: AsyncConnection, conversation_id: int) -> list[Any]:
    """(user_id, handle, joined_seq, last_read_seq) of every active member, in one statement
    (bounded by the group's size)."""
    query = (
        sa.select(m.user_id, users.c.handle, m.joined_seq, m.last_read_seq)
        .join(users, users.c.id == m.user_id)
        .where(m.conversation_id == conversation_id, m.left_seq.is_(None))
    )
    return list((await conn.execute(query)).all())


async def list_readers(
    conn: AsyncConnection,
    conversation_id: int,
    *,
    seq: int,
    sender_id: int,
    hidden: Iterable[int],
    after: int | None,
    limit: int,
) -> list[int]:
    """A page of the user ids (ascending, after `after`) of the active members other than the
    sender who have read the message with this seq."""
    query = sa.select(m.user_id).where(
        m.conversation_id == conversation_id, _reader_of(seq, sender_id, hidden)
    )
    if after is not None:
        query = query.where(m.user_id > after)
    query = query.order_by(m.user_id).limit(limit)
    return [int(uid) for uid in (await conn.execute(query)).scalars()]


async def list_peer_reads(
    conn: AsyncConnection, conversation_ids: list[int], user_id: int
) -> dict[int, tuple[int, int]]:
    """For each direct chat given, (the other member's id, their read marker), in one
    statement."""
    if not conversation_ids:
        return {}
    query = sa.select(m.conversation_id, m.user_id, m.last_read_seq).where(
        m.conversation_id.in_(conversation_ids), m.user_id != user_id, m.left_seq.is_(None)
    )
    rows = (await conn.execute(query)).all()
    return {int(cid): (int(uid), int(seq)) for cid, uid, seq in rows}
