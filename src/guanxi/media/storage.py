"""Where media bytes live: content-addressed by SHA-256, so the same bytes are stored once.

`MediaStorage` is the interface; `LocalMediaStore` keeps blobs under the data folder as
`media/blobs/ab/cd/abcd…` (the path comes from the hash alone, never from anything a user
sent). Folders are made 0700 and blobs 0600: only the server's own user reads them. An
S3-compatible store implements the same few calls.

Blobs are collected by `media/collector.py` when no item refers to them any more. A blob's
modification time says when an upload last put or reused it: the collector leaves blobs
touched within the grace period alone, so an upload between storing its bytes and recording
its row never loses them.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from guanxi.clock import Clock
from guanxi.threads import ThreadPool

SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 256 * 1024
FOLDER_MODE, FILE_MODE = 0o700, 0o600
BUCKETS = 256 * 256  # the `ab/cd` folders a sweep walks in turn


class MediaStorage(Protocol):
    def prepare(self) -> None:
        """Make the folders (owner-only)."""

    def staging_dir(self) -> Path:
        """A local folder for uploads being received (on the same disk as the blobs)."""

    async def put_file(self, source: Path, sha256: str) -> None:
        """Store a finished local file under its hash (idempotent) and remove the file."""

    async def put_bytes(self, data: bytes) -> str:
        """Store bytes (idempotent); return their hash."""

    async def exists(self, sha256: str) -> bool: ...

    async def touch(self, sha256: str) -> bool:
        """Mark stored bytes as just used (an upload reuses them); False if they are gone."""

    async def size(self, sha256: str) -> int: ...

    def read(self, sha256: str, start: int, length: int) -> AsyncIterator[bytes]:
        """`length` bytes from `start`, in chunks."""

    async def delete_idle(self, sha256: str, before_ms: int) -> bool:
        """Delete the bytes unless put or touched at or after `before_ms`; whether deleted."""

    async def sweep(self, bucket: int, limit: int) -> tuple[list[str], int]:
        """The hashes stored in the buckets from `bucket` on (at least one bucket, about
        `limit` hashes at most) and the bucket to go on from (0 after the last)."""

    async def clear_staging(self, before_ms: int) -> int:
        """Remove files left in the staging folder since before `before_ms` (a crash's), in
        the host's time (uploads being received write them now)."""


class LocalMediaStore:
    def __init__(self, root: Path, files: ThreadPool, clock: Clock) -> None:
        self.root = root
        self.clock = clock  # blobs' times are the server clock's, as the collector's cutoff is
        self.files = files  # its own threads: a flood of logins cannot hold up a download

    def prepare(self) -> None:
        for folder in (self.root, self.root / "blobs", self.root / "tmp"):
            folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            folder.chmod(FOLDER_MODE)

    def staging_dir(self) -> Path:
        folder = self.root / "tmp"
        if not folder.is_dir():
            self.prepare()
        return folder

    def path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / "blobs" / sha256[:2] / sha256[2:4] / sha256

    async def put_file(self, source: Path, sha256: str) -> None:
        await self.files.run(self._put_file, source, self.path(sha256), self._now_ns())

    async def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not await self.touch(sha256):
            staged = self.staging_dir() / uuid.uuid4().hex
            await self.files.run(_write_private, staged, data)
            await self.put_file(staged, sha256)
        return sha256

    async def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    async def touch(self, sha256: str) -> bool:
        try:
            os.utime(self.path(sha256), ns=(self._now_ns(),) * 2)
        except FileNotFoundError:
            return False
        return True

    async def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def read(self, sha256: str, start: int, length: int) -> AsyncIterator[bytes]:
        return read_file(self.path(sha256), start, length, self.files)

    async def delete_idle(self, sha256: str, before_ms: int) -> bool:
        return await self.files.run(_unlink_idle, self.path(sha256), before_ms)

    async def sweep(self, bucket: int, limit: int) -> tuple[list[str], int]:
        return await self.files.run(self._sweep, bucket, limit)

    async def clear_staging(self, before_ms: int) -> int:
        def clear() -> int:
            files = list(self.staging_dir().iterdir())
            return sum(_unlink_idle(path, before_ms) for path in files)

        return await self.files.run(clear)

    def _sweep(self, bucket: int, limit: int) -> tuple[list[str], int]:
        found: list[str] = []
        visited = 0
        while bucket < BUCKETS and len(found) < limit and visited < limit:
            folder = self.root / "blobs" / f"{bucket >> 8:02x}" / f"{bucket & 0xFF:02x}"
            found += [name for name in _names(folder) if SHA256.fullmatch(name)]
            bucket, visited = bucket + 1, visited + 1
        return found, bucket % BUCKETS

    def _now_ns(self) -> int:
        return self.clock.now_ms() * 1_000_000

    @staticmethod
    def _put_file(source: Path, target: Path, now_ns: int) -> None:
        """fsync the file, rename it into place, fsync the folder: on disk before any row
        points at it. Bytes already stored stay as they are (and count as just used)."""
        try:
            if target.exists():
                os.utime(target, ns=(now_ns, now_ns))
                return
            source.chmod(FILE_MODE)
            with source.open("rb") as handle:
                os.fsync(handle.fileno())
            for folder in (target.parent.parent, target.parent):
                folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
            os.utime(source, ns=(now_ns, now_ns))
            os.replace(source, target)
            _fsync_dir(target.parent)
        finally:
            source.unlink(missing_ok=True)


async def read_file(path: Path, start: int, length: int, files: ThreadPool) -> AsyncIterator[bytes]:
    """`length` bytes of a file from `start`, in chunks read on `files`' threads (a file once
    opened is read to the end even if it is deleted meanwhile)."""
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = await files.run(handle.read, min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _unlink_idle(path: Path, before_ms: int) -> bool:
    try:
        if path.stat().st_mtime_ns // 1_000_000 >= before_ms:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _names(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder)]
    except FileNotFoundError:
        return []


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
