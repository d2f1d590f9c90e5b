"""Collecting what nothing uses any more: items no message or moment carries (a recalled
message's, a deleted moment's, an upload never sent), and blobs no item serves.

A periodic task of the server (`GUANXI_MEDIA_COLLECT_INTERVAL_SECONDS`). Each run does a
bounded amount of work (`GUANXI_MEDIA_COLLECT_BATCH`):

1. the next page of items uploaded before the grace period (`GUANXI_MEDIA_GRACE_SECONDS`),
   oldest first, resuming where the last run stopped; the referrers (`access.MediaReferrer`)
   say which are still carried, the rest are deleted in one write unit that asks them again
   (a message sent meanwhile keeps its item);
2. their blobs, and the blobs in the next folders of the store (a sweep that reaches every
   blob in turn: originals kept by earlier versions, a crash's leftovers), are deleted when
   no item serves them and no upload put or reused them within the grace period;
3. files left in the staging folder longer than the grace period.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.media import store
from guanxi.media.access import MediaReferrer
from guanxi.media.models import Media
from guanxi.media.storage import MediaStorage
from guanxi.periodic import Periodic
from guanxi.settings import Settings

log = logging.getLogger("guanxi.media")


@dataclass(frozen=True)
class Collected:
    items: int
    blobs: int


class MediaCollector:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        storage: MediaStorage,
        referrers: list[MediaReferrer],
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.storage = storage
        self.referrers = referrers
        self._after: tuple[int, str] | None = None  # the sweep of items resumes here
        self._bucket = 0  # the sweep of blob folders resumes here
        interval = settings.media_collect_interval_seconds
        self.periodic = Periodic("media-collector", interval, self.run_once)

    async def run_once(self) -> Collected:
        cutoff = self.clock.now_ms() - self.settings.media_grace_seconds * 1000
        unused = await self._unused_items(cutoff)
        deleted = await self.db.write(lambda tx: self._delete_unused(tx, unused)) if unused else []
        hashes = {sha for item in deleted for sha in _blobs_of(item)}
        swept, self._bucket = await self.storage.sweep(
            self._bucket, self.settings.media_collect_batch
        )
        blobs = await self._delete_blobs(hashes.union(swept), cutoff)
        grace_ms = self.settings.media_grace_seconds * 1000
        await self.storage.clear_staging(time.time_ns() // 1_000_000 - grace_ms)
        if deleted or blobs:
            log.info("media collected: %d items, %d blobs", len(deleted), blobs)
        return Collected(len(deleted), blobs)

    async def discard(self, media_ids: list[str]) -> int:
        """Delete these items at once, without the grace period, if no referrer carries them,
        and their files that no other item serves: how many files were deleted."""
        async with self.db.read() as conn:
            candidates = list((await store.list_media(conn, media_ids)).values())
        if not candidates:
            return 0
        deleted = await self.db.write(lambda tx: self._delete_unused(tx, candidates))
        hashes = {sha for item in deleted for sha in _blobs_of(item)}
        return await self._delete_blobs(hashes, self.clock.now_ms() + 1)

    async def _unused_items(self, cutoff: int) -> list[Media]:
        limit = self.settings.media_collect_batch
        async with self.db.read() as conn:
            page = await store.list_media_created_before(conn, cutoff, self._after, limit)
            carried = await self._carried(conn, [item.id for item in page])
        self._after = (page[-1].created_at, page[-1].id) if len(page) == limit else None
        return [item for item in page if item.id not in carried]

    async def _delete_unused(self, tx: Tx, candidates: list[Media]) -> list[Media]:
        carried = await self._carried(tx.conn, [item.id for item in candidates])
        unused = [item for item in candidates if item.id not in carried]
        await store.delete_media(tx.conn, [item.id for item in unused])
        return unused

    async def _carried(self, conn: AsyncConnection, media_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for referrer in self.referrers:
            found |= await referrer.referenced(conn, media_ids)
        return found

    async def _delete_blobs(self, hashes: set[str], cutoff: int) -> int:
        if not hashes:
            return 0
        async with self.db.read() as conn:
            used = await store.list_used_blobs(conn, hashes)
        deleted = 0
        for sha256 in sorted(hashes - used):
            deleted += await self.storage.delete_idle(sha256, cutoff)
        return deleted


def _blobs_of(item: Media) -> Iterable[str]:
    found = (item.served_sha256, item.preview_sha256, item.thumbnail_sha256)
    return [sha for sha in found if sha is not None]
