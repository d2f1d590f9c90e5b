"""The community msgbench-v2 loads: users, friends with a direct chat each, groups of 3–500.

`plan_world` draws it from a seed (pure: no I/O); `seed_world` writes it into a fresh database
through the server's own schema and services' database (the way `guanxi user create` and
`guanxi import` reach it: in-process, before the server starts), in big write units of bulk
inserts. One Argon2id hash, made once, serves every account (the bench logs nobody in by
password); each online device gets a session token of its own, as a login would give it.
Registering 10,000 accounts through the API would cost 10,000 password hashes and
strength checks — minutes of CPU that measure nothing this benchmark is about.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher

from guanxi.accounts.tables import sessions, users
from guanxi.clock import Clock
from guanxi.conversations.rules import direct_key
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.db.database import Tx
from guanxi.ids import new_token, token_hash
from guanxi.moments.tables import moments
from guanxi.relationships.tables import friendships
from guanxi.services import build_services
from guanxi.settings import Settings

PASSWORD = "msgbench v2 correct horse battery"
UNIT = 5000  # rows per bulk insert
FANOUT_SIZES = (2, 10, 100, 500)  # the fan-out probe's groups: members 0..size-1
FEED_SIZES = (10, 100, 1000)  # the feed probe's viewers 0, 1, 2: their friend counts
FEED_MOMENTS = 5  # moments each of the viewers' friends has posted


@dataclass
class World:
    """Indexes are user numbers 0..n-1; `ids` maps them to database ids once seeded."""

    n_users: int
    online: int  # users 0..online-1 each hold one device (a session token, a WebSocket)
    pairs: list[tuple[int, int]]  # friendships, one direct chat each
    groups: list[list[int]]  # members; the first is the owner
    probe_groups: list[list[int]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # one per online user
    direct_ids: list[int] = field(default_factory=list)  # per pair
    group_ids: list[int] = field(default_factory=list)
    probe_group_ids: list[int] = field(default_factory=list)
    history: tuple[int, int] | None = None  # (conversation id, reader) of the long chat
    feed_viewers: dict[int, int] = field(default_factory=dict)  # viewer: friends

    def handle(self, i: int) -> str:
        return f"b2u{i:06d}"


def group_size(rng: random.Random, n_users: int) -> int:
    """Log-uniform between 3 and 500: many small groups, a few large ones."""
    size = round(math.exp(rng.uniform(math.log(3), math.log(500))))
    return max(3, min(size, 500, n_users))


def plan_world(
    n_users: int,
    online: int,
    friends: int,
    n_groups: int,
    seed: int,
    probes: bool = False,
    feed: bool = False,
) -> World:
    """About `friends` friends per user (a random graph), `n_groups` random groups. With
    `feed`, users 0, 1 and 2 have exactly 10, 100 and 1,000 friends (users 3, 4, …)."""
    rng = random.Random(seed)
    viewers = {k: size for k, size in enumerate(FEED_SIZES) if feed and size + 3 <= n_users}
    edges: set[tuple[int, int]] = set()
    for a in range(n_users):
        for _ in range(max(1, friends // 2)):
            b = rng.randrange(n_users)
            if b != a and a not in viewers and b not in viewers:
                edges.add((min(a, b), max(a, b)))
    edges |= {(v, 3 + k) for v, size in viewers.items() for k in range(size)}
    groups = []
    for _ in range(n_groups):
        size = group_size(rng, n_users)
        groups.append(rng.sample(range(n_users), size))
    world = World(n_users, min(online, n_users), sorted(edges), groups)
    if probes:
        world.probe_groups = [list(range(size)) for size in FANOUT_SIZES if size <= n_users]
    world.feed_viewers = viewers
    return world


async def seed_world(settings: Settings, world: World) -> dict[str, Any]:
    """Write the world into the (migrated, empty) database of `settings`."""
    services = build_services(settings)
    await services.start(jobs=False)
    try:
        db = services.db
        now = Clock().now_ms()
        world.ids = await db.write(lambda tx: _users(tx, world, now))
        world.tokens = [new_token() for _ in range(world.online)]
        await db.write(lambda tx: _sessions(tx, world, now))
        await db.write(lambda tx: _friendships(tx, world, now))
        world.direct_ids = await db.write(lambda tx: _directs(tx, world, now))
        world.group_ids = await db.write(lambda tx: _groups(tx, world, world.groups, now))
        world.probe_group_ids = await db.write(
            lambda tx: _groups(tx, world, world.probe_groups, now)
        )
        if world.feed_viewers:
            await db.write(lambda tx: _moments(tx, world, now))
    finally:
        await services.stop()
    members = sum(len(g) for g in world.groups)
    return {"users": world.n_users, "pairs": len(world.pairs), "group_members": members}


async def _bulk(tx: Tx, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows in chunks; the new ids in the rows' order."""
    ids: list[int] = []
    for i in range(0, len(rows), UNIT):
        query = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        result = await tx.conn.execute(query, rows[i : i + UNIT])
        ids += [int(r[0]) for r in result.all()]
    return ids


async def _plain(tx: Tx, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), UNIT):
        await tx.conn.execute(sa.insert(table), rows[i : i + UNIT])


