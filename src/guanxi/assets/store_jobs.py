"""SQL for export and import jobs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.assets.models import QUEUED, RUNNING, Job
from guanxi.assets.rows import job_from_row
from guanxi.assets.tables import asset_jobs


async def insert_job(
    conn: AsyncConnection,
    *,
    user_id: int,
    kind: str,
    format: str,
    options: dict[str, Any],
    created_at: int,
    path: str | None = None,
    state: str = QUEUED,
) -> Job:
    """A new job, queued for a runner (or running: a command line tool runs it itself)."""
    result = await conn.execute(
        sa.insert(asset_jobs)
        .values(
            user_id=user_id,
            kind=kind,
            state=state,
            format=format,
            options=options,
            path=path,
            created_at=created_at,
        )
        .returning(*asset_jobs.c)
    )
    return job_from_row(result.one())


async def get_job(conn: AsyncConnection, job_id: int) -> Job | None:
    row = (await conn.execute(sa.select(asset_jobs).where(asset_jobs.c.id == job_id))).first()
    return job_from_row(row) if row is not None else None


async def list_jobs(conn: AsyncConnection, user_id: int, kind: str, *, limit: int) -> list[Job]:
    """A user's latest jobs of one kind, newest first."""
    query = (
        sa.select(asset_jobs)
        .where(asset_jobs.c.user_id == user_id, asset_jobs.c.kind == kind)
        .order_by(asset_jobs.c.id.desc())
        .limit(limit)
    )
    return [job_from_row(row) for row in (await conn.execute(query)).all()]


async def count_unfinished_jobs(conn: AsyncConnection, user_id: int, kind: str) -> int:
    query = sa.select(sa.func.count()).where(
        asset_jobs.c.user_id == user_id,
        asset_jobs.c.kind == kind,
        asset_jobs.c.state.in_((QUEUED, RUNNING)),
    )
    return int((await conn.execute(query)).scalar_one())


async def list_unfinished_jobs(conn: AsyncConnection, kind: str) -> list[Job]:
    """Jobs queued or running (after a restart: the ones a crash cut short), oldest first."""
    query = (
        sa.select(asset_jobs)
        .where(asset_jobs.c.kind == kind, asset_jobs.c.state.in_((QUEUED, RUNNING)))
        .order_by(asset_jobs.c.id)
    )
    return [job_from_row(row) for row in (await conn.execute(query)).all()]


async def list_queued_jobs(conn: AsyncConnection, kind: str, *, limit: int) -> list[Job]:
    """Jobs waiting for a runner, oldest first (queued by any worker)."""
    query = (
        sa.select(asset_jobs)
        .where(asset_jobs.c.state == QUEUED, asset_jobs.c.kind == kind)
        .order_by(asset_jobs.c.id)
        .limit(limit)
    )
    return [job_from_row(row) for row in (await conn.execute(query)).all()]


async def claim_job(conn: AsyncConnection, job_id: int, started_at: int) -> Job | None:
    """Mark a queued job running; None if it is not queued any more (taken, or gone)."""
    result = await conn.execute(
        sa.update(asset_jobs)
        .where(asset_jobs.c.id == job_id, asset_jobs.c.state == QUEUED)
        .values(state=RUNNING, started_at=started_at)
        .returning(*asset_jobs.c)
    )
    row = result.first()
    return job_from_row(row) if row is not None else None


async def update_job(conn: AsyncConnection, job_id: int, **values: Any) -> Job | None:
    """Set columns of a job (state, progress_done, progress_total, size, path, counts, error,
    started_at, finished_at, expires_at) and return it as it is now."""
    result = await conn.execute(
        sa.update(asset_jobs)
        .where(asset_jobs.c.id == job_id)
        .values(**values)
        .returning(*asset_jobs.c)
    )
    row = result.first()
    return job_from_row(row) if row is not None else None


async def list_expired_jobs(conn: AsyncConnection, now: int, *, limit: int) -> list[Job]:
    query = (
        sa.select(asset_jobs)
        .where(asset_jobs.c.expires_at.is_not(None), asset_jobs.c.expires_at <= now)
        .order_by(asset_jobs.c.expires_at)
        .limit(limit)
    )
    return [job_from_row(row) for row in (await conn.execute(query)).all()]


async def delete_job(conn: AsyncConnection, job_id: int) -> None:
    await conn.execute(sa.delete(asset_jobs).where(asset_jobs.c.id == job_id))


async def delete_user_jobs(conn: AsyncConnection, user_id: int) -> list[str]:
    """Forget every job of a user (their account is deleted); the files the caller removes."""
    paths = await conn.execute(
        sa.select(asset_jobs.c.path).where(
            asset_jobs.c.user_id == user_id, asset_jobs.c.path.is_not(None)
        )
    )
    found = [str(p) for p in paths.scalars().all()]
    await conn.execute(sa.delete(asset_jobs).where(asset_jobs.c.user_id == user_id))
    return found
