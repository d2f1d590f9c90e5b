"""SQL for pages of moments across many authors, newest first.

One sub-query per author, each an index range scan on (author_id, created_at, id) limited to
the page size, glued with UNION ALL: a page reads at most (authors × page size) index entries,
however many moments the server or the authors hold. The audience condition mirrors
`visibility.audience_admits`, with the viewer's tags as the author gave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.moments.models import Position
from guanxi.moments.tables import moment_audience_tags, moments

AUTHORS_PER_QUERY = 100


@dataclass(frozen=True)
class AuthorScope:
    """Which of one author's moments a viewer may see."""

    author_id: int
    own: bool  # the viewer's own moments: every audience, no time bound
    viewer_tags: frozenset[str] = frozenset()  # the author's tags on the viewer
    since: int | None = None  # the author's moments_visible bound


def _audience_condition(viewer_tags: frozenset[str]) -> sa.ColumnElement[bool]:
    m = moments.c
    if not viewer_tags:
        return m.audience.in_(("all", "except"))
    at = moment_audience_tags.c
    tagged = sa.exists().where(at.moment_id == m.id, at.tag.in_(sorted(viewer_tags)))
    return sa.or_(
        m.audience == "all",
        sa.and_(m.audience == "only", tagged),
        sa.and_(m.audience == "except", ~tagged),
    )


def _author_select(
    scope: AuthorScope, before: Position | None, limit: int, text: str | None
) -> sa.Select[Any]:
    m = moments.c
    conditions: list[sa.ColumnElement[bool]] = [m.author_id == scope.author_id]
    if before is not None:
        conditions.append(
            sa.or_(
                m.created_at < before.created_at,
                sa.and_(m.created_at == before.created_at, m.id < before.id),
            )
        )
    if scope.since is not None:
        conditions.append(m.created_at >= scope.since)
    if not scope.own:
        conditions.append(_audience_condition(scope.viewer_tags))
    if text:
        conditions.append(sa.func.lower(m.text).contains(text.lower(), autoescape=True))
    newest_first = (m.created_at.desc(), m.id.desc())
    return sa.select(moments).where(*conditions).order_by(*newest_first).limit(limit)


async def list_visible(
    conn: AsyncConnection,
    scopes: Sequence[AuthorScope],
    before: Position | None,
    limit: int,
    text: str | None = None,
) -> list[sa.Row[Any]]:
    """Up to `limit` moments of these authors within their scopes, older than `before`,
    newest first; with `text`, only those containing it (case-insensitive)."""
    rows: list[sa.Row[Any]] = []
    for start in range(0, len(scopes), AUTHORS_PER_QUERY):
        chunk = scopes[start : start + AUTHORS_PER_QUERY]
        rows += await _chunk(conn, chunk, before, limit, text)
    rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return rows[:limit]


async def _chunk(
    conn: AsyncConnection,
    scopes: Sequence[AuthorScope],
    before: Position | None,
    limit: int,
    text: str | None,
) -> list[sa.Row[Any]]:
    parts = [_author_select(s, before, limit, text).subquery() for s in scopes]
    if len(parts) == 1:
        query: sa.Select[Any] = sa.select(parts[0])
    else:
        union = sa.union_all(*(sa.select(part) for part in parts)).subquery()
        query = sa.select(union).order_by(union.c.created_at.desc(), union.c.id.desc())
    return list((await conn.execute(query.limit(limit))).all())
