"""Permission checks: who may see which moment, loaded from friendships, blocks and settings."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.errors import NotFound
from guanxi.moments import store
from guanxi.moments.store_feed import AuthorScope
from guanxi.moments.visibility import Post, Tie, admits_viewer, may_see, window_start
from guanxi.relationships import store as relationships_store


def _tie(author_row: Any, viewer_row: Any) -> Tie:
    return Tie(
        frozenset(author_row.tags),
        bool(author_row.hide_my_moments),
        bool(viewer_row.hide_their_moments),
    )


async def friend_ids(conn: AsyncConnection, user_id: int) -> set[int]:
    """The user's friends, less any with a block between them: someone who blocked you does
    not exist for you (no likes or comments of theirs), nor you for them."""
    friends = {row.friend_id for row in await relationships_store.list_friendships(conn, user_id)}
    return friends - await relationships_store.list_blocked_either_way(conn, user_id, friends)


async def friends_among(conn: AsyncConnection, user_id: int, others: Collection[int]) -> set[int]:
    """Those of `others` in `friend_ids(user_id)`, read for them alone (a page's people)."""
    friends = await relationships_store.list_friends_among(conn, user_id, others)
    return friends - await relationships_store.list_blocked_either_way(conn, user_id, friends)


async def ties_of_author(
    conn: AsyncConnection, author_id: int, viewer_ids: Collection[int]
) -> dict[int, Tie]:
    """For each of these viewers who is the author's friend: the tie between them."""
    rows = await relationships_store.list_friendships(conn, author_id)
    mine = {r.friend_id: r for r in rows if r.friend_id in viewer_ids}
    theirs = await relationships_store.list_friendships_about(conn, mine, author_id)
    return {r.user_id: _tie(mine[r.user_id], r) for r in theirs}


async def tie_between(conn: AsyncConnection, author_id: int, viewer_id: int) -> Tie | None:
    author_row = await relationships_store.get_friendship(conn, author_id, viewer_id)
    viewer_row = await relationships_store.get_friendship(conn, viewer_id, author_id)
    if author_row is None or viewer_row is None:
        return None
    return _tie(author_row, viewer_row)


async def post_of(conn: AsyncConnection, row: Any) -> Post:
    tags = (await store.list_audience_tags(conn, [row.id])).get(row.id, [])
    return Post(row.author_id, row.audience, frozenset(tags), row.created_at)


async def can_see(conn: AsyncConnection, viewer_id: int, row: Any, now_ms: int) -> bool:
    """Whether the viewer may see this moment (its page, its likes and comments)."""
    if row.author_id == viewer_id:
        return True
    tie = await tie_between(conn, row.author_id, viewer_id)
    if tie is None:
        return False
    blocked = bool(
        await relationships_store.list_blocked_either_way(conn, viewer_id, [row.author_id])
    )
    author = await accounts_store.get_user(conn, row.author_id)
    assert author is not None
    post = await post_of(conn, row)
    return may_see(
        viewer_id, post, tie, setting=author.moments_visible, now_ms=now_ms, blocked=blocked
    )


async def access_moment(
    conn: AsyncConnection, viewer_id: int, moment_id: int, now_ms: int
) -> sa.Row[Any]:
    """The moment, if the viewer may see it; otherwise NotFound, as if it did not exist."""
    row = await store.get_moment(conn, moment_id)
    if row is None or not await can_see(conn, viewer_id, row, now_ms):
        raise NotFound("No such moment.")
    return row


async def scope_of_author(
    conn: AsyncConnection, viewer_id: int, author_id: int, now_ms: int
) -> AuthorScope | None:
    """One author's moments the viewer may see on the author's page; None: none at all."""
    if author_id == viewer_id:
        return AuthorScope(viewer_id, own=True)
    tie = await tie_between(conn, author_id, viewer_id)
    blocked = await relationships_store.list_blocked_either_way(conn, viewer_id, [author_id])
    if not admits_viewer(tie, blocked=bool(blocked), for_feed=False):
        return None
    assert tie is not None
    author = await accounts_store.get_user(conn, author_id)
    assert author is not None
    since = window_start(author.moments_visible, now_ms)
    return AuthorScope(author_id, own=False, viewer_tags=tie.tags, since=since)


async def live_viewers(
    conn: AsyncConnection, row: Any, candidates: Collection[int], now_ms: int
) -> set[int]:
    """Which of these people (other than the author) may see the moment in their feed now: its
    audience, the author's moments_visible window, blocks and both hide switches apply."""
    post = await post_of(conn, row)
    author = await accounts_store.get_user(conn, row.author_id)
    assert author is not None
    ties = await ties_of_author(conn, row.author_id, set(candidates) - {row.author_id})
    blocked = await relationships_store.list_blocked_either_way(conn, row.author_id, ties)
    return {
        viewer
        for viewer, tie in ties.items()
        if may_see(
            viewer,
            post,
            tie,
            setting=author.moments_visible,
            now_ms=now_ms,
            blocked=viewer in blocked,
            for_feed=True,
        )
    }
