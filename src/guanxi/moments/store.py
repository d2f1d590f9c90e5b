"""SQL for moments, their media and their audience tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.moments.tables import (
    moment_audience_tags,
    moment_comments,
    moment_likes,
    moment_media,
    moments,
)


async def insert_moment(
    conn: AsyncConnection,
    *,
    author_id: int,
    text: str,
    place: str,
    audience: str,
    created_at: int,
) -> int:
    result = await conn.execute(
        sa.insert(moments)
        .values(
            author_id=author_id, text=text, place=place, audience=audience, created_at=created_at
        )
        .returning(moments.c.id)
    )
    return int(result.scalar_one())


async def insert_media(conn: AsyncConnection, moment_id: int, media_ids: list[str]) -> None:
    if media_ids:
        rows = [
            {"moment_id": moment_id, "position": i, "media_id": m} for i, m in enumerate(media_ids)
        ]
        await conn.execute(sa.insert(moment_media), rows)


async def insert_audience_tags(conn: AsyncConnection, moment_id: int, tags: list[str]) -> None:
    if tags:
        rows = [{"moment_id": moment_id, "tag": tag} for tag in tags]
        await conn.execute(sa.insert(moment_audience_tags), rows)


async def get_moment(conn: AsyncConnection, moment_id: int) -> sa.Row[Any] | None:
    return (await conn.execute(sa.select(moments).where(moments.c.id == moment_id))).first()


async def list_moment_stamps(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, int]:
    """id → created_at of those of these moments that still exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = sa.select(moments.c.id, moments.c.created_at).where(moments.c.id.in_(wanted))
    return {row.id: row.created_at for row in (await conn.execute(query)).all()}


async def list_media(conn: AsyncConnection, moment_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(set(moment_ids))
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        mm = moment_media.c
        query = sa.select(mm.moment_id, mm.media_id).where(mm.moment_id.in_(ids))
        for row in (await conn.execute(query.order_by(mm.moment_id, mm.position))).all():
            found[row.moment_id].append(row.media_id)
    return found


async def list_audience_tags(
    conn: AsyncConnection, moment_ids: Iterable[int]
) -> dict[int, list[str]]:
    ids = list(set(moment_ids))
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        at = moment_audience_tags.c
        query = sa.select(at.moment_id, at.tag).where(at.moment_id.in_(ids)).order_by(at.tag)
        for row in (await conn.execute(query)).all():
            found[row.moment_id].append(row.tag)
    return found


async def list_moments_with_media(conn: AsyncConnection, media_id: str) -> list[sa.Row[Any]]:
    """Every moment that carries this upload."""
    query = (
        sa.select(moments)
        .join(moment_media, moment_media.c.moment_id == moments.c.id)
        .where(moment_media.c.media_id == media_id)
    )
    return list((await conn.execute(query)).all())


async def delete_moment(conn: AsyncConnection, moment_id: int) -> None:
    """The moment and everything hanging on it (likes and comments go with it by cascade too,
    but are deleted explicitly so no database setting can leave them behind)."""
    for table in (moment_comments, moment_likes, moment_media, moment_audience_tags):
        await conn.execute(sa.delete(table).where(table.c.moment_id == moment_id))
    await conn.execute(sa.delete(moments).where(moments.c.id == moment_id))
