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

A viewer's feed and search (`list_of_viewer`) do not take the scopes from the caller: the first
pass's statement finds the authors itself (FRIENDS_TEMPLATE), so no per-friend work is done in
Python. A viewer with many friends first reads the server's newest moments and checks each
(NEWEST_TEMPLATE): a page then costs a few index reads per moment checked, whatever the number
of friends; it falls back to the per-author way when that does not fill a page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.moments import feed_postgres, feed_sqlite
from guanxi.moments.models import Position

TEMPLATES = {"sqlite": feed_sqlite.TEMPLATE, "postgresql": feed_postgres.TEMPLATE}
FRIENDS_TEMPLATES = {
    "sqlite": feed_sqlite.FRIENDS_TEMPLATE,
    "postgresql": feed_postgres.FRIENDS_TEMPLATE,
}
CONTAINS = f"AND lower(x.text) LIKE :pattern ESCAPE '{LIKE_ESCAPE}'"
EARLIEST = -(2**63)  # the time bound of a scope without one: before any BIGINT time
LATEST = (2**63 - 1, 2**63 - 1)  # the cursor of a first page: after any (created_at, id)
FIRST_TAKE = 2  # moments per author in the first pass (at least)
NEWEST_SCAN = 10  # moments per page row the newest-first way reads, at most
NEWEST_TEMPLATES = {
    "sqlite": feed_sqlite.NEWEST_TEMPLATE,
    "postgresql": feed_postgres.NEWEST_TEMPLATE,
}
COUNT_FRIENDS = sa.text("SELECT count(*) FROM friendships WHERE user_id = :viewer")

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


async def list_of_viewer(
    conn: AsyncConnection,
    viewer_id: int,
    windows: Mapping[str, int],
    *,
    for_feed: bool,
    before: Position | None,
    limit: int,
    text: str | None = None,
    newest_from: int | None = None,
) -> list[sa.Row[Any]]:
    """As `list_visible` over the viewer and every friend whose moments may reach them, the
    authors found by the first pass's statement itself (FRIENDS_TEMPLATE): `windows` maps a
    `moments_visible` setting to its time bound now (a setting not named: no bound); with
    `for_feed`, friends the viewer hid from their feed are left out. A viewer with at least
    `newest_from` friends first tries the server's newest moments (NEWEST_TEMPLATE); without
    `text` only."""
    start = (before.created_at, before.id) if before is not None else LATEST
    names = sorted(windows)
    since = {f"since_{i}": windows[name] for i, name in enumerate(names)}
    params: dict[str, Any] = {
        "viewer": viewer_id,
        "earliest": EARLIEST,
        "for_feed": for_feed,
        "before_at": start[0],
        "before_id": start[1],
        "limit": limit,
    }
    params |= since
    if newest_from is not None and not text and await _friends(conn, viewer_id) >= newest_from:
        rows = await _newest(conn, params, tuple(names))
        if len(rows) == limit:
            return rows
    take = min(limit, FIRST_TAKE)
    params["take"] = take
    if text:
        params["pattern"] = like_pattern(text.lower())
    query = friends_statement(conn.dialect.name, bool(text), tuple(names))
    rows = list((await conn.execute(query, params)).all())
    spans = [Span(_scope_of(row), row.scope_since, start) for row in _first_of_each(rows)]
    more = _second_spans(spans, rows, take, limit)
    rows += await _read(conn, more, limit - take, limit, text)
    rows.sort(key=_key, reverse=True)
    return rows[:limit]


async def _friends(conn: AsyncConnection, viewer_id: int) -> int:
    """How many friendship rows the viewer has (a count over the primary key's range)."""
    return int(await conn.scalar(COUNT_FRIENDS, {"viewer": viewer_id}) or 0)


async def _newest(
    conn: AsyncConnection, params: dict[str, Any], names: tuple[str, ...]
) -> list[sa.Row[Any]]:
    """The newest `:limit` moments the viewer may see among the server's newest
    `NEWEST_SCAN × :limit` below the cursor (NEWEST_TEMPLATE; `params` as `list_of_viewer`'s).
    Only a full page is the answer: then no moment newer than its last was left out; fewer may
    have missed some further back."""
    query = newest_statement(conn.dialect.name, names)
    scan = {"scan": NEWEST_SCAN * params["limit"]}
    return list((await conn.execute(query, params | scan)).all())


def _first_of_each(rows: Sequence[sa.Row[Any]]) -> list[sa.Row[Any]]:
    """One row per author (the scope columns are the same on all of an author's rows)."""
    seen: dict[int, sa.Row[Any]] = {}
    for row in rows:
        seen.setdefault(row.author_id, row)
    return list(seen.values())


def _scope_of(row: sa.Row[Any]) -> AuthorScope:
    """The scope columns of a FRIENDS_TEMPLATE row (SQLite gives the tags as JSON text)."""
    tags = row.scope_tags
    if isinstance(tags, str):
        tags = orjson.loads(tags)
    since = None if row.scope_since == EARLIEST else row.scope_since
    return AuthorScope(
        row.author_id, own=bool(row.scope_own), viewer_tags=frozenset(tags), since=since
    )


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
def friends_statement(dialect: str, contains: bool, windows: tuple[str, ...]) -> sa.TextClause:
    """The first pass of a viewer's feed, the settings in `windows` bounded by `:since_<i>`."""
    template = FRIENDS_TEMPLATES[dialect]
    contains_text = CONTAINS if contains else ""
    return sa.text(template.format(contains=contains_text, since=_since(windows)))


@functools.cache
def newest_statement(dialect: str, windows: tuple[str, ...]) -> sa.TextClause:
    """The newest moments of everyone, checked for the viewer (NEWEST_TEMPLATE)."""
    return sa.text(NEWEST_TEMPLATES[dialect].format(since=_since(windows)))


def _since(windows: tuple[str, ...]) -> str:
    """The author's time bound: a CASE over `u.moments_visible`, `:since_<i>` per setting."""
    assert all(name.isalnum() for name in windows)  # settings' names, never input
    whens = " ".join(
        f"WHEN '{name}' THEN CAST(:since_{i} AS BIGINT)" for i, name in enumerate(windows)
    )
    if not windows:
        return "CAST(:earliest AS BIGINT)"
    return f"CASE u.moments_visible {whens} ELSE CAST(:earliest AS BIGINT) END"


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
