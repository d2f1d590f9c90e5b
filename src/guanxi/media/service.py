"""Uploading media and opening it for download, with access checked."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import DomainError, InvalidInput, NotFound, TooLarge
from guanxi.media import store
from guanxi.media.access import MediaReferrer
from guanxi.media.clean_av import Cleaned
from guanxi.media.collector import MediaCollector
from guanxi.media.gate import PerUserGate
from guanxi.media.images import ImageLimits, Renditions, render
from guanxi.media.models import DERIVED_MIME, FILE, IMAGE, VIDEO, Blob, Media, Probe
from guanxi.media.names import clean_filename, served_name
from guanxi.media.poster import clean_recording
from guanxi.media.probe import contradicts, demuxer_for, probe_av, sniff_image
from guanxi.media.spool import Spool
from guanxi.media.storage import MediaStorage
from guanxi.media.uploads import Record, UploadSource, receive
from guanxi.media.workers import MediaWorkers
from guanxi.settings import Settings

BATCH_FILES = 8  # an upload_batch's files received at once
T = TypeVar("T")


class MediaService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, storage: MediaStorage
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.storage = storage
        self.workers = MediaWorkers(settings.media_processes, settings.media_job_seconds)
        self.gate = PerUserGate(settings.media_jobs_per_user)
        self.referrers: list[MediaReferrer] = []
        self.collector = MediaCollector(db, clock, settings, storage, self.referrers)

    async def start(self) -> None:
        """Make the store's folders (owner-only). Collecting unused media (`collector`) is
        started by the worker holding its lease (services.py)."""
        await asyncio.to_thread(self.storage.prepare)

    async def stop(self) -> None:
        """Stop the collector and the worker processes."""
        await self.collector.periodic.stop()
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        self.workers.close()

    def start_workers(self) -> None:
        """Start the worker processes now, in the background, if they are not running: for a
        job about to send them files (an import), which would otherwise wait for their start
        (~1 s: new interpreters importing the server's modules) at its first image or
        recording."""
        self.workers.start()

    def add_referrer(self, referrer: MediaReferrer) -> None:
        """Let another domain (messages, moments) vouch that a user may see an item."""
        self.referrers.append(referrer)

    async def upload(
        self, owner_id: int, source: UploadSource, *, images_only: bool = False
    ) -> Media:
        """Receive, check, store (bytes on disk first), then record the item. `images_only`
        (a profile picture): anything but an image is refused before a byte of it is stored."""
        async with self.db.read() as conn:
            self._check_quota(await store.sum_served_size(conn, owner_id), 0)
        spool = await self._spool(source)
        try:
            if images_only and sniff_image(spool.head) is None:
                raise InvalidInput(
                    "A picture must be an image (JPEG, PNG, WebP, GIF, HEIC, AVIF).", "media_kind"
                )
            async with self.db.read() as conn:
                earlier = await store.get_media_by_owner_sha256(conn, owner_id, spool.sha256)
            item = await self._checked(owner_id, spool, source, earlier)
        finally:
            spool.discard()

        async def unit(tx: Tx) -> Media:
            self._check_quota(await store.sum_served_size(tx.conn, owner_id), item.served_size)
            await store.insert_media(tx.conn, item)
            return item

        return await self.db.write(unit)

    async def upload_batch(
        self, owner_id: int, sources: list[UploadSource], record: Record | None = None
    ) -> list[Media | DomainError]:
        """`upload` for the files of one job (an import), recorded in ONE write unit (with
        `record`'s statements, if given, for the items it stores): each file gets its item or
        the error `upload` would have raised for it. The same checks file by file (size,
        kind, cleaning, the per-user gate for what a worker decodes); the quota as if they
        came one after the other — a file is refused when the owner's use plus the files
        accepted before it would pass it — summed once. BATCH_FILES files at a time are
        received at once (so their blobs' fsyncs overlap) and their owner's earlier uploads of
        the same bytes looked up in one query (docs/architecture.md)."""
        async with self.db.read() as conn:
            try:
                self._check_quota(await store.sum_served_size(conn, owner_id), 0)
            except TooLarge as error:  # full already: each would have been refused
                return [error for _ in sources]
        received: list[Media | DomainError] = []
        for start in range(0, len(sources), BATCH_FILES):
            received += await self._receive_group(owner_id, sources[start : start + BATCH_FILES])

        async def unit(tx: Tx) -> list[Media | DomainError]:
            results = self._within_quota(await store.sum_served_size(tx.conn, owner_id), received)
            stored = [r for r in results if isinstance(r, Media)]
            await store.insert_media_many(tx.conn, stored)
            if record is not None and stored:
                await record(tx.conn, stored)
            return results

        return await self.db.write(unit)

    async def _receive_group(
        self, owner_id: int, sources: list[UploadSource]
    ) -> list[Media | DomainError]:
        """Spool the files at once, look up the owner's earlier uploads of their bytes in one
        query, then check and store them at once: each one's item or its refusal."""
        spooling: list[asyncio.Task[Spool | DomainError]] = []
        try:
            async with asyncio.TaskGroup() as group:
                spooling = [group.create_task(_or_error(self._spool(s))) for s in sources]
            spools = [task.result() for task in spooling]
            hashes = [s.sha256 for s in spools if isinstance(s, Spool)]
            async with self.db.read() as conn:
                earlier = await store.list_media_by_owner_sha256(conn, owner_id, hashes)
            async with asyncio.TaskGroup() as group:
                checking = [
                    group.create_task(self._check_spooled(owner_id, spool, source, earlier))
                    for spool, source in zip(spools, sources, strict=True)
                ]
            return [task.result() for task in checking]
        finally:
            for task in spooling:
                if task.done() and not task.cancelled() and task.exception() is None:
                    spooled = task.result()
                    if isinstance(spooled, Spool):
                        spooled.discard()

    async def _check_spooled(
        self,
        owner_id: int,
        spool: Spool | DomainError,
        source: UploadSource,
        earlier: dict[str, Media],
    ) -> Media | DomainError:
        if not isinstance(spool, Spool):
            return spool
        return await _or_error(self._checked(owner_id, spool, source, earlier.get(spool.sha256)))

    def _within_quota(
        self, used: int, received: list[Media | DomainError]
    ) -> list[Media | DomainError]:
        """The quota applied file by file, in order: a file that would pass it is refused."""
        results: list[Media | DomainError] = []
        for item in received:
            if isinstance(item, Media):
                try:
                    self._check_quota(used, item.served_size)
                except TooLarge as error:
                    results.append(error)
                    continue
                used += item.served_size
            results.append(item)
        return results

    async def _spool(self, source: UploadSource) -> Spool:
        return await receive(
            source,
            self.storage.staging_dir(),
            self.settings.media_image_max_bytes,
            self.settings.media_max_bytes,
        )

    async def _checked(
        self, owner_id: int, spool: Spool, source: UploadSource, earlier: Media | None
    ) -> Media:
        """Check a spooled upload and store its blobs: the item to record. Content a worker
        decodes (an image, a recording) waits for the owner's slot of the gate; a plain file
        needs no worker and no slot. `earlier`: the owner's earlier upload of the same bytes."""
        if sniff_image(spool.head) is None and demuxer_for(spool.head) is None:
            return await self._store(owner_id, spool, source, earlier)
        async with self.gate.slot(owner_id):
            return await self._store(owner_id, spool, source, earlier)

    def _check_quota(self, used: int, adding: int) -> None:
        quota = self.settings.media_quota_bytes
        if used + adding > quota or (adding == 0 and used >= quota):
            raise TooLarge(
                f"Your uploads would take more than your quota of {quota:,} bytes.",
                "quota_exceeded",
            )

    async def _store(
        self, owner_id: int, spool: Spool, source: UploadSource, earlier: Media | None
    ) -> Media:
        template = await self._reusable(earlier)
        if template is not None:
            _check_declared(source.declared_type, template.kind, template.mime)
        else:
            template = await self._describe(spool, source.declared_type)
        return dataclasses.replace(
            template,
            id=secrets.token_urlsafe(16),
            owner_id=owner_id,
            sha256=spool.sha256,
            size=spool.size,
            filename=clean_filename(source.filename),
            created_at=self.clock.now_ms(),
        )

    async def _reusable(self, earlier: Media | None) -> Media | None:
        """The owner's own earlier upload of the same bytes, if its blobs are still there
        (touched, so the collector leaves them until this upload's row exists)."""
        if earlier is None:
            return None
        for blob in (earlier.served_sha256, earlier.preview_sha256, earlier.thumbnail_sha256):
            if blob is not None and not await self.storage.touch(blob):
                return None
        return earlier

    async def _describe(self, spool: Spool, declared: str) -> Media:
        """Probe the content; store the clean copy to serve (and an image's or a video's
        poster frame's preview and thumbnail)."""
        image = sniff_image(spool.head)
        if image is not None:
            _check_declared(declared, IMAGE, image)
            rendered = await self.workers.run(render, spool.path, self._image_limits())
            served = await self.storage.put_bytes(rendered.served)
            preview, thumbnail = await self._put_smaller(rendered.smaller)
            return _template(rendered.probe, served, len(rendered.served), preview, thumbnail)
        try:
            if demuxer_for(spool.head) is None:  # no recording container: probe_av decides
                probe = probe_av(spool.path, spool.head)  # from the head alone (opens nothing)
            else:
                probe = await self.workers.run(probe_av, spool.path, spool.head)
        except DomainError:
            raise
        except Exception as error:  # a reader's bug on a crafted file: the upload's fault
            raise InvalidInput("The upload could not be read.", "unprocessable_media") from error
        _check_declared(declared, probe.kind, probe.mime)
        if probe.kind == FILE:  # a document is sent as it is, its own metadata with it
            await self.storage.put_file(spool.path, spool.sha256)
            return _template(probe, spool.sha256, spool.size, None, None)
        cleaned, poster = await self._clean(spool, probe)
        probe = dataclasses.replace(probe, duration_ms=cleaned.duration_ms)
        preview, thumbnail = await self._put_smaller(poster)
        return _template(probe, cleaned.sha256, cleaned.size, preview, thumbnail)

    async def _put_smaller(self, smaller: Renditions | None) -> tuple[str | None, str | None]:
        """Store a photo's or a video's poster's preview and thumbnail: their hashes."""
        if smaller is None:
            return None, None
        preview = await self.storage.put_bytes(smaller.preview)
        return preview, await self.storage.put_bytes(smaller.thumbnail)

    def _image_limits(self) -> ImageLimits:
        return ImageLimits(
            max_pixels=self.settings.media_image_max_pixels,
            max_frames=self.settings.media_image_max_frames,
            max_animation_ms=int(self.settings.media_image_max_animation_seconds * 1000),
        )

    async def _clean(self, spool: Spool, probe: Probe) -> tuple[Cleaned, Renditions | None]:
        """Store a voice note's or video's remuxed copy without metadata: its hash, size and
        duration (the copy's, from its packets; the upload is never stored beside it), and a
        video's poster frame, made in the same job."""
        target = self.storage.staging_dir() / f"clean-{uuid.uuid4().hex}"
        pixels = self.settings.media_image_max_pixels
        try:
            cleaned, poster = await self.workers.run(
                clean_recording, spool.path, probe.mime, target, pixels
            )
            await self.storage.put_file(cleaned.path, cleaned.sha256)
            return cleaned, poster
        except DomainError:
            raise
        except Exception as error:  # FFmpeg could not read or rewrite it
            code = "bad_video" if probe.kind == VIDEO else "bad_voice"
            message = f"The {probe.kind} could not be checked for metadata: {error}"
            raise InvalidInput(message, code) from error
        finally:
            target.unlink(missing_ok=True)

    async def open(self, user_id: int, media_id: str, variant: str) -> Blob:
        """The bytes to serve for one variant (original, preview, thumbnail) of an item the
        user may see; NotFound otherwise."""
        async with self.db.read() as conn:
            item = await store.get_media(conn, media_id)
            if item is None or not await self._may_see(conn, user_id, item):
                raise NotFound("No such media.")
        return await self._blob(item, variant, user_id)

    async def open_checked(self, conn: AsyncConnection, media_id: str, variant: str) -> Blob:
        """`open` for an item whose caller has checked who may see it (a profile picture:
        the profile's visibility rule, relationships/avatars.py)."""
        item = await store.get_media(conn, media_id)
        if item is None:
            raise NotFound("No such media.")
        return await self._blob(item, variant, item.owner_id)

    async def discard(self, media_ids: list[str]) -> int:
        """Delete these items now if nothing carries them any more (a replaced profile
        picture), with the files no other item serves: how many files went."""
        return await self.collector.discard(media_ids)

    async def _blob(self, item: Media, variant: str, user_id: int) -> Blob:
        if variant == "original":
            attachment = item.kind == FILE
            own = item.owner_id == user_id
            name = served_name(item.kind, item.mime, item.filename, own=own)  # names.py
            return Blob(
                sha256=item.served_sha256,
                size=item.served_size,
                mime=item.mime,
                filename=name,
                attachment=attachment,
            )
        sha256 = item.preview_sha256 if variant == "preview" else item.thumbnail_sha256
        if sha256 is None:
            raise NotFound(f"This item has no {variant}.")  # a file, a voice note, no poster
        try:
            size = await self.storage.size(sha256)
        except FileNotFoundError:  # collected between the row's read and now
            raise NotFound("No such media.") from None
        return Blob(
            sha256=sha256,
            size=size,
            mime=DERIVED_MIME,
            filename=f"{variant}.webp",
            attachment=False,
        )

    async def _may_see(self, conn: AsyncConnection, user_id: int, item: Media) -> bool:
        if item.owner_id == user_id:
            return True
        for referrer in self.referrers:
            if await referrer.can_see(conn, user_id, item.id):
                return True
        return False


async def _or_error(work: Coroutine[Any, Any, T]) -> T | DomainError:
    """The work's result, or the refusal it raised (one file's, in a batch)."""
    try:
        return await work
    except DomainError as error:
        return error


def _check_declared(declared: str, kind: str, mime: str) -> None:
    if contradicts(declared, kind, mime):
        raise InvalidInput(
            f"The content is not the {declared} it is declared as (it is a {kind}).",
            "type_mismatch",
        )


def _template(
    probe: Probe, served: str, served_size: int, preview: str | None, thumbnail: str | None
) -> Media:
    """A Media carrying what the content decides; the upload fills in the rest."""
    return Media(
        id="",
        owner_id=0,
        sha256="",
        kind=probe.kind,
        mime=probe.mime,
        size=0,
        filename="",
        width=probe.width,
        height=probe.height,
        duration_ms=probe.duration_ms,
        served_sha256=served,
        served_size=served_size,
        thumbnail_sha256=thumbnail,
        preview_sha256=preview,
        created_at=0,
    )
