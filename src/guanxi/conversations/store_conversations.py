"""SQL for the conversations table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations.tables import conversation_members, conversations
from guanxi.db.prepared import Prepared


async def insert_conversation(
    conn: AsyncConnection,
    *,
    kind: str,
    name: str,
    owner_id: int | None,
    direct_key: str | None,
    created_at: int,
) -> int:
    result = await conn.execute(
        sa.insert(conversations)
        .values(
            kind=kind,
            name=name,
            announcement="",
            owner_id=owner_id,
            direct_key=direct_key,
            last_seq=0,
            created_at=created_at,
            updated_at=created_at,
        )
        .returning(conversations.c.id)
    )
    return int(result.scalar_one())


async def get_conversation(conn: AsyncConnection, conversation_id: int) -> sa.Row[Any] | None:
    query = sa.select(conversations).where(conversations.c.id == conversation_id)
    return (await conn.execute(query)).first()


async def get_direct_id(conn: AsyncConnection, direct_key: str) -> int | None:
    query = sa.select(conversations.c.id).where(conversations.c.direct_key == direct_key)
    value = (await conn.execute(query)).scalar()
    return int(value) if value is not None else None


async def update_conversation(
    conn: AsyncConnection, conversation_id: int, values: dict[str, Any]
) -> None:
    await conn.execute(
        sa.update(conversations).where(conversations.c.id == conversation_id).values(values)
    )


_NEXT_SEQ = Prepared(
    sa.update(conversations)
    .where(conversations.c.id == sa.bindparam("cid"))
    .values(last_seq=conversations.c.last_seq + 1, updated_at=sa.bindparam("now"))
    .returning(conversations.c.last_seq)
)


async def next_seq(conn: AsyncConnection, conversation_id: int, now: int) -> int:
    """Take the conversation's next seq; the row lock keeps seqs gap-free and unique."""
    return int(await _NEXT_SEQ.scalar(conn, {"cid": conversation_id, "now": now}))


async def list_conversations_of(
    conn: AsyncConnection, user_id: int, before: tuple[int, int, int] | None, limit: int
) -> list[sa.Row[Any]]:
    """A page of the user's active conversations with their membership, pinned ones first,
    then latest activity first: those whose (pinned, updated_at, id) comes after `before` in
    that order. A chat the user deleted for themselves is left out until something new is
    said in it."""
    m = conversation_members.c
    c = conversations.c
    pinned = sa.case((m.is_pinned, 1), else_=0).label("pinned")
    query = (
        sa.select(
            conversations,
            m.last_read_seq,
            m.joined_seq,
            m.is_muted,
            m.is_pinned,
            m.is_archived,
            m.cleared_seq,
            pinned,
        )
        .join(conversation_members, m.conversation_id == c.id)
        .where(
            m.user_id == user_id,
            m.left_seq.is_(None),
            sa.or_(m.cleared_seq == 0, c.last_seq > m.cleared_seq),
        )
    )
    if before is not None:
        query = query.where(sa.tuple_(pinned, c.updated_at, c.id) < sa.tuple_(*before))
    query = query.order_by(pinned.desc(), c.updated_at.desc(), c.id.desc()).limit(limit)
    return list((await conn.execute(query)).all())
