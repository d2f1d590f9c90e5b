"""Messages vouch for media: whoever can see a message may download what it carries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_messages
from guanxi.conversations.tables import messages
from guanxi.media.access import carried_by


class MessageMediaReferrer:
    """The media domain's `MediaReferrer` for messages (wired in services.py)."""

    async def can_see(self, conn: AsyncConnection, user_id: int, media_id: str) -> bool:
        return await store_messages.exists_visible_media(conn, user_id, media_id)

    async def referenced(self, conn: AsyncConnection, media_ids: list[str]) -> set[str]:
        """The items some message carries (a recalled message carries none)."""
        return await carried_by(conn, messages.c.media_id, media_ids)
