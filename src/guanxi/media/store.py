"""SQL for media rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.media.models import Media
from guanxi.media.tables import media

m = media.c


async def insert_media(conn: AsyncConnection, item: Media) -> None:
    values = {name: getattr(item, name) for name in Media.__dataclass_fields__}
    await conn.execute(sa.insert(media).values(values))


async def get_media(conn: AsyncConnection, media_id: str) -> Media | None:
    row = (await conn.execute(sa.select(media).where(m.id == media_id))).first()
    return Media.from_row(row) if row is not None else None


async def get_media_by_sha256(conn: AsyncConnection, sha256: str) -> Media | None:
    """Any earlier upload of the same bytes (its probe and variants can be reused)."""
    query = sa.select(media).where(m.sha256 == sha256).order_by(m.created_at).limit(1)
    row = (await conn.execute(query)).first()
    return Media.from_row(row) if row is not None else None


async def list_media(conn: AsyncConnection, media_ids: Iterable[str]) -> dict[str, Media]:
    wanted = list(set(media_ids))
    if not wanted:
        return {}
    rows: list[Any] = list((await conn.execute(sa.select(media).where(m.id.in_(wanted)))).all())
    return {row.id: Media.from_row(row) for row in rows}
