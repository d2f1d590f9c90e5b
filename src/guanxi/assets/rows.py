"""Asset rows made into asset values: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

from guanxi.assets.models import Job, Placeholder


def job_from_row(row: Any) -> Job:
    return Job(
        id=row.id,
        user_id=row.user_id,
        kind=row.kind,
        state=row.state,
        format=row.format,
        options=row.options or {},
        done=row.progress_done,
        total=row.progress_total,
        size=row.size,
        path=row.path,
        counts=row.counts,
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        expires_at=row.expires_at,
    )


def placeholder_from_row(row: Any) -> Placeholder:
    """A `placeholders` row joined with its user's `display_name`."""
    return Placeholder(
        user_id=row.user_id,
        owner_id=row.owner_id,
        source=row.source,
        external_key=row.external_key,
        handle=row.handle,
        display_name=row.display_name,
        linked_user_id=row.linked_user_id,
        created_at=row.created_at,
    )
