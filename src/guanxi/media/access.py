"""Who may use and see media.

Media knows nothing of messages or moments (they sit above it), so it asks *referrers*:
each domain that can show an item registers one with `MediaService.add_referrer` (wired in
`services.py`). Conversations registers a referrer for messages; moments registers its own
for the moments a user may see. The uploader may always see their own upload. The same
referrers say which items are still in use (references are computed, not counted, so no
domain has to remember to release what it held).
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.errors import InvalidInput
from guanxi.media import store
from guanxi.media.models import Media


class MediaReferrer(Protocol):
    async def can_see(self, conn: AsyncConnection, user_id: int, media_id: str) -> bool:
        """Whether something this domain shows to the user carries the item."""

    async def referenced(self, conn: AsyncConnection, media_ids: list[str]) -> set[str]:
        """Which of these items something this domain holds still carries (a message not
        recalled, a moment not deleted). The collector deletes items no referrer names."""


async def access_own_media(
    conn: AsyncConnection, user_id: int, media_id: str, kinds: tuple[str, ...]
) -> Media:
    """An upload the user owns, of one of these kinds, to attach to a message or moment."""
    item = await store.get_media(conn, media_id)
    if item is None or item.owner_id != user_id:
        raise InvalidInput("media_id names no upload of yours.", "bad_media")
    if item.kind not in kinds:
        raise InvalidInput(
            f"This upload is a {item.kind}; here it must be: {', '.join(kinds)}.", "media_kind"
        )
    return item


async def carried_by(
    conn: AsyncConnection, column: sa.Column[Any], media_ids: list[str]
) -> set[str]:
    """Which of these items a referrer's `media_id` column names (for `referenced`)."""
    if not media_ids:
        return set()
    query = sa.select(column).where(column.in_(media_ids)).distinct()
    return {value for value in (await conn.execute(query)).scalars() if value is not None}
