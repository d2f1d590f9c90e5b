"""The background runner of exports and imports.

A job waits in `asset_jobs` (queued): the table is the queue. One task per kind claims the
oldest queued job (queued → running in one conditional update) and runs the jobs one at a time
(an export or an import is heavy work: running them one after another bounds what one user, or
many, can make the server do at once). It is woken by a job submitted in its own process and
looks for jobs queued by other workers every `POLL_SECONDS`. The work reports progress; the
runner writes it to the row and sends it to the user's devices at most once a second, and ends
each job as done or failed with an event. A job a crash or a stop cut short (still running when
a runner starts) is failed with code `interrupted`; its work cleans up after itself (see each
kind's `cleanup`), and the user may start it again. Queued jobs wait in the table meanwhile.

With several workers over one database, one runner per kind runs in the whole community: the
worker holding its lease (`leases/service.py`) starts it, so a running job is failed as
interrupted only by the runner that took over after its holder's lease ran out, never by a
sibling's start-up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from guanxi.assets import store_jobs
from guanxi.assets.models import DONE, FAILED, RUNNING, Job
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import DomainError
from guanxi.eventlog.event_type import EventType
from guanxi.eventlog.service import EventLog

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 1000
POLL_SECONDS = 2.0  # how often a runner looks for jobs queued by other workers


@dataclass(frozen=True, kw_only=True)
class JobOutcome:
    """What a finished job leaves: its final progress, an export's archive (path, size, expiry),
    an import's counts."""

    done: int
    total: int
    size: int | None = None
    path: str | None = None
    counts: dict[str, int] | None = None
    expires_at: int | None = None


class Progress:
    """Handed to the work: `await progress(done, total)` as often as it likes; the runner
    writes and sends it at most once a second (and always the last call before the end)."""

    def __init__(self, runner: JobRunner, job: Job) -> None:
        self.runner = runner
        self.job = job
        self._sent_at = 0

    async def __call__(self, done: int, total: int) -> None:
        now = self.runner.clock.now_ms()
        if now - self._sent_at < PROGRESS_INTERVAL_MS:
            return
        self._sent_at = now
        await self.runner.update(
            self.job, self.runner.progress_event, progress_done=done, progress_total=total
        )


class JobGone(Exception):
    """The job's row is gone while it ran: its user deleted their account (which deletes their
    jobs). The runner cleans up after the work and goes on with the next job."""


Work = Callable[[Job, Progress], Awaitable[JobOutcome]]
Cleanup = Callable[[Job], Awaitable[None]]


class JobRunner:
    def __init__(
        self,
        db: Database,
        events: EventLog,
        clock: Clock,
        *,
        kind: str,
        progress_event: EventType[Any],
        done_event: EventType[Any],
        work: Work,
        cleanup: Cleanup,
    ) -> None:
        self.db = db
        self.events = events
        self.clock = clock
        self.kind = kind
        self.progress_event = progress_event
        self.done_event = done_event
        self.work = work
        self.cleanup = cleanup
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        async with self.db.read() as conn:
            unfinished = await store_jobs.list_unfinished_jobs(conn, self.kind)
        for job in unfinished:
            if job.state == RUNNING:
                await self._fail(job, "interrupted", "The server stopped while this ran.")
        self._task = asyncio.create_task(self._forever(), name=f"{self.kind} jobs")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def submit(self, job: Job) -> None:
        """A (queued, committed) job waits: look now, if this process runs the jobs (else the
        worker that does finds it within `POLL_SECONDS`)."""
        self._wake.set()

    async def update(self, job: Job, event: EventType[Any] | None, **values: Any) -> Job:
        """Write columns of the job and, with an event, tell the user's devices after commit."""
        key = self.kind  # the payload's one key: "export" or "import"

        async def unit(tx: Tx) -> Job:
            now = await store_jobs.update_job(tx.conn, job.id, **values)
            if now is None:
                raise JobGone(job.id)
            if event is not None:
                payload = cast(Any, {key: now.to_wire()})
                await self.events.record(
                    tx, event, payload, recipients=[now.user_id], user_id=now.user_id
                )
            return now

        return await self.db.write(unit)

    async def _forever(self) -> None:
        while True:
            try:
                ran = await self._run_next()
            except Exception:  # the database is away: look again after a while
                log.exception("%s jobs: could not take the next", self.kind)
                ran = False
            if not ran:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
                self._wake.clear()

    async def _run_next(self) -> bool:
        """Claim the oldest queued job and run it; whether there was one."""
        async with self.db.read() as conn:
            waiting = await store_jobs.list_queued_jobs(conn, self.kind, limit=1)
        if not waiting:
            return False
        now = self.clock.now_ms()
        job = await self.db.write(lambda tx: store_jobs.claim_job(tx.conn, waiting[0].id, now))
        if job is not None:  # else another runner took it first (or its user deleted it)
            await self._run(job)
        return True

    async def run_here(self, job: Job, work: Work) -> Job:
        """Run a (running, committed) job now, in the caller's task, with another work (a
        command line tool's, which reports progress its own way); the job as it ended."""
        await self._run(job, work)
        async with self.db.read() as conn:
            ended = await store_jobs.get_job(conn, job.id)
        assert ended is not None
        return ended

    async def _run(self, job: Job, work: Work | None = None) -> None:
        try:
            await self._attempt(job, work)
        except JobGone:
            await self.cleanup(job)
        except Exception:  # the runner outlives any one job (a full disk while failing it)
            log.exception("%s job %s could not be ended", self.kind, job.id)

    async def _attempt(self, job: Job, work: Work | None = None) -> None:
        if job.started_at is None:  # a command line tool's, made running: claimed by no runner
            job = await self.update(job, None, started_at=self.clock.now_ms())
        try:
            outcome = await (work or self.work)(job, Progress(self, job))
        except asyncio.CancelledError:
            raise  # a stop: the job stays running and is failed as interrupted at next start
        except JobGone:
            raise
        except DomainError as error:
            await self._fail(job, error.code, error.message, error)
            return
        except Exception:
            log.exception("%s job %s failed", self.kind, job.id)
            await self._fail(job, "internal", "Something went wrong on the server.")
            return
        await self.update(
            job,
            self.done_event,
            state=DONE,
            finished_at=self.clock.now_ms(),
            progress_done=outcome.done,
            progress_total=outcome.total,
            size=outcome.size,
            path=outcome.path,
            counts=outcome.counts,
            expires_at=outcome.expires_at,
        )

    async def _fail(
        self, job: Job, code: str, message: str, error: DomainError | None = None
    ) -> None:
        await self.cleanup(job)
        where = {
            "file": str(getattr(error, "file", "")),
            "record": str(getattr(error, "record", "")),
        }
        await self.update(
            job,
            self.done_event,
            state=FAILED,
            finished_at=self.clock.now_ms(),
            error={"code": code, "message": message, **where},
        )
