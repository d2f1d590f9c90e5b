"""Moments vouch for media: whoever may see a moment may download what it carries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.clock import Clock
from guanxi.media.access import carried_by
from guanxi.moments import store
from guanxi.moments.access import can_see
from guanxi.moments.tables import moment_media


class MomentMediaReferrer:
    """The media domain's `MediaReferrer` for moments (wired in services.py)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def can_see(self, conn: AsyncConnection, user_id: int, media_id: str) -> bool:
        now = self.clock.now_ms()
        for row in await store.list_moments_with_media(conn, media_id):
            if await can_see(conn, user_id, row, now):
                return True
        return False

    async def referenced(self, conn: AsyncConnection, media_ids: list[str]) -> set[str]:
        """The items some moment carries (a deleted moment's rows are gone)."""
        return await carried_by(conn, moment_media.c.media_id, media_ids)
