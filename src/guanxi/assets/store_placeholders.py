"""Placeholder contacts as their owner lists and links them (the import inserts them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.assets.models import Placeholder
from guanxi.assets.rows import placeholder_from_row
from guanxi.assets.tables import placeholders
from guanxi.conversations.tables import conversation_members, messages
from guanxi.conversations.window import window_clause

SYSTEM = "system"


def _select() -> sa.Select[Any]:
    p, u = placeholders.c, users.c
    return sa.select(*placeholders.c, u.display_name).select_from(
        placeholders.join(users, u.id == p.user_id)
    )


async def get_placeholder(conn: AsyncConnection, owner_id: int, user_id: int) -> Placeholder | None:
    """The owner's placeholder with this user id; None for anyone else's."""
    p = placeholders.c
    query = _select().where(p.user_id == user_id, p.owner_id == owner_id)
    row = (await conn.execute(query)).first()
    return None if row is None else placeholder_from_row(row)


async def list_placeholders(
    conn: AsyncConnection, owner_id: int, after_id: int, limit: int
) -> list[Placeholder]:
    """The owner's placeholders with user ids above `after_id`, in id order."""
    p = placeholders.c
    query = (
        _select()
        .where(p.owner_id == owner_id, p.user_id > after_id)
        .order_by(p.user_id)
        .limit(limit)
    )
    return [placeholder_from_row(row) for row in await conn.execute(query)]


async def update_link(conn: AsyncConnection, user_id: int, linked_user_id: int | None) -> None:
    p = placeholders.c
    await conn.execute(
        sa.update(placeholders).where(p.user_id == user_id).values(linked_user_id=linked_user_id)
    )


async def count_linked(conn: AsyncConnection, owner_id: int) -> dict[int, int]:
    """How many of the owner's placeholders are linked to each account."""
    p = placeholders.c
    query = (
        sa.select(p.linked_user_id, sa.func.count())
        .where(p.owner_id == owner_id, p.linked_user_id.is_not(None))
        .group_by(p.linked_user_id)
    )
    return {int(linked): int(n) for linked, n in await conn.execute(query)}


async def list_carried(conn: AsyncConnection, owner_id: int, ids: Sequence[int]) -> dict[int, Any]:
    """Per placeholder: the conversations of the owner it is in, and the messages it sent there
    that the owner holds (inside the owner's window, not recalled, not system lines), with
    their first and last time. Each conversation's messages are read once, whatever the
    number of placeholders in it."""
    if not ids:
        return {}
    shared, sent = carried_queries(owner_id, ids)
    carried: dict[int, Any] = {
        row.user_id: {"conversations": row.conversations} for row in await conn.execute(shared)
    }
    for row in await conn.execute(sent):
        carried.setdefault(row.sender_id, {"conversations": 0}).update(
            messages=row.messages, first_at=row.first_at, last_at=row.last_at
        )
    return carried


def carried_queries(owner_id: int, ids: Sequence[int]) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """`list_carried`'s two statements: conversations shared per placeholder, and messages
    sent per placeholder (tests/test_ledger_plans.py checks their plans)."""
    theirs, mine = conversation_members.alias("theirs"), conversation_members.alias("mine")
    m = messages.c
    shared = (
        sa.select(theirs.c.user_id, sa.func.count().label("conversations"))
        .select_from(
            theirs.join(
                mine,
                sa.and_(
                    mine.c.conversation_id == theirs.c.conversation_id, mine.c.user_id == owner_id
                ),
            )
        )
        .where(theirs.c.user_id.in_(ids))
        .group_by(theirs.c.user_id)
    )
    sent = (
        sa.select(
            m.sender_id,
            sa.func.count().label("messages"),
            sa.func.min(m.created_at).label("first_at"),
            sa.func.max(m.created_at).label("last_at"),
        )
        .select_from(
            mine.join(
                messages,
                sa.and_(
                    m.conversation_id == mine.c.conversation_id,
                    window_clause(m.seq, mine.c.joined_seq, mine.c.left_seq),
                ),
            )
        )
        .where(
            mine.c.user_id == owner_id,
            mine.c.conversation_id.in_(
                sa.select(theirs.c.conversation_id).where(theirs.c.user_id.in_(ids))
            ),
            m.sender_id.in_(ids),
            m.recalled_at.is_(None),
            m.kind != SYSTEM,
        )
        .group_by(m.sender_id)
    )
    return shared, sent
