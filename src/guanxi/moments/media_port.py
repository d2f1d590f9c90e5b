"""What moments need to know of uploads, as a Protocol the media domain's adapter fills in."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection


class MediaCatalog(Protocol):
    async def owned_kinds(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> dict[str, str]:
        """The kind ("image", "video", …) of each of these uploads the owner holds; uploads
        that do not exist or belong to someone else are left out."""
        ...


class NoMedia:
    """Until media is wired: no upload exists."""

    async def owned_kinds(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> dict[str, str]:
        return {}
