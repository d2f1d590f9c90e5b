"""SQL for pages of moments across many authors, newest first.

Per author, an index range scan on (author_id, created_at, id) between the author's time bound
and the cursor, newest first, limited; the audience condition mirrors
`visibility.audience_admits`, with the viewer's tags as the author gave them. A page reads at
most (authors × page size) index entries, however many moments the server or the authors hold.

One statement text for every viewer: the authors and their bounds go in as one JSON parameter
(feed_sqlite.py walks it with `json_each`, feed_postgres.py with `jsonb_to_recordset` and
`CROSS JOIN LATERAL`). Two passes: the first reads a few moments per author; the second reads
on only for the authors whose moments may still reach the page, and no further back than the
page's oldest moment so far.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.moments import feed_postgres, feed_sqlite
from guanxi.moments.models import Position

TEMPLATES = {"sqlite": feed_sqlite.TEMPLATE, "postgresql": feed_postgres.TEMPLATE}
CONTAINS = f"AND lower(x.text) LIKE :pattern ESCAPE '{LIKE_ESCAPE}'"
EARLIEST = -(2**63)  # the time bound of a scope without one: before any BIGINT time
LATEST = (2**63 - 1, 2**63 - 1)  # the cursor of a first page: after any (created_at, id)
FIRST_TAKE = 2  # moments per author in the first pass (at least)

Key = tuple[int, int]  # (created_at, id): the feed's order, newest first


@dataclass(frozen=True)
class AuthorScope:
    """Which of one author's moments a viewer may see."""

    author_id: int
    own: bool  # the viewer's own moments: every audience, no time bound
    viewer_tags: frozenset[str] = frozenset()  # the author's tags on the viewer
    since: int | None = None  # the author's moments_visible bound


@dataclass(frozen=True)
class Span:
    """One author's moments to read: within the scope, from `since` to just below `before`."""

    scope: AuthorScope
    since: int
    before: Key


async def list_visible(
    conn: AsyncConnection,
    scopes: Sequence[AuthorScope],
    before: Position | None,
    limit: int,
    text: str | None = None,
) -> list[sa.Row[Any]]:
    """Up to `limit` moments of these authors within their scopes, older than `before`,
    newest first; with `text`, only those containing it (case-insensitive)."""
    start = (before.created_at, before.id) if before is not None else LATEST
    spans = [Span(s, EARLIEST if s.since is None else s.since, start) for s in scopes]
    take = min(limit, max(FIRST_TAKE, -(-limit // max(1, len(spans)))))
    rows = await _read(conn, spans, take, limit, text)
    more = _second_spans(spans, rows, take, limit)
    rows += await _read(conn, more, limit - take, limit, text)
    rows.sort(key=_key, reverse=True)
    return rows[:limit]


def _second_spans(
    spans: Sequence[Span], rows: Sequence[sa.Row[Any]], take: int, limit: int
) -> list[Span]:
    """Where the page may go on: authors that gave all `take` moments asked of them, the
    oldest newer than the page's `limit`-th moment so far; below that oldest, back to the
    `limit`-th moment's time. Every moment of the page is at least as new as that one."""
    keys = sorted((_key(r) for r in rows), reverse=True)
    floor = keys[limit - 1] if len(keys) >= limit else None
    count: dict[int, int] = {}
    oldest: dict[int, Key] = {}
    for row in rows:
        count[row.author_id] = count.get(row.author_id, 0) + 1
        oldest[row.author_id] = min(oldest.get(row.author_id, LATEST), _key(row))
    more = []
    for span in spans:
        author = span.scope.author_id
        if count.get(author, 0) < take or (floor is not None and oldest[author] <= floor):
            continue
        since = span.since if floor is None else max(span.since, floor[0])
        more.append(Span(span.scope, since, oldest[author]))
    return more


async def _read(
    conn: AsyncConnection, spans: Sequence[Span], take: int, limit: int, text: str | None
) -> list[sa.Row[Any]]:
    """The newest `limit` of up to `take` moments of each span, newest first."""
    if not spans or take <= 0:
        return []
    params: dict[str, Any] = {"scopes": spans_json(spans), "take": take, "limit": limit}
    if text:
        params["pattern"] = like_pattern(text.lower())
    query = statement(conn.dialect.name, bool(text))
    return list((await conn.execute(query, params)).all())


def _key(row: sa.Row[Any]) -> Key:
    return (row.created_at, row.id)


@functools.cache
def statement(dialect: str, contains: bool) -> sa.TextClause:
    """The feed statement for this database, with or without the text condition."""
    return sa.text(TEMPLATES[dialect].format(contains=CONTAINS if contains else ""))


def spans_json(spans: Sequence[Span]) -> str:
    """The spans as the statements read them."""
    return orjson.dumps(
        [
            {
                "author_id": span.scope.author_id,
                "since": span.since,
                "before_at": span.before[0],
                "before_id": span.before[1],
                "own": span.scope.own,
                "tags": sorted(span.scope.viewer_tags),
            }
            for span in spans
        ]
    ).decode()
