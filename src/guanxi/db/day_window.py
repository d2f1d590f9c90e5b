"""For limits counted over the last 24 hours: when the row `skip` places after the oldest one
counted came in (its slot frees 24 hours later)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def counted_at(
    conn: AsyncConnection, table: sa.Table, owner: sa.ColumnElement[bool], since: int, skip: int
) -> int | None:
    """`created_at` of the owner's row `skip` places after their oldest since `since`, by time
    then id (None when there are no more)."""
    c: Any = table.c
    query = (
        sa.select(c.created_at)
        .where(owner, c.created_at >= since)
        .order_by(c.created_at, c.id)
        .offset(skip)
        .limit(1)
    )
    found = (await conn.execute(query)).scalar_one_or_none()
    return None if found is None else int(found)
