"""What moments need to know of uploads, as a Protocol the media domain's adapter fills in."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.media import store as media_store


class MediaCatalog(Protocol):
    async def owned_kinds(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> dict[str, str]:
        """The kind ("image", "video", …) of each of these uploads the owner holds; uploads
        that do not exist or belong to someone else are left out."""
        ...


class NoMedia:
    """No upload exists (a service built without media)."""

    async def owned_kinds(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> dict[str, str]:
        return {}


class StoredMedia:
    """The media domain's uploads."""

    async def owned_kinds(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> dict[str, str]:
        items = await media_store.list_media(conn, media_ids)
        return {i: item.kind for i, item in items.items() if item.owner_id == owner_id}
