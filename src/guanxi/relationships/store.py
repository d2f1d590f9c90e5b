"""SQL for friend requests, friendships and blocks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db import day_window
from guanxi.db.prepared import Prepared
from guanxi.relationships.tables import blocks, friend_requests, friendships

PENDING = "pending"


async def insert_request(
    conn: AsyncConnection, *, from_id: int, to_id: int, greeting: str, role: str, created_at: int
) -> int:
    result = await conn.execute(
        sa.insert(friend_requests)
        .values(
            from_user_id=from_id,
            to_user_id=to_id,
            greeting=greeting,
            role=role,
            status=PENDING,
            created_at=created_at,
        )
        .returning(friend_requests.c.id)
    )
    return int(result.scalar_one())


async def get_request(conn: AsyncConnection, request_id: int) -> sa.Row[Any] | None:
    query = sa.select(friend_requests).where(friend_requests.c.id == request_id)
    return (await conn.execute(query)).first()


async def exists_pending_between(conn: AsyncConnection, a: int, b: int) -> bool:
    fr = friend_requests.c
    pair = sa.or_(
        sa.and_(fr.from_user_id == a, fr.to_user_id == b),
        sa.and_(fr.from_user_id == b, fr.to_user_id == a),
    )
    query = sa.select(sa.literal(1)).where(pair, fr.status == PENDING)
    return (await conn.execute(query)).first() is not None


async def count_requests_since(conn: AsyncConnection, from_id: int, since: int) -> int:
    fr = friend_requests.c
    query = sa.select(sa.func.count()).where(fr.from_user_id == from_id, fr.created_at >= since)
    return int((await conn.execute(query)).scalar_one())


async def request_sent_at(conn: AsyncConnection, from_id: int, since: int, skip: int) -> int | None:
    """When the user sent the request `skip` places after their oldest since `since`."""
    owner = friend_requests.c.from_user_id == from_id
    return await day_window.counted_at(conn, friend_requests, owner, since, skip)


async def list_pending(
    conn: AsyncConnection, user_id: int, *, incoming: bool, before_id: int | None, limit: int
) -> list[sa.Row[Any]]:
    """Pending requests to (or from) the user, newest first, with ids below `before_id`."""
    fr = friend_requests.c
    side = fr.to_user_id if incoming else fr.from_user_id
    query = sa.select(friend_requests).where(side == user_id, fr.status == PENDING)
    if before_id is not None:
        query = query.where(fr.id < before_id)
    query = query.order_by(fr.id.desc()).limit(limit)
    return list((await conn.execute(query)).all())


async def update_request_status(
    conn: AsyncConnection, request_id: int, status: str, answered_at: int
) -> None:
    await conn.execute(
        sa.update(friend_requests)
        .where(friend_requests.c.id == request_id)
        .values(status=status, answered_at=answered_at)
    )


async def close_pending_between(conn: AsyncConnection, a: int, b: int, answered_at: int) -> None:
    fr = friend_requests.c
    pair = sa.or_(
        sa.and_(fr.from_user_id == a, fr.to_user_id == b),
        sa.and_(fr.from_user_id == b, fr.to_user_id == a),
    )
    await conn.execute(
        sa.update(friend_requests)
        .where(pair, fr.status == PENDING)
        .values(status="cancelled", answered_at=answered_at)
    )


async def insert_friendship(
    conn: AsyncConnection,
    *,
    user_id: int,
    friend_id: int,
    role: str,
    remark: str,
    tags: list[str],
    created_at: int,
    sort_key: str,
) -> None:
    await conn.execute(
        sa.insert(friendships).values(
            user_id=user_id,
            friend_id=friend_id,
            role=role,
            remark=remark,
            tags=tags,
            created_at=created_at,
            sort_key=sort_key,
        )
    )


async def get_friendship(conn: AsyncConnection, user_id: int, friend_id: int) -> sa.Row[Any] | None:
    f = friendships.c
    query = sa.select(friendships).where(f.user_id == user_id, f.friend_id == friend_id)
    return (await conn.execute(query)).first()


async def list_holders_of(conn: AsyncConnection, friend_id: int) -> set[int]:
    """Who keeps `friend_id` in their friend list (their side of a friendship)."""
    query = sa.select(friendships.c.user_id).where(friendships.c.friend_id == friend_id)
    return {int(x) for x in (await conn.execute(query)).scalars()}


async def list_friendships(conn: AsyncConnection, user_id: int) -> list[sa.Row[Any]]:
    query = sa.select(friendships).where(friendships.c.user_id == user_id)
    return list((await conn.execute(query)).all())


async def list_friendships_page(
    conn: AsyncConnection, user_id: int, after: tuple[str, int] | None, limit: int
) -> list[sa.Row[Any]]:
    """A page of the user's side of their friendships in sort_key order, after `after`
    (sort_key, friend_id); none who blocked the user (they do not exist for them)."""
    f = friendships.c
    b = blocks.c
    blocked_me = sa.exists().where(b.user_id == f.friend_id, b.blocked_id == user_id)
    query = sa.select(friendships).where(f.user_id == user_id, ~blocked_me)
    if after is not None:
        query = query.where(sa.tuple_(f.sort_key, f.friend_id) > sa.tuple_(*after))
    query = query.order_by(f.sort_key, f.friend_id).limit(limit)
    return list((await conn.execute(query)).all())


async def update_sort_keys_about(conn: AsyncConnection, friend_id: int, sort_key: str) -> None:
    """A friend's new display name: re-sort them in the lists of those with no remark on them."""
    f = friendships.c
    await conn.execute(
        sa.update(friendships)
        .where(f.friend_id == friend_id, f.remark == "")
        .values(sort_key=sort_key)
    )


