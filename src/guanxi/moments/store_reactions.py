"""SQL for likes and comments on moments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.moments.tables import moment_comments, moment_likes


async def exists_like(conn: AsyncConnection, moment_id: int, user_id: int) -> bool:
    ml = moment_likes.c
    query = sa.select(sa.literal(1)).where(ml.moment_id == moment_id, ml.user_id == user_id)
    return (await conn.execute(query)).first() is not None


async def insert_like(conn: AsyncConnection, moment_id: int, user_id: int, created_at: int) -> None:
    await conn.execute(
        sa.insert(moment_likes).values(moment_id=moment_id, user_id=user_id, created_at=created_at)
    )


async def delete_like(conn: AsyncConnection, moment_id: int, user_id: int) -> bool:
    """Take the like back; whether there was one."""
    ml = moment_likes.c
    result = await conn.execute(
        sa.delete(moment_likes).where(ml.moment_id == moment_id, ml.user_id == user_id)
    )
    return bool(result.rowcount)


async def list_likes(
    conn: AsyncConnection, moment_ids: Iterable[int]
) -> dict[int, list[sa.Row[Any]]]:
    ids = list(set(moment_ids))
    found: dict[int, list[sa.Row[Any]]] = defaultdict(list)
    if ids:
        ml = moment_likes.c
        query = sa.select(moment_likes).where(ml.moment_id.in_(ids))
        for row in (await conn.execute(query.order_by(ml.created_at, ml.user_id))).all():
            found[row.moment_id].append(row)
    return found


async def insert_comment(
    conn: AsyncConnection,
    *,
    moment_id: int,
    user_id: int,
    text: str,
    reply_to_id: int | None,
    reply_to_user_id: int | None,
    created_at: int,
) -> int:
    result = await conn.execute(
        sa.insert(moment_comments)
        .values(
            moment_id=moment_id,
            user_id=user_id,
            text=text,
            reply_to_id=reply_to_id,
            reply_to_user_id=reply_to_user_id,
            created_at=created_at,
        )
        .returning(moment_comments.c.id)
    )
    return int(result.scalar_one())


async def get_comment(conn: AsyncConnection, moment_id: int, comment_id: int) -> sa.Row[Any] | None:
    mc = moment_comments.c
    query = sa.select(moment_comments).where(mc.id == comment_id, mc.moment_id == moment_id)
    return (await conn.execute(query)).first()


async def list_comments_by_id(conn: AsyncConnection, ids: Iterable[int]) -> list[sa.Row[Any]]:
    wanted = list(set(ids))
    if not wanted:
        return []
    query = sa.select(moment_comments).where(moment_comments.c.id.in_(wanted))
    return list((await conn.execute(query)).all())


async def delete_comment(conn: AsyncConnection, comment_id: int) -> None:
    await conn.execute(sa.delete(moment_comments).where(moment_comments.c.id == comment_id))


async def list_comments(
    conn: AsyncConnection, moment_ids: Iterable[int]
) -> dict[int, list[sa.Row[Any]]]:
    ids = list(set(moment_ids))
    found: dict[int, list[sa.Row[Any]]] = defaultdict(list)
    if ids:
        mc = moment_comments.c
        query = sa.select(moment_comments).where(mc.moment_id.in_(ids)).order_by(mc.id)
        for row in (await conn.execute(query)).all():
            found[row.moment_id].append(row)
    return found
