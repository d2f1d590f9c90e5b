"""An import's attachments, stored through the media domain's own upload path: the same
checks, cleaning, size limits and quota as an upload from a device. A file the media domain
refuses (too large, over the quota, not what it claims, unreadable) is counted as skipped and
its entry comes in without it; a file is uploaded once per import however often it is used.
The files new in a batch of entries go up together (`MediaService.upload_batch`): each checked
and stored as an upload is, their rows recorded in one write unit, not one each — the unit
that also names them among the job's writes (import_writes), so an import that fails later
takes them out with the rest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.assets import store_import
from guanxi.assets.bundle import Attachment, BadArchive, Source
from guanxi.errors import DomainError
from guanxi.media.models import Media
from guanxi.media.service import MediaService
from guanxi.media.uploads import UploadSource

CHUNK = 1 << 16


@dataclass(frozen=True, kw_only=True)
class Stored:
    media_id: str
    kind: str


class SourceFile:
    """A file of the source as the media domain's UploadSource."""

    def __init__(self, source: Source, path: str, name: str) -> None:
        self.source = source
        self.path = path
        self.filename = name  # the name the export gives it (none: none, as exported)
        self.declared_type = ""  # the content decides, as for an upload without a type

    async def chunks(self) -> AsyncIterator[bytes]:
        stream: BinaryIO = await asyncio.to_thread(self.source.open, self.path)
        try:
            while chunk := await asyncio.to_thread(stream.read, CHUNK):
                yield chunk
        finally:
            stream.close()

    def copy_to(self, write: Callable[[bytes], None]) -> None:
        """The whole file, read on the caller's thread (the media domain's HeldUpload)."""
        with self.source.open(self.path) as stream:
            while chunk := stream.read(CHUNK):
                write(chunk)


class MediaImport:
    def __init__(self, media: MediaService, source: Source, owner_id: int, job_id: int) -> None:
        self.media = media
        self.source = source
        self.owner_id = owner_id
        self.job_id = job_id
        self._names = set(source.names())
        self._done: dict[str, Stored | None] = {}
        self.stored = 0
        self.skipped = 0

    async def store_all(self, attachments: list[Attachment | None]) -> list[Stored | None]:
        """`store` for each: the files not stored yet go up as one batch (one write unit)."""
        fresh: dict[str, str] = {}  # path → the name it first comes with
        for attachment in attachments:
            if attachment is None or attachment.path is None or attachment.path in self._done:
                continue
            if attachment.path not in self._names:  # named by the export, but not in it
                self._done[attachment.path] = None
                self.skipped += 1
                continue
            fresh.setdefault(attachment.path, attachment.name)
        if fresh:
            sources: list[UploadSource] = [
                SourceFile(self.source, path, name) for path, name in fresh.items()
            ]
            results = await self.media.upload_batch(self.owner_id, sources, self._record)
            for path, result in zip(fresh, results, strict=True):
                self._done[path] = self._stored(result)
        return [
            self._done[a.path] if a is not None and a.path is not None else None
            for a in attachments
        ]

    async def store(self, attachment: Attachment | None) -> Stored | None:
        """The item for an attachment, stored on first use; None when the export left the
        file out or the media domain refused it."""
        return (await self.store_all([attachment]))[0]

    async def _record(self, conn: AsyncConnection, items: list[Media]) -> None:
        """In the unit that records the items: they are this job's writes."""
        await store_import.insert_writes(
            conn, self.job_id, store_import.MEDIA, [item.id for item in items]
        )

    def _stored(self, result: Media | DomainError) -> Stored | None:
        if isinstance(result, BadArchive):  # the archive itself is bad: the import fails
            raise result
        if isinstance(result, DomainError):  # refused as an upload would be: left out
            self.skipped += 1
            return None
        self.stored += 1
        return Stored(media_id=result.id, kind=result.kind)
