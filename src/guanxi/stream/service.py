"""What a device missed since its cursor, in order, and the live feed after it.

Events that name an object (a message, a comment, a new moment, a profile) are stored without
it; a replay reads each object as it is now, so an edit, a recall or a deletion shows in every
event about it, and an event whose object is gone is not replayed at all. Another member's read
marker across a block with the viewer is not replayed (conversations/receipts.py).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.replay import load_users
from guanxi.conversations import store_members
from guanxi.conversations.models import Member
from guanxi.conversations.receipts import hidden_receipts
from guanxi.conversations.replay import load_messages
from guanxi.db.database import Database
from guanxi.eventlog import store as eventlog_store
from guanxi.moments.replay import load_comments, load_moments
from guanxi.ratelimit.sockets import SocketSeats
from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub, Subscription

REPLAY_PAGE = 500
# Replay pages read at once. A reconnect storm queues its replays here, first come first
# served, and each waits its turn with the loop given up: new handshakes and live traffic run
# between two pages instead of behind all of them (docs/architecture.md).
REPLAYS_AT_ONCE = 4

Loader = Callable[[AsyncConnection, Iterable[int]], Awaitable[dict[int, dict[str, Any]]]]
LOADERS: dict[str, Loader] = {
    "message": load_messages,
    "comment": load_comments,
    "moment": load_moments,
    "user": load_users,
}


@dataclass(frozen=True)
class Replayed:
    cursor: int
    frame: str  # empty: nothing to send for this event, but the cursor moves past it


@dataclass(frozen=True)
class Position:
    head: int  # the newest event
    horizon: int  # the newest pruned event: a cursor below it cannot be replayed

    def replayable(self, cursor: int) -> bool:
        return self.horizon <= cursor <= self.head


class StreamService:
    def __init__(self, db: Database, hub: Hub, seats: SocketSeats) -> None:
        self.db = db
        self.hub = hub
        self.seats = seats  # the socket caps over every worker (with Redis)
        self._seats: dict[Subscription, str | None] = {}
        self._replays = asyncio.Semaphore(REPLAYS_AT_ONCE)

    async def subscribe(self, user_id: int, session_id: int) -> Subscription:
        """Start buffering live events; subscribe before replaying so nothing falls between.
        `RateLimited` past a socket cap, of this worker or (with Redis) of all of them."""
        seat = await self.seats.take(user_id, session_id)
        try:
            subscription = self.hub.subscribe(user_id, session_id)
        except BaseException:
            await self.seats.give_back(seat)
            raise
        self._seats[subscription] = seat
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        self.hub.unsubscribe(subscription)
        await self.seats.give_back(self._seats.pop(subscription, None))

    async def head(self) -> int:
        return await head_of(self.db)

    async def replay(self, user_id: int, cursor: int, first: bool = False) -> list[Replayed] | None:
        """One page of the user's events after `cursor`; empty when caught up. The `first`
        page of a replay checks in the same read that the log can serve the cursor (None when
        it cannot: `Position.replayable`). Pages are read `REPLAYS_AT_ONCE` at a time, in the
        order asked (the sending is not held up)."""
        async with self._replays:
            await asyncio.sleep(0)  # a turn: whoever else is ready runs first
            return await self._replay_page(user_id, cursor, first)

    async def _replay_page(self, user_id: int, cursor: int, first: bool) -> list[Replayed] | None:
        async with self.db.read() as conn:
            if first and not (await _position(conn)).replayable(cursor):
                return None
            windows = dict(await store_members.list_memberships(conn, user_id))
            rows = await eventlog_store.list_events_after(
                conn,
                user_id=user_id,
                conversation_ids=windows.keys(),
                cursor=cursor,
                limit=REPLAY_PAGE,
            )
            visible = [r for r in rows if r.user_id is not None or _within(windows, r)]
            hidden = await hidden_receipts(conn, user_id, visible)
            visible = [r for r in visible if r.id not in hidden]
            as_seen: Loader = partial(load_messages, viewers=windows)
            loaders = {**LOADERS, "message": as_seen}
            objects = await _load_objects(conn, visible, loaders)
        shown = {row.id for row in visible}
        return [
            Replayed(row.id, _frame(row, objects, user_id) if row.id in shown else "")
            for row in rows
        ]


async def _position(conn: AsyncConnection) -> Position:
    head = await eventlog_store.get_head(conn)
    return Position(head, await eventlog_store.get_horizon(conn))


async def head_of(db: Database) -> int:
    """The newest event id in the log (0: none yet)."""
    async with db.read() as conn:
        return await eventlog_store.get_head(conn)


def _frame(row: Any, objects: dict[tuple[str, int], Any], user_id: int) -> str:
    payload = dict(row.payload)
    if row.ref_kind is not None:
        found = objects.get((row.ref_kind, row.ref_id))
        if found is None:
            return ""  # deleted since: nothing of it is replayed
        payload[row.ref_kind] = found
    return Envelope(row.id, row.type, payload, (user_id,)).frame


async def _load_objects(
    conn: AsyncConnection, rows: list[Any], loaders: dict[str, Loader]
) -> dict[tuple[str, int], Any]:
    """The objects the events name, as they are now, keyed by (kind, id); gone ones missing."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.ref_kind is not None:
            wanted[row.ref_kind].append(row.ref_id)
    found: dict[tuple[str, int], Any] = {}
    for kind, ids in wanted.items():
        for object_id, value in (await loaders[kind](conn, ids)).items():
            found[(kind, object_id)] = value
    return found


def _within(windows: dict[int, Member], row: Any) -> bool:
    return windows[row.conversation_id].event_window.covers(row.id)
