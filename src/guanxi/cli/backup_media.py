"""The media of a backup: every blob the database snapshot refers to, and nothing it does not.

Blobs are content-addressed and never changed in place, so a copy taken at any time is the
right bytes; what can go wrong is a blob that is gone. The collector (media/collector.py)
deletes a blob once no item serves it *and* no upload put or reused it within the grace
period. So a blob the snapshot refers to could be deleted after the snapshot was taken (its
message recalled meanwhile, its item and blob older than the grace period) and before it is
copied. `Pins` closes that gap: before the snapshot, every blob in the store is hard-linked
into a folder of the store's own disk; the collector may unlink the store's name, not ours.
A blob the snapshot refers to that is not pinned was stored after the pinning began, so it is
younger than the grace period and the collector leaves it alone; it is pinned right after the
snapshot, before the copying starts. Blobs stored after the snapshot are not copied: no row of
the snapshot names them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.clock import Clock
from guanxi.db.backup import BackupError, FileEntry, copy_file
from guanxi.media import store
from guanxi.media.storage import BUCKETS, LocalMediaStore
from guanxi.settings import Settings
from guanxi.threads import ThreadPool

PIN_PREFIX = "backup-pins-"
PAGE = 10_000
IN_BACKUP = re.compile(r"media/([0-9a-f]{2})/([0-9a-f]{64})")
Advance = Callable[[int], None]


def media_store(settings: Settings) -> LocalMediaStore:
    """The server's blob store in the data folder (services.py makes the same one)."""
    return LocalMediaStore(settings.data_dir / "media", ThreadPool("guanxi-backup", 2), Clock())


def backup_name(sha256: str) -> str:
    """Where a blob is kept in a backup folder."""
    return f"media/{sha256[:2]}/{sha256}"


def blob_of(name: str) -> str | None:
    """The hash of the blob a backup file holds, or None for a file that is not a blob."""
    found = IN_BACKUP.fullmatch(name)
    return found[2] if found and found[2].startswith(found[1]) else None


async def referenced_blobs(conn: AsyncConnection) -> set[str]:
    """Every blob an item of the database serves (original as served, preview, thumbnail)."""
    found: set[str] = set()
    after: str | None = ""
    while after is not None:
        page, after = await store.list_blobs_page(conn, after, PAGE)
        found |= page
    return found


class Pins:
    """Hard links to the store's blobs, in `media/backup-pins-<pid>-<random>/`, removed at the
    end (and, if a backup was killed, by the next one)."""

    def __init__(self, media: LocalMediaStore) -> None:
        self.media = media
        self.folder = media.root / f"{PIN_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> Pins:
        for stale in self.media.root.glob(f"{PIN_PREFIX}*"):
            if not _alive(stale.name.removeprefix(PIN_PREFIX).split("-")[0]):
                shutil.rmtree(stale, ignore_errors=True)
        return self

    def __exit__(self, *_: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    async def pin_all(self, advance: Advance) -> None:
        """Pin every blob in the store now (`advance` counts the store's BUCKETS folders)."""
        if not (self.media.root / "blobs").is_dir():
            advance(BUCKETS)
            return
        bucket = 0
        while True:
            hashes, following = await self.media.sweep(bucket, PAGE)
            for sha256 in hashes:
                self.pin(sha256)
            advance((following or BUCKETS) - bucket)
            if following == 0:
                return
            bucket = following

    def pin(self, sha256: str) -> bool:
        """Pin one blob; False if the store does not hold it."""
        source, link = self.media.path(sha256), self.folder / sha256
        try:
            os.link(source, link)
        except FileExistsError:
            return True
        except FileNotFoundError:
            if not source.exists() or self.folder.is_dir():
                return False
            self.folder.mkdir(mode=0o700)  # at the first pin
            return self.pin(sha256)
        except OSError as exc:
            raise BackupError(f"cannot hard-link {source} into {self.folder}: {exc}") from exc
        return True

    def pinned(self, sha256: str) -> Path:
        return self.folder / sha256


def pin_each(pins: Pins, hashes: Iterable[str]) -> list[str]:
    """Pin the blobs the snapshot refers to that were stored after `pin_all`; the hashes of
    those the store does not hold (a data folder already missing them)."""
    return sorted(sha256 for sha256 in hashes if not pins.pin(sha256))


def copy_blobs(
    pins: Pins, hashes: Iterable[str], folder: Path, advance: Advance
) -> tuple[dict[str, FileEntry], list[str]]:
    """Copy the pinned blobs into the backup folder; the files listed for the manifest, and
    the hashes of blobs whose bytes are no longer their hash (damaged on disk: left out)."""
    files: dict[str, FileEntry] = {}
    damaged: list[str] = []
    for sha256 in sorted(hashes):
        source = pins.pinned(sha256)
        if not source.exists():
            continue  # reported by pin_each
        target = folder / backup_name(sha256)
        entry = copy_file(source, target, advance)
        if entry.sha256 != sha256:
            target.unlink()
            damaged.append(sha256)
        else:
            files[backup_name(sha256)] = entry
    return files, damaged


def pinned_size(pins: Pins, hashes: Iterable[str]) -> int:
    total = 0
    for sha256 in hashes:
        with contextlib.suppress(FileNotFoundError):
            total += pins.pinned(sha256).stat().st_size
    return total


async def restore_blobs(
    media: LocalMediaStore, folder: Path, names: Iterable[str], advance: Advance
) -> int:
    """Put the backup's blobs into the (empty) store; how many."""
    media.prepare()
    count = 0
    for name in names:
        sha256 = blob_of(name)
        assert sha256 is not None
        staged = media.staging_dir() / f"restore-{sha256}"
        copy_file(folder / name, staged, advance)
        await media.put_file(staged, sha256)
        count += 1
    return count


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
