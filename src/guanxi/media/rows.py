"""Media rows made into media values: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

from guanxi.media.models import Media


def media_from_row(row: Any) -> Media:
    return Media(
        id=row.id,
        owner_id=row.owner_id,
        sha256=row.sha256,
        kind=row.kind,
        mime=row.mime,
        size=row.size,
        filename=row.filename,
        width=row.width,
        height=row.height,
        duration_ms=row.duration_ms,
        served_sha256=row.served_sha256,
        served_size=row.served_size,
        thumbnail_sha256=row.thumbnail_sha256,
        preview_sha256=row.preview_sha256,
        created_at=row.created_at,
    )
