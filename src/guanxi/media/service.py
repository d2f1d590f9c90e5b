"""Uploading media and opening it for download, with access checked."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import unicodedata
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

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
from guanxi.media.poster import clean_recording
from guanxi.media.probe import contradicts, probe_av, sniff_image
from guanxi.media.spool import Spool
from guanxi.media.storage import MediaStorage
from guanxi.media.workers import MediaWorkers
from guanxi.settings import Settings

FILENAME_MAX = 255


class UploadSource(Protocol):
    """An upload as the edge receives it. `filename` and `declared_type` are known once
    `chunks()` has been read to the end."""

    filename: str
    declared_type: str

    def chunks(self) -> AsyncIterator[bytes]: ...


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
        """Make the store's folders (owner-only) and start collecting unused media."""
        await asyncio.to_thread(self.storage.prepare)
        self.collector.periodic.start()

    async def stop(self) -> None:
        """Stop the collector and the worker processes."""
        await self.collector.periodic.stop()
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        self.workers.close()

    def add_referrer(self, referrer: MediaReferrer) -> None:
        """Let another domain (messages, moments) vouch that a user may see an item."""
        self.referrers.append(referrer)

    async def upload(self, owner_id: int, source: UploadSource) -> Media:
        """Receive, check, store (bytes on disk first), then record the item."""
        async with self.db.read() as conn:
            self._check_quota(await store.sum_served_size(conn, owner_id), 0)
        spool = Spool(
            self.storage.staging_dir(),
            self.settings.media_image_max_bytes,
            self.settings.media_max_bytes,
        )
        try:
            async for chunk in source.chunks():
                spool.write(chunk)
            spool.close()
            if spool.size == 0:
                raise InvalidInput("The file is empty.", "empty_file")
            async with self.gate.slot(owner_id):
                item = await self._store(owner_id, spool, source)
        finally:
            spool.discard()

        async def unit(tx: Tx) -> Media:
            self._check_quota(await store.sum_served_size(tx.conn, owner_id), item.served_size)
            await store.insert_media(tx.conn, item)
            return item

        return await self.db.write(unit)

    def _check_quota(self, used: int, adding: int) -> None:
        quota = self.settings.media_quota_bytes
        if used + adding > quota or (adding == 0 and used >= quota):
            raise TooLarge(
                f"Your uploads would take more than your quota of {quota:,} bytes.",
                "quota_exceeded",
            )

    async def _store(self, owner_id: int, spool: Spool, source: UploadSource) -> Media:
        template = await self._earlier(owner_id, spool.sha256)
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

    async def _earlier(self, owner_id: int, sha256: str) -> Media | None:
        """The owner's own earlier upload of the same bytes, if its blobs are still there
        (touched, so the collector leaves them until this upload's row exists)."""
        async with self.db.read() as conn:
            earlier = await store.get_media_by_owner_sha256(conn, owner_id, sha256)
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
        if variant == "original":
            attachment = item.kind == FILE
            # a photo's or recording's name ("IMG_20240501_Hangzhou.jpg") is the uploader's
            # alone; a file's name is part of what is sent
            name = item.filename if attachment or item.owner_id == user_id else ""
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


def clean_filename(name: str) -> str:
    """The last path segment, without control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    return kept.strip()[:FILENAME_MAX]
