"""Writing an archive's files into its staging folder: one JSON Lines file per collection
(hashed as it is written, so nothing is read back to hash it), each media file once by its
hash, every record handed to the offline viewer's `ViewerPack` too.

The folder is the server's own (`<data dir>/exports/<job id>.staging/`, owner-only); the zip
is made from it afterwards (export_zip.py) and the folder removed."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import shutil
from pathlib import Path
from typing import IO, Any, Protocol, cast

import orjson

from guanxi.assets.export_format import COLLECTIONS, MEDIA_FOLDER, PROFILE, media_path, path_of
from guanxi.assets.export_records import Record, media_record
from guanxi.media.models import Media
from guanxi.media.storage import LocalMediaStore, MediaStorage
from guanxi.threads import ThreadPool

FOLDER_MODE, FILE_MODE = 0o700, 0o600
BUFFER = 1024 * 1024


class ViewerPackLike(Protocol):
    """The contract of `guanxi.assets.viewer_pack.ViewerPack` (the offline viewer's writer)."""

    def add(self, collection: str, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class _NoViewer:
    """Stands in while `assets/viewer_pack.py` is not there: the archive has no viewer."""

    def add(self, collection: str, record: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


def viewer_pack(root: Path) -> ViewerPackLike:
    name = "guanxi.assets.viewer_pack"
    if importlib.util.find_spec(name) is None:
        return _NoViewer()
    return cast(ViewerPackLike, importlib.import_module(name).ViewerPack(root))


class _Lines:
    """One JSON Lines file being written, its hash kept up as it grows."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        self.handle: IO[bytes] = os.fdopen(fd, "wb", buffering=BUFFER)
        self.sha256 = hashlib.sha256()
        self.count = 0

    def write(self, data: bytes, count: int) -> None:
        self.handle.write(data)
        self.sha256.update(data)
        self.count += count


class ArchiveWriter:
    def __init__(
        self,
        staging: Path,
        storage: MediaStorage,
        files: ThreadPool,
        viewer_id: int,
        pack: ViewerPackLike | None = None,
    ) -> None:
        staging.mkdir(mode=FOLDER_MODE, parents=True)
        (staging / MEDIA_FOLDER).mkdir(mode=FOLDER_MODE)
        self.staging = staging
        self.storage = storage
        self.files = files
        self.viewer_id = viewer_id
        self.pack = pack if pack is not None else viewer_pack(staging)
        self.hashes: dict[str, str] = {}  # path in the archive → SHA-256, of what is finished
        self.lines = {
            name: _Lines(staging / path_of(name)) for name in COLLECTIONS if name != "profile"
        }
        self.missing: set[str] = set()  # media whose bytes the store no longer has

    def write_profile(self, record: Record) -> None:
        data = orjson.dumps(record) + b"\n"
        path = self.staging / PROFILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        self.hashes[PROFILE] = hashlib.sha256(data).hexdigest()
        self.pack.add("profile", record)

    def write(self, collection: str, records: list[Record]) -> None:
        """Append these records to the collection's file (and hand each to the viewer)."""
        if not records:
            return
        self.lines[collection].write(b"".join(_line(r) for r in records), len(records))
        for record in records:
            self.pack.add(collection, record)

    def count(self, collection: str) -> int:
        return self.lines[collection].count

    async def add_media(self, items: list[Media]) -> set[str]:
        """Copy the files of these items not in the archive yet (each once, by hash) and list
        them in media.jsonl; the served hashes among them the archive now holds."""
        present: set[str] = set()
        for item in items:
            sha = item.served_sha256
            if media_path(sha) not in self.hashes and sha not in self.missing:
                await self._copy(item)
            if media_path(sha) in self.hashes:
                present.add(sha)
        return present

    async def _copy(self, item: Media) -> None:
        sha = item.served_sha256
        target = self.staging / media_path(sha)
        try:
            if isinstance(self.storage, LocalMediaStore):
                await self.files.run(_link_or_copy, self.storage.path(sha), target)
            else:
                await self._stream(sha, item.served_size, target)
        except FileNotFoundError:  # collected since the row was read: the record names none
            self.missing.add(sha)
            return
        self.hashes[media_path(sha)] = sha  # content-addressed: the name is the hash
        self.write("media", [media_record(item, self.viewer_id)])

    async def _stream(self, sha: str, size: int, target: Path) -> None:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            async for chunk in self.storage.read(sha, 0, size):
                await self.files.run(handle.write, chunk)

    def close_data(self) -> dict[str, str]:
        """Finish the data files; their hashes (the media's and the JSON files')."""
        for name, lines in self.lines.items():
            lines.handle.close()
            self.hashes[path_of(name)] = lines.sha256.hexdigest()
        return dict(self.hashes)

    def abort(self) -> None:
        for lines in self.lines.values():
            with contextlib.suppress(OSError):
                lines.handle.close()


def _line(record: Record) -> bytes:
    return orjson.dumps(record) + b"\n"


def _link_or_copy(source: Path, target: Path) -> None:
    """The stored blob into the staging folder: a hard link where both are on one disk (the
    blob cannot change: content-addressed), else a copy."""
    try:
        os.link(source, target)
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        shutil.copyfile(source, target)
        target.chmod(FILE_MODE)


def hash_files(root: Path, known: dict[str, str]) -> dict[str, str]:
    """`known` and the SHA-256 of every other file under `root` (the viewer's), by its path
    inside the archive (forward slashes). Blocking: run it on a thread."""
    found = dict(known)
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and name not in found:
            found[name] = _sha256_of(path)
    return found


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(BUFFER), b""):
            digest.update(chunk)
    return digest.hexdigest()
