"""Who may use and see media.

Media knows nothing of messages or moments (they sit above it), so it asks *referrers*:
each domain that can show an item registers one with `MediaService.add_referrer` (wired in
`services.py`). Conversations registers a referrer for messages; moments registers its own
for the moments a user may see. The uploader may always see their own upload.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.errors import InvalidInput
from guanxi.media import store
from guanxi.media.models import Media


class MediaReferrer(Protocol):
    async def can_see(self, conn: AsyncConnection, user_id: int, media_id: str) -> bool:
        """Whether something this domain shows to the user carries the item."""


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