async def update_friendship(
    conn: AsyncConnection, user_id: int, friend_id: int, values: dict[str, Any]
) -> None:
    f = friendships.c
    await conn.execute(
        sa.update(friendships).where(f.user_id == user_id, f.friend_id == friend_id).values(values)
    )


async def delete_friendship_pair(conn: AsyncConnection, a: int, b: int) -> None:
    f = friendships.c
    pair = sa.or_(
        sa.and_(f.user_id == a, f.friend_id == b), sa.and_(f.user_id == b, f.friend_id == a)
    )
    await conn.execute(sa.delete(friendships).where(pair))


def _either_way(left: sa.ColumnElement[Any], right: sa.ColumnElement[Any]) -> Any:
    a: sa.BindParameter[int] = sa.bindparam("a")
    b: sa.BindParameter[int] = sa.bindparam("b")
    return sa.or_(sa.and_(left == a, right == b), sa.and_(left == b, right == a))


_TIES = Prepared(
    sa.select(
        sa.select(sa.func.count())
        .where(_either_way(friendships.c.user_id, friendships.c.friend_id))
        .scalar_subquery(),
        sa.select(sa.func.count())
        .where(_either_way(blocks.c.user_id, blocks.c.blocked_id))
        .scalar_subquery(),
    )
)


async def count_ties(conn: AsyncConnection, a: int, b: int) -> tuple[int, int]:
    """(friendship rows, block rows) between two users, either direction, in one query."""
    row = await _TIES.first(conn, {"a": a, "b": b})
    return int(row[0]), int(row[1])


async def exists_block(conn: AsyncConnection, blocker: int, blocked: int) -> bool:
    b = blocks.c
    query = sa.select(sa.literal(1)).where(b.user_id == blocker, b.blocked_id == blocked)
    return (await conn.execute(query)).first() is not None


async def insert_block(conn: AsyncConnection, blocker: int, blocked: int, created_at: int) -> None:
    if await exists_block(conn, blocker, blocked):
        return
    await conn.execute(
        sa.insert(blocks).values(user_id=blocker, blocked_id=blocked, created_at=created_at)
    )


