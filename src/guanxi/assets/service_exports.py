"""Exports as a user asks for them: start one (a background job), follow it, download the
archive once done, until it expires.

Limits: one export of a user's queued or running at a time, and `exports_per_day` started in
any 24 hours (429 `export_running` / `exports_per_day`, with `Retry-After`): an export reads a
user's whole history, so they are few, and the runner makes them one at a time for everyone.
Another user's export answers 404, as one that does not exist; so does an archive before it is
done and after it expired. Archives live in `<data dir>/exports/` (owner-only) and are deleted
by a periodic sweep after `export_retention_hours`, with their job; a failed or interrupted
export leaves nothing behind (the runner's cleanup), nor does a deleted account."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal
from guanxi.assets import store_jobs
from guanxi.assets.events import EXPORT_DONE, EXPORT_PROGRESS
from guanxi.assets.export_run import Exporter, ExportResult, Report, remove_partial
from guanxi.assets.jobs import JobOutcome, JobRunner, Progress
from guanxi.assets.models import DONE, EXPORT, Job
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import NotFound, RateLimited
from guanxi.eventlog.service import EventLog
from guanxi.media.storage import MediaStorage, read_file
from guanxi.periodic import Periodic
from guanxi.settings import Settings
from guanxi.threads import ThreadPool

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
FOLDER = "exports"
SWEEP_BATCH = 100


@dataclass(frozen=True, kw_only=True)
class Archive:
    """A finished export's zip, to be served."""

    path: Path
    size: int
    etag: str  # the job and its size: an archive's bytes never change
    filename: str


