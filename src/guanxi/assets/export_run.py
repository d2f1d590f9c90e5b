"""One export from start to end: count, read page by page, write, manifest, zip.

Used by the background job (service_exports.py) and by `guanxi export` alike. Memory does not
grow with history: the reader holds a page at a time, the writer streams each page to its
file, the zip streams each file; what grows is the set of handles named (people) and of media
hashes (the manifest lists each file anyway)."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.assets import export_records as records
from guanxi.assets import store_export
from guanxi.assets.export_format import COLLECTIONS, PROFILE, path_of
from guanxi.assets.export_reader import ExportReader, Membership
from guanxi.assets.export_writer import ArchiveWriter, ViewerPackLike, hash_files
from guanxi.assets.export_zip import partial_path, write_zip
from guanxi.clock import Clock
from guanxi.db.database import Database
from guanxi.errors import NotFound
from guanxi.media.storage import MediaStorage
from guanxi.threads import ThreadPool

Report = Callable[[int, int], Awaitable[None]]  # (records written, records to write)
COUNTED = ("conversations", "messages", "media", "moments", "friends", "people")


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    path: Path
    size: int
    counts: dict[str, int]
    records: int  # what progress counted: every record but people and media


def staging_path(target: Path) -> Path:
    """The folder an archive is written in before it is zipped to `target`."""
    return target.with_name(target.name.removesuffix(".zip") + ".staging")


def remove_partial(target: Path) -> None:
    """Whatever an export to `target` left when it did not finish (its staging folder, a
    half-written zip), and the zip itself."""
    shutil.rmtree(staging_path(target), ignore_errors=True)
    partial_path(target).unlink(missing_ok=True)
    target.unlink(missing_ok=True)


class Exporter:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        storage: MediaStorage,
        files: ThreadPool,
        pack: Callable[[Path], ViewerPackLike] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.storage = storage
        self.files = files  # zipping and hashing: minutes of file work for a long history
        self.pack = pack

    async def export(self, user_id: int, target: Path, report: Report) -> ExportResult:
        """Write the user's archive to `target` (a .zip); nothing is left behind on failure."""
        async with self.db.read() as conn:
            user = await accounts_store.get_user(conn, user_id)
        if user is None or user.is_deleted:
            raise NotFound("No such user.")
        staging = staging_path(target)
        remove_partial(target)
        writer = ArchiveWriter(
            staging,
            self.storage,
            self.files,
            user.id,
            self.pack(staging) if self.pack is not None else None,
        )
        try:
            return await self._export(user, writer, target, report)
        except BaseException:
            writer.abort()
            remove_partial(target)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    async def _export(
        self, user: User, writer: ArchiveWriter, target: Path, report: Report
    ) -> ExportResult:
        now = self.clock.now_ms()
        reader = ExportReader(self.db, user, now, writer.add_media)
        progress = _Progress(report, await self._total(reader))
        writer.write_profile(records.profile_record(user))
        await progress.add(1)
        async for walk in reader.memberships():
            await self._conversation(reader, writer, walk, progress)
        for name, pages in (
            ("friends", reader.friends()),
            ("blocks", reader.blocks()),
            ("moments", reader.moments()),
            ("interactions", reader.interactions()),
        ):
            async for page in pages:
                writer.write(name, page)
                await progress.add(len(page))
        async for page in reader.people():
            writer.write("people", page)
        return await self._finish(user, writer, target, now, progress.done)

    async def _total(self, reader: ExportReader) -> int:
        conversations, messages = await reader.count_messages()
        async with self.db.read() as conn:
            others = await store_export.count_export_records(conn, reader.user.id)
        return 1 + conversations + messages + sum(others.values())

    async def _conversation(
        self, reader: ExportReader, writer: ArchiveWriter, walk: Membership, progress: _Progress
    ) -> None:
        writer.write("conversations", [await reader.conversation(walk)])
        await progress.add(1)
        async for page in reader.messages(walk):
            writer.write("messages", page)
            await progress.add(len(page))

    async def _finish(
        self, user: User, writer: ArchiveWriter, target: Path, now: int, written: int
    ) -> ExportResult:
        data = writer.close_data()
        counts = {name: writer.count(name) for name in COUNTED}
        manifest = records.manifest_record(exported_at=now, user=user, counts=counts, files=data)
        writer.pack.add("manifest", manifest)
        await self.files.run(writer.pack.close)
        files = await self.files.run(hash_files, writer.staging, data)
        manifest = records.manifest_record(exported_at=now, user=user, counts=counts, files=files)
        body = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
        size = await self.files.run(_zip, writer.staging, body, _order(list(files)), target, now)
        return ExportResult(path=target, size=size, counts=counts, records=written)


class _Progress:
    def __init__(self, report: Report, total: int) -> None:
        self.report = report
        self.total = total
        self.done = 0

    async def add(self, written: int) -> None:
        self.done += written
        self.total = max(self.total, self.done)
        await self.report(self.done, self.total)


def _order(paths: list[str]) -> list[str]:
    """The archive's files in a reader's order: profile and collections, media, the viewer."""
    first = [PROFILE, *(path_of(n) for n in COLLECTIONS if n != "profile")]
    rest = sorted(p for p in paths if p not in first)
    return [p for p in first if p in paths] + sorted(rest, key=lambda p: not p.startswith("media/"))


def _zip(staging: Path, manifest: bytes, paths: list[str], target: Path, now: int) -> int:
    return write_zip(staging, manifest, paths, target, when_ms=now)