async def delete_block(conn: AsyncConnection, blocker: int, blocked: int) -> None:
    b = blocks.c
    await conn.execute(sa.delete(blocks).where(b.user_id == blocker, b.blocked_id == blocked))


async def list_blocked(
    conn: AsyncConnection, blocker: int, before: tuple[int, int] | None, limit: int
) -> list[Any]:
    """A page of the blocker's blocks, newest first: those before `before`
    (created_at, blocked_id)."""
    b = blocks.c
    query = sa.select(b.blocked_id, b.created_at).where(b.user_id == blocker)
    if before is not None:
        query = query.where(sa.tuple_(b.created_at, b.blocked_id) < sa.tuple_(*before))
    query = query.order_by(b.created_at.desc(), b.blocked_id.desc()).limit(limit)
    return list((await conn.execute(query)).all())


async def list_blocked_ids(conn: AsyncConnection, blocker: int) -> set[int]:
    """Everyone the blocker blocked."""
    query = sa.select(blocks.c.blocked_id).where(blocks.c.user_id == blocker)
    return {int(x) for x in (await conn.execute(query)).scalars()}


async def list_blockers_among(
    conn: AsyncConnection, blocked: int, others: Iterable[int]
) -> set[int]:
    """Which of `others` blocked `blocked`."""
    return await _blocks_among(conn, blocked, others, theirs=True)


async def list_blocked_among(
    conn: AsyncConnection, blocker: int, others: Iterable[int]
) -> set[int]:
    """Which of `others` the blocker blocked."""
    return await _blocks_among(conn, blocker, others, theirs=False)


async def _blocks_among(
    conn: AsyncConnection, user_id: int, others: Iterable[int], *, theirs: bool
) -> set[int]:
    ids = list(set(others))
    if not ids:
        return set()
    b = blocks.c
    mine, other = (b.blocked_id, b.user_id) if theirs else (b.user_id, b.blocked_id)
    query = sa.select(other).where(mine == user_id, other.in_(ids))
    return {int(x) for x in (await conn.execute(query)).scalars()}


async def list_friends_among(
    conn: AsyncConnection, user_id: int, others: Iterable[int]
) -> set[int]:
    """Which of `others` are friends of `user_id` on both sides."""
    ids = list(set(others))
    if not ids:
        return set()
    f = friendships.c
    mine = sa.select(f.friend_id).where(f.user_id == user_id, f.friend_id.in_(ids))
    theirs = sa.select(f.user_id).where(f.user_id.in_(ids), f.friend_id == user_id)
    found = set((await conn.execute(mine)).scalars())
    return {int(x) for x in (await conn.execute(theirs)).scalars() if x in found}


async def list_friendships_about(
    conn: AsyncConnection, user_ids: Iterable[int], friend_id: int
) -> list[sa.Row[Any]]:
    """The rows these users keep about `friend_id` (their side of each friendship)."""
    ids = list(set(user_ids))
    if not ids:
        return []
    f = friendships.c
    query = sa.select(friendships).where(f.user_id.in_(ids), f.friend_id == friend_id)
    return list((await conn.execute(query)).all())


async def list_blocked_either_way(
    conn: AsyncConnection, user_id: int, others: Iterable[int]
) -> set[int]:
    """Which of `others` blocked `user_id` or were blocked by them."""
    ids = list(set(others))
    if not ids:
        return set()
    b = blocks.c
    query = sa.select(b.user_id, b.blocked_id).where(
        sa.or_(
            sa.and_(b.user_id == user_id, b.blocked_id.in_(ids)),
            sa.and_(b.user_id.in_(ids), b.blocked_id == user_id),
        )
    )
    rows = (await conn.execute(query)).all()
    return {row.blocked_id if row.user_id == user_id else row.user_id for row in rows}