class ExportService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        events: EventLog,
        storage: MediaStorage,
        files: ThreadPool,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.folder = settings.data_dir / FOLDER
        self.reads = files  # downloads, as media's
        self.files = ThreadPool("guanxi-export", 1)  # copying, hashing, zipping: a thread of
        self.exporter = Exporter(db, clock, storage, self.files)  # its own, not the downloads'

        self.runner = JobRunner(
            db,
            events,
            clock,
            kind=EXPORT,
            progress_event=EXPORT_PROGRESS,
            done_event=EXPORT_DONE,
            work=self._work,
            cleanup=self._cleanup,
        )
        interval = settings.export_sweep_interval_seconds
        self.sweeper = Periodic("guanxi-export-sweeper", interval, self.sweep_once)

    def prepare(self) -> None:
        """Make the exports' folder (owner-only)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    async def start(self) -> None:
        """Run the export jobs and sweep expired archives (one worker at a time: a lease's)."""
        self.prepare()
        await self.runner.start()
        self.sweeper.start()

    async def stop(self) -> None:
        await self.sweeper.stop()
        await self.runner.stop()

    def close(self) -> None:
        self.files.close()

    # -- the calls --------------------------------------------------------------------------

    async def start_export(self, me: Principal) -> Job:
        """Queue an export of everything the caller may see that is theirs."""
        now = self.clock.now_ms()

        async def unit(tx: Tx) -> Job:
            await self._check_limits(tx, me.user.id, now)
            return await store_jobs.insert_job(
                tx.conn,
                user_id=me.user.id,
                kind=EXPORT,
                format="guanxi",
                options={},
                created_at=now,
            )

        job = await self.db.write(unit)
        self.runner.submit(job)
        return job

    async def _check_limits(self, tx: Tx, user_id: int, now: int) -> None:
        if await store_jobs.count_unfinished_jobs(tx.conn, user_id, EXPORT):
            raise RateLimited(
                "An export of yours is under way; wait for it to finish.", "export_running", 10
            )
        per_day = self.settings.exports_per_day
        latest = await store_jobs.list_jobs(tx.conn, user_id, EXPORT, limit=per_day)
        if len(latest) >= per_day and latest[-1].created_at > now - DAY_MS:
            wait = (latest[-1].created_at + DAY_MS - now) // 1000 + 1
            raise RateLimited(
                f"At most {per_day} exports a day; try again later.", "exports_per_day", wait
            )

    async def get_export(self, me: Principal, export_id: int) -> Job:
        """One of the caller's exports; anyone else's, or none, is not found."""
        async with self.db.read() as conn:
            job = await store_jobs.get_job(conn, export_id)
        if job is None or job.user_id != me.user.id or job.kind != EXPORT or self._expired(job):
            raise NotFound("No such export.")
        return job

    async def open_archive(self, me: Principal, export_id: int) -> Archive:
        """The finished archive of one of the caller's exports (404 before it is done)."""
        job = await self.get_export(me, export_id)
        path = self._file(job)
        if job.state != DONE or path is None or not path.is_file():
            raise NotFound("The archive is not ready.", "archive_not_ready")
        size = path.stat().st_size
        day = self.clock.now_ms() if job.finished_at is None else job.finished_at
        stamp = _date(day)
        return Archive(
            path=path,
            size=size,
            etag=f"export-{job.id}-{size}",
            filename=f"guanxi-{me.user.handle}-{stamp}.zip",
        )

    def read_archive(self, archive: Archive, start: int, length: int) -> AsyncIterator[bytes]:
        """`length` bytes of the archive from `start`, read on the file threads downloads use."""
        return read_file(archive.path, start, length, self.reads)

    async def export_to(self, handle: str, target: Path, report: Report) -> ExportResult:
        """An operator's export (`guanxi export`): the same archive, written to `target`
        directly, with no job, limit or expiry."""
        async with self.db.read() as conn:
            user = await accounts_store.get_user_by_handle(conn, handle)
        if user is None or user.is_deleted:
            raise NotFound(f"No such user: {handle}.")
        return await self.exporter.export(user.id, target, report)

    # -- the job ----------------------------------------------------------------------------

    def target(self, job_id: int) -> Path:
        return self.folder / f"{job_id}.zip"

    async def _work(self, job: Job, progress: Progress) -> JobOutcome:
        result = await self.exporter.export(job.user_id, self.target(job.id), progress)
        retention = self.settings.export_retention_hours * HOUR_MS
        return JobOutcome(
            done=result.records,
            total=result.records,
            size=result.size,
            path=f"{FOLDER}/{job.id}.zip",
            counts=result.counts,
            expires_at=self.clock.now_ms() + retention,
        )

    async def _cleanup(self, job: Job) -> None:
        await self.files.run(remove_partial, self.target(job.id))

    # -- retention and deletion -------------------------------------------------------------

    async def sweep_once(self) -> int:
        """Delete up to a batch of expired archives with their jobs; how many went."""
        async with self.db.read() as conn:
            expired = await store_jobs.list_expired_jobs(
                conn, self.clock.now_ms(), limit=SWEEP_BATCH
            )
        gone = [job for job in expired if job.kind == EXPORT]
        for job in gone:
            await self.files.run(remove_partial, self.target(job.id))

        async def unit(tx: Tx) -> None:
            for job in gone:
                await store_jobs.delete_job(tx.conn, job.id)

        if gone:
            await self.db.write(unit)
        return len(gone)

    async def remove_files(self, paths: list[str]) -> None:
        """Remove job files (paths in the data folder, as jobs record them) after their jobs
        were deleted: a deleted account's archives, with any staging an export left."""
        await self.files.run(_remove_files, self.settings.data_dir, paths)

    def _file(self, job: Job) -> Path | None:
        return _inside(self.settings.data_dir, job.path) if job.path else None

    def _expired(self, job: Job) -> bool:
        return job.expires_at is not None and job.expires_at <= self.clock.now_ms()


def _inside(root: Path, path: str) -> Path | None:
    """`root / path` when it stays inside root (a job's path is the server's own, but a path
    is never trusted to point where it says)."""
    found = (root / path).resolve()
    return found if found.is_relative_to(root.resolve()) else None


def _remove_files(root: Path, paths: list[str]) -> None:
    for path in paths:
        found = _inside(root, path)
        if found is None:
            continue
        if found.suffix == ".zip":
            remove_partial(found)
        else:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                os.unlink(found)


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y%m%d")
