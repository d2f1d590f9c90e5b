"""SQL for media rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.media.models import Media
from guanxi.media.rows import media_from_row
from guanxi.media.tables import media

m = media.c


async def insert_media(conn: AsyncConnection, item: Media) -> None:
    values = {name: getattr(item, name) for name in Media.__dataclass_fields__}
    await conn.execute(sa.insert(media).values(values))


async def insert_media_many(conn: AsyncConnection, items: list[Media]) -> None:
    if items:
        names = Media.__dataclass_fields__
        rows = [{name: getattr(item, name) for name in names} for item in items]
        await conn.execute(sa.insert(media), rows)


async def get_media(conn: AsyncConnection, media_id: str) -> Media | None:
    row = (await conn.execute(sa.select(media).where(m.id == media_id))).first()
    return media_from_row(row) if row is not None else None


async def get_media_by_owner_sha256(
    conn: AsyncConnection, owner_id: int, sha256: str
) -> Media | None:
    """The owner's own earlier upload of the same bytes (its probe and variants can be
    reused). Never another user's: reusing theirs would answer faster and tell the uploader
    that someone else holds the file."""
    query = (
        sa.select(media)
        .where(m.owner_id == owner_id, m.sha256 == sha256)
        .order_by(m.created_at)
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return media_from_row(row) if row is not None else None


def _first_by_sha256() -> sa.Select[Any]:
    """The owner's earliest item of each of the hashes: one statement, built once (its
    parameters `owner_id` and `hashes`, a list)."""
    first = sa.func.row_number().over(partition_by=m.sha256, order_by=(m.created_at, m.id))
    wanted: sa.BindParameter[list[str]] = sa.bindparam("hashes", expanding=True)
    ranked = (
        sa.select(media, first.label("rank"))
        .where(m.owner_id == sa.bindparam("owner_id"), m.sha256.in_(wanted))
        .subquery()
    )
    return sa.select(*(ranked.c[column.name] for column in media.c)).where(ranked.c.rank == 1)


FIRST_BY_SHA256 = _first_by_sha256()


async def list_media_by_owner_sha256(
    conn: AsyncConnection, owner_id: int, hashes: Iterable[str]
) -> dict[str, Media]:
    """`get_media_by_owner_sha256` for many hashes at once: the earliest of each found."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    found = await conn.execute(FIRST_BY_SHA256, {"owner_id": owner_id, "hashes": wanted})
    return {row.sha256: media_from_row(row) for row in found.all()}


async def list_media(conn: AsyncConnection, media_ids: Iterable[str]) -> dict[str, Media]:
    wanted = list(set(media_ids))
    if not wanted:
        return {}
    rows: list[Any] = list((await conn.execute(sa.select(media).where(m.id.in_(wanted)))).all())
    return {row.id: media_from_row(row) for row in rows}


async def list_media_created_before(
    conn: AsyncConnection, before_ms: int, after: tuple[int, str] | None, limit: int
) -> list[Media]:
    """Items uploaded before `before_ms`, oldest first, after the position `after`
    (created_at, id) of an earlier page."""
    query = sa.select(media).where(m.created_at < before_ms)
    if after is not None:
        query = query.where(sa.tuple_(m.created_at, m.id) > sa.tuple_(*after))
    query = query.order_by(m.created_at, m.id).limit(limit)
    return [media_from_row(row) for row in (await conn.execute(query)).all()]


async def delete_media(conn: AsyncConnection, media_ids: Iterable[str]) -> None:
    wanted = list(set(media_ids))
    if wanted:
        await conn.execute(sa.delete(media).where(m.id.in_(wanted)))


async def list_used_blobs(conn: AsyncConnection, hashes: Iterable[str]) -> set[str]:
    """Which of these blobs some item still serves (as itself, a preview or a thumbnail)."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    used: set[str] = set()
    for column in (m.served_sha256, m.preview_sha256, m.thumbnail_sha256):
        query = sa.select(column).where(column.in_(wanted)).distinct()
        used.update((await conn.execute(query)).scalars())
    return used


async def sum_served_size(conn: AsyncConnection, owner_id: int) -> int:
    """The bytes served of every item the owner holds (their quota's use)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(m.served_size), 0)).where(m.owner_id == owner_id)
    return int((await conn.execute(query)).scalar_one())


async def list_blobs_page(
    conn: AsyncConnection, after_id: str, limit: int
) -> tuple[set[str], str | None]:
    """The blobs (served, preview, thumbnail) of up to `limit` items with ids after
    `after_id`, in id order, and the id to go on from (None after the last)."""
    query = sa.select(m.id, m.served_sha256, m.preview_sha256, m.thumbnail_sha256)
    rows = (await conn.execute(query.where(m.id > after_id).order_by(m.id).limit(limit))).all()
    hashes = {sha for row in rows for sha in row[1:] if sha is not None}
    return hashes, (rows[-1].id if len(rows) == limit else None)