async def _users(tx: Tx, world: World, now: int) -> list[int]:
    hashed = PasswordHasher().hash(PASSWORD)
    rows = [
        {
            "handle": world.handle(i),
            "display_name": f"Bench {i}",
            "bio": "",
            "password_hash": hashed,
            "created_at": now,
        }
        for i in range(world.n_users)
    ]
    return await _bulk(tx, users, rows)


async def _sessions(tx: Tx, world: World, now: int) -> None:
    rows = [
        {
            "user_id": world.ids[i],
            "token_hash": token_hash(token),
            "device": "msgbench-v2",
            "address": "127.0.0.1",
            "created_at": now,
            "last_used_at": now,
        }
        for i, token in enumerate(world.tokens)
    ]
    await _plain(tx, sessions, rows)


async def _friendships(tx: Tx, world: World, now: int) -> None:
    rows = [
        {
            "user_id": world.ids[a],
            "friend_id": world.ids[b],
            "role": "friend",
            "remark": "",
            "tags": [],
            "created_at": now,
            "sort_key": world.handle(b),
        }
        for x, y in world.pairs
        for a, b in ((x, y), (y, x))
    ]
    await _plain(tx, friendships, rows)


def _conversation(kind: str, owner: int | None, key: str | None, now: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": "bench group" if kind == "group" else "",
        "announcement": "",
        "owner_id": owner,
        "direct_key": key,
        "last_seq": 0,
        "created_at": now,
        "updated_at": now,
    }


def _member(cid: int, uid: int, role: str, now: int) -> dict[str, Any]:
    return {
        "conversation_id": cid,
        "user_id": uid,
        "role": role,
        "joined_at": now,
        "joined_seq": 0,
        "joined_event": 0,
        "last_read_seq": 0,
    }


async def _directs(tx: Tx, world: World, now: int) -> list[int]:
    ids = world.ids
    rows = [_conversation("direct", None, direct_key(ids[a], ids[b]), now) for a, b in world.pairs]
    cids = await _bulk(tx, conversations, rows)
    members = [
        _member(cid, ids[u], "member", now)
        for cid, pair in zip(cids, world.pairs, strict=True)
        for u in pair
    ]
    await _plain(tx, conversation_members, members)
    return cids


async def _groups(tx: Tx, world: World, groups: list[list[int]], now: int) -> list[int]:
    if not groups:
        return []
    ids = world.ids
    rows = [_conversation("group", ids[g[0]], None, now) for g in groups]
    cids = await _bulk(tx, conversations, rows)
    members = [
        _member(cid, ids[u], "owner" if k == 0 else "member", now)
        for cid, group in zip(cids, groups, strict=True)
        for k, u in enumerate(group)
    ]
    await _plain(tx, conversation_members, members)
    return cids


async def seed_history(settings: Settings, world: World, n: int) -> tuple[int, int]:
    """`n` messages in the direct chat of the first pair of online friends, one write unit
    per 4 × `UNIT` rows, and (on SQLite) the search index brought up to date — else the
    server would index them all before it serves: (conversation id, the reading user's
    number)."""
    k = next(k for k, (a, b) in enumerate(world.pairs) if b < world.online)
    a, b = world.pairs[k]
    cid = world.direct_ids[k]
    services = build_services(settings)
    await services.start(jobs=False)
    try:
        start = Clock().now_ms() - n
        for first in range(1, n + 1, UNIT * 4):
            last = min(n, first + UNIT * 4 - 1)
            rows = [
                _message(cid, seq, world.ids[(a, b)[seq % 2]], start + seq)
                for seq in range(first, last + 1)
            ]
            await services.db.write(partial(_plain, table=messages, rows=rows))
        await services.db.write(lambda tx: _last_seq(tx, cid, n, start + n))
        if services.indexer is not None:  # SQLite's search index: built here, not at start
            await services.indexer.catch_up()
    finally:
        await services.stop()
    return cid, a


def _message(cid: int, seq: int, sender: int, at: int) -> dict[str, Any]:
    return {
        "conversation_id": cid,
        "seq": seq,
        "sender_id": sender,
        "client_id": None,
        "kind": "text",
        "text": f"history {seq}: the quick brown fox jumps over the lazy dog",
        "reply_to_seq": None,
        "mentions": [],
        "media_id": None,
        "created_at": at,
    }


async def _last_seq(tx: Tx, cid: int, last_seq: int, at: int) -> None:
    query = sa.update(conversations).where(conversations.c.id == cid)
    await tx.conn.execute(query.values(last_seq=last_seq, updated_at=at))


async def _moments(tx: Tx, world: World, now: int) -> None:
    """FEED_MOMENTS moments, for everyone, by each friend of the feed's viewers."""
    authors = range(3, 3 + max(world.feed_viewers.values()))
    rows = [
        {
            "author_id": world.ids[a],
            "text": f"moment {k} of {world.handle(a)}",
            "place": "",
            "audience": "all",
            "created_at": now - 1000 * (a * FEED_MOMENTS + k),
        }
        for a in authors
        for k in range(FEED_MOMENTS)
    ]
    await _plain(tx, moments, rows)
