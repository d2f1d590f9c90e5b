"""Where media bytes live: content-addressed by SHA-256, so the same bytes are stored once.

`MediaStorage` is the interface; `LocalMediaStore` keeps blobs under the data folder as
`media/blobs/ab/cd/abcd…` (the path comes from the hash alone, never from anything a user
sent). An S3-compatible store implements the same few calls.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from guanxi.threads import ThreadPool

SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 256 * 1024


class MediaStorage(Protocol):
    def staging_dir(self) -> Path:
        """A local folder for uploads being received (on the same disk as the blobs)."""

    async def put_file(self, source: Path, sha256: str) -> None:
        """Store a finished local file under its hash (idempotent) and remove the file."""

    async def put_bytes(self, data: bytes) -> str:
        """Store bytes (idempotent); return their hash."""

    async def exists(self, sha256: str) -> bool: ...

    async def size(self, sha256: str) -> int: ...

    def read(self, sha256: str, start: int, length: int) -> AsyncIterator[bytes]:
        """`length` bytes from `start`, in chunks."""

    async def delete(self, sha256: str) -> None: ...


class LocalMediaStore:
    def __init__(self, root: Path, files: ThreadPool) -> None:
        self.root = root
        self.files = files  # its own threads: a flood of logins cannot hold up a download

    def staging_dir(self) -> Path:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / "blobs" / sha256[:2] / sha256[2:4] / sha256

    async def put_file(self, source: Path, sha256: str) -> None:
        await self.files.run(self._put_file, source, self.path(sha256))

    async def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not await self.exists(sha256):
            staged = self.staging_dir() / uuid.uuid4().hex
            await self.files.run(staged.write_bytes, data)
            await self.put_file(staged, sha256)
        return sha256

    async def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    async def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    async def read(self, sha256: str, start: int, length: int) -> AsyncIterator[bytes]:
        with self.path(sha256).open("rb") as handle:
            handle.seek(start)
            while length > 0:
                chunk = await self.files.run(handle.read, min(CHUNK, length))
                if not chunk:
                    return
                length -= len(chunk)
                yield chunk

    async def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    @staticmethod
    def _put_file(source: Path, target: Path) -> None:
        """fsync the file, rename it into place, fsync the folder: on disk before any row
        points at it. Bytes already stored stay as they are."""
        try:
            if target.exists():
                return
            with source.open("rb") as handle:
                os.fsync(handle.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            _fsync_dir(target.parent)
        finally:
            source.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
