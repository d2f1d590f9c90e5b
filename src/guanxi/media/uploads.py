"""What an upload is to the media domain, and receiving one into a spool.

An upload from a device arrives chunk by chunk (`UploadSource`); a file the server holds
already — a member of an archive being imported — can be read in one go (`HeldUpload`): read,
hashed and written to the spool on a thread (zlib, hashlib and file writes release the GIL),
so the event loop does none of it and one thread hop replaces one per chunk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.errors import InvalidInput
from guanxi.media.models import Media
from guanxi.media.spool import Spool

Record = Callable[[AsyncConnection, list[Media]], Awaitable[None]]  # more of a batch's unit


class UploadSource(Protocol):
    """An upload as the edge receives it. `filename` and `declared_type` are known once
    `chunks()` has been read to the end."""

    filename: str
    declared_type: str

    def chunks(self) -> AsyncIterator[bytes]: ...


@runtime_checkable
class HeldUpload(UploadSource, Protocol):
    """An upload whose bytes the server holds already."""

    def copy_to(self, write: Callable[[bytes], None]) -> None:
        """Hand every chunk of the bytes to `write`, in order (on a thread)."""


async def receive(source: UploadSource, folder: Path, image_max: int, other_max: int) -> Spool:
    """The upload in a temporary file, hashed and measured on the way (TooLarge at the first
    byte past its limit; an empty one refused); the caller discards it."""
    spool = Spool(folder, image_max, other_max)
    try:
        if isinstance(source, HeldUpload):
            await asyncio.to_thread(source.copy_to, spool.write)
        else:
            async for chunk in source.chunks():
                spool.write(chunk)
        spool.close()
        if spool.size == 0:
            raise InvalidInput("The file is empty.", "empty_file")
    except BaseException:
        spool.discard()
        raise
    return spool
