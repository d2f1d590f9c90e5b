"""Imports as a user asks for them: receive the upload (streamed to the data folder), start the
job, follow it.

Limits: one import of a user's queued or running at a time, `imports_per_day` started in any
24 hours (429 `import_running` / `imports_per_day`, with `Retry-After`), and an upload of at
most `import_max_bytes` (413 `too_large`, at the first byte past it). Another user's import
answers 404, as one that does not exist. The upload lies in `<data dir>/imports/<uuid>.upload`
(owner-only) until its job ends, either way."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal
from guanxi.assets import store_import, store_import_cleanup, store_jobs
from guanxi.assets.bundle import BadArchive, Source
from guanxi.assets.events import IMPORT_DONE, IMPORT_PROGRESS
from guanxi.assets.formats import format_for
from guanxi.assets.ingest import Ingest, Report
from guanxi.assets.ingest_cleanup import Remover
from guanxi.assets.jobs import JobOutcome, JobRunner, Progress
from guanxi.assets.models import IMPORT, IMPORT_FORMATS, RUNNING, Job
from guanxi.assets.source_folder import FolderSource
from guanxi.assets.source_upload import open_upload as open_checked
from guanxi.assets.source_zip import ZipLimits
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import InvalidInput, NotFound, RateLimited, TooLarge
from guanxi.eventlog.service import EventLog
from guanxi.media.service import MediaService
from guanxi.ratelimit import window
from guanxi.search.indexer import SearchIndexer
from guanxi.settings import Settings

log = logging.getLogger(__name__)
DAY_MS = 86_400_000
FOLDER = "imports"
FILE_MODE = 0o600
NAME_MAX = 200


class Upload(Protocol):
    filename: str

    def chunks(self) -> AsyncIterator[bytes]: ...


class ImportService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        events: EventLog,
        media: MediaService,
        indexer: SearchIndexer | None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.folder = settings.data_dir / FOLDER
        self.remover = Remover(db, indexer)
        self.ingest = Ingest(db, clock, settings, media, self.remover)
        self.runner = JobRunner(
            db,
            events,
            clock,
            kind=IMPORT,
            progress_event=IMPORT_PROGRESS,
            done_event=IMPORT_DONE,
            work=self._work,
            cleanup=self._cleanup,
        )

    def prepare(self) -> None:
        """Make the uploads' folder (owner-only): every worker receives uploads."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    async def start(self) -> None:
        """Run the import jobs (one worker at a time: a lease's)."""
        self.prepare()
        await self.runner.start()

    async def stop(self) -> None:
        await self.runner.stop()

    # -- the calls --------------------------------------------------------------------------

    async def check_may_start(self, me: Principal) -> None:
        """Whether the caller may start an import now (asked before an upload is received,
        and again when the job is made)."""
        async with self.db.read() as conn:
            await self._check_limits(conn, me.user.id, self.clock.now_ms())

    async def receive(self, upload: Upload) -> Path:
        """Stream an upload to the data folder, stopping at the first byte past the limit;
        its path."""
        path = self.folder / f"{uuid.uuid4().hex}.upload"
        limit, size = self.settings.import_max_bytes, 0
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as file:
                async for chunk in upload.chunks():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"An import may be at most {limit} bytes.", "too_large")
                    await asyncio.to_thread(file.write, chunk)
            if size == 0:
                raise InvalidInput("The file is empty.", "empty_file")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    async def start_import(
        self,
        me: Principal,
        upload_path: Path,
        format: str = "auto",
        me_name: str | None = None,
        filename: str = "",
    ) -> Job:
        """Queue the import of an upload received (its file is the job's from now on)."""
        if format not in IMPORT_FORMATS:
            _remove(upload_path)
            raise InvalidInput(f"format is one of: {', '.join(IMPORT_FORMATS)}.", "bad_format")
        now = self.clock.now_ms()
        options = {"me": me_name, "filename": _clean_name(filename)}

        async def unit(tx: Tx) -> Job:
            await self._check_limits(tx.conn, me.user.id, now)
            return await store_jobs.insert_job(
                tx.conn,
                user_id=me.user.id,
                kind=IMPORT,
                format=format,
                options=options,
                created_at=now,
                path=str(upload_path),
            )

        try:
            job = await self.db.write(unit)
        except BaseException:
            _remove(upload_path)
            raise
        self.runner.submit(job)
        return job

    async def _check_limits(self, conn: AsyncConnection, user_id: int, now: int) -> None:
        if await store_jobs.count_unfinished_jobs(conn, user_id, IMPORT):
            raise RateLimited(
                "An import of yours is under way; wait for it to finish.", "import_running", 10
            )
        per_day = self.settings.imports_per_day
        started = await store_import.count_imports_since(conn, user_id, now - DAY_MS)
        if started >= per_day:  # a slot frees when the import `started - per_day` leaves the day
            oldest = await store_import.import_started_at(
                conn, user_id, now - DAY_MS, started - per_day
            )
            wait = window.seconds_until_out(oldest, now)
            raise RateLimited(
                f"At most {per_day} imports a day; try again in {window.in_words(wait)}.",
                "imports_per_day",
                wait,
            )

    async def get_import(self, me: Principal, import_id: int) -> Job:
        """One of the caller's imports; anyone else's, or none, is not found."""
        async with self.db.read() as conn:
            job = await store_jobs.get_job(conn, import_id)
        if job is None or job.user_id != me.user.id or job.kind != IMPORT:
            raise NotFound("No such import.")
        return job

    async def remove_user(self, user_id: int) -> None:
        """An account is deleted: its imported conversations (but those it shared with real
        people since, which stay as any group the account leaves), its placeholders (unless
        such a shared conversation still names them), its import jobs and their uploads."""
        async with self.db.read() as conn:
            imported = await store_import_cleanup.list_imported_conversation_ids(conn, user_id)
            shared = [
                c for c in imported if await store_import_cleanup.count_others_in(conn, c, user_id)
            ]
            jobs = await store_jobs.list_jobs(conn, user_id, IMPORT, limit=1_000_000)
        await self.remover.remove_conversations([c for c in imported if c not in shared])
        for job in jobs:
            await self.remover.undo(job.id)
            self._discard(job)

        async def unit(tx: Tx) -> None:
            if not shared:
                people = await store_import_cleanup.list_placeholder_ids(tx.conn, user_id)
                await store_import_cleanup.delete_placeholders(tx.conn, people)
            await store_import_cleanup.delete_import_jobs(tx.conn, user_id)

        await self.db.write(unit)

    async def import_file(
        self,
        handle: str,
        path: Path,
        format: str = "auto",
        me_name: str | None = None,
        report: Report | None = None,
    ) -> Job:
        """Import an export on disk (a file, or an unpacked folder) into an account now, as
        `guanxi import` does: the same job and the same rules, without the upload, the limits
        or the queue; the file is left where it is."""
        if format not in IMPORT_FORMATS:
            raise InvalidInput(f"format is one of: {', '.join(IMPORT_FORMATS)}.", "bad_format")
        async with self.db.read() as conn:
            user = await accounts_store.get_user_by_handle(conn, handle)
        if user is None or user.is_placeholder or user.is_deleted:
            raise NotFound(f"No such user: {handle}.")
        now = self.clock.now_ms()
        options = {"me": me_name, "filename": path.name, "keep": True}

        async def unit(tx: Tx) -> Job:
            return await store_jobs.insert_job(
                tx.conn,
                user_id=user.id,
                kind=IMPORT,
                format=format,
                options=options,
                created_at=now,
                path=str(path),
                state=RUNNING,  # never queued: no server's runner takes it
            )

        job = await self.db.write(unit)

        async def work(job: Job, progress: Progress) -> JobOutcome:
            async def both(done: int, total: int) -> None:
                await progress(done, total)
                if report is not None:
                    await report(done, total)

            return await self._work(job, both)

        return await self.runner.run_here(job, work)

    # -- the job ----------------------------------------------------------------------------

    async def _work(self, job: Job, progress: Report) -> JobOutcome:
        try:
            async with self.db.read() as conn:
                me = await accounts_store.get_user(conn, job.user_id)
            if me is None or me.is_deleted:
                raise NotFound("No such user.")
            source = self._open(job)
            fmt = format_for(job.format, source)
            done = await self.ingest.run(
                job, me, source, fmt, job.options.get("me") or None, progress
            )
        finally:
            self._discard(job)
        return JobOutcome(done=done.done, total=done.total, counts=done.counts)

    def _open(self, job: Job) -> Source:
        if job.path is None or not Path(job.path).exists():
            raise BadArchive("The upload is gone.", "upload_gone")
        return open_upload(Path(job.path), str(job.options.get("filename") or ""), self.settings)

    async def _cleanup(self, job: Job) -> None:
        """A failed or interrupted import: take out what it wrote, and its upload."""
        self._discard(job)
        await self.remover.undo(job.id)

    def _discard(self, job: Job) -> None:
        if job.path is not None and not job.options.get("keep"):
            _remove(Path(job.path))


def open_upload(path: Path, filename: str, settings: Settings) -> Source:
    """The upload as a Source (source_upload.py: a zip, checked whole before anything is read,
    or one file called by the name it was uploaded with — a WhatsApp chat is named by it);
    `guanxi import` may also name a folder (an unpacked export)."""
    if path.is_dir():
        return FolderSource(path)
    return open_checked(path, ZipLimits.from_settings(settings), filename)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable())[:NAME_MAX]
