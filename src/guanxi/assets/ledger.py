"""The ledger: what a user holds now, in total and per person (`GET /api/v1/me/assets`).

One call reads in one snapshot with a fixed number of aggregate statements (store_ledger.py)
whatever the size of the history; Python only adds up their rows — one per counterpart and
kind, never one per message. Each person's asset value (value.py) weights what the user shares
with them by the user's own insight strength of the tie, read from insight's pair rows (one
indexed range, bounded by `insight_max_pairs`; insight/network.py), never from the history and
never from the other person's view. The per-person list is paged by keyset, the highest value
first; the totals add up everyone. The call is rate-limited at the edge (web/rate_limits.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.assets import store_ledger, store_placeholders, value
from guanxi.assets.models_ledger import (
    DIRECTIONS,
    GIVEN,
    RECEIVED,
    SENT,
    FriendShare,
    History,
    Ledger,
    MediaCount,
    Tie,
    Valued,
)
from guanxi.clock import Clock
from guanxi.conversations.models import DIRECT, GROUP, MEDIA_KINDS, MESSAGE_KINDS
from guanxi.db import keyset
from guanxi.db.database import Database
from guanxi.db.keyset import let_others_run
from guanxi.insight.network import Network, read_network
from guanxi.insight.service_view import Judged
from guanxi.relationships import store as relationships_store
from guanxi.relationships.models import ROLES
from guanxi.settings import Settings

LEDGER_LIST = "ledger"  # the per-person list's name in its cursors


def _earliest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


@dataclass
class _Tally:
    """A History being added up from the aggregate rows."""

    messages: dict[str, Counter[str]] = field(
        default_factory=lambda: {d: Counter(dict.fromkeys(MESSAGE_KINDS, 0)) for d in DIRECTIONS}
    )
    media: dict[str, dict[str, MediaCount]] = field(
        default_factory=lambda: {d: dict.fromkeys(MEDIA_KINDS, MediaCount()) for d in DIRECTIONS}
    )
    likes: Counter[str] = field(default_factory=lambda: Counter({GIVEN: 0, RECEIVED: 0}))
    comments: Counter[str] = field(default_factory=lambda: Counter({GIVEN: 0, RECEIVED: 0}))
    first_at: int | None = None
    last_at: int | None = None

    def span(self, first_at: int | None, last_at: int | None) -> None:
        self.first_at = _earliest(self.first_at, first_at)
        self.last_at = _latest(self.last_at, last_at)

    def add_messages(self, row: Any) -> None:
        direction = SENT if row.sent else RECEIVED
        self.messages[direction][row.kind] += row.messages
        if row.media_kind is not None:
            kinds = self.media[direction]
            kinds[row.media_kind] = kinds.get(row.media_kind, MediaCount()).plus(
                row.media, int(row.bytes)
            )
        self.span(row.first_at, row.last_at)

    def add_interactions(self, row: Any) -> None:
        counter = self.likes if row.what == "likes" else self.comments
        counter[GIVEN if row.given else RECEIVED] += row.n
        self.span(row.first_at, row.last_at)

    def history(self) -> History:
        return History(
            messages={d: dict(c) for d, c in self.messages.items()},
            media=self.media,
            likes=dict(self.likes),
            comments=dict(self.comments),
            first_at=self.first_at,
            last_at=self.last_at,
        )


@dataclass
class _Sums:
    total: _Tally = field(default_factory=_Tally)
    by_counterpart: dict[int, _Tally] = field(default_factory=dict)

    def of(self, counterpart: int | None) -> _Tally | None:
        if counterpart is None:
            return None
        return self.by_counterpart.setdefault(counterpart, _Tally())


class LedgerService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    async def ledger(self, me: Principal, cursor: str | None = None, limit: int = 50) -> Ledger:
        """What `me` holds now, in one read snapshot, with a page of the people they share it
        with (after `cursor`)."""
        after = keyset.decode_pair(cursor, LEDGER_LIST)
        now = self.clock.now_ms()
        async with self.db.read() as conn:
            sums = await _read_sums(conn, me.user.id)
            network = await read_network(conn, me.user.id, now, self.settings)
            return await _read_ledger(conn, me.user.id, sums, network, (after, limit))


async def _read_sums(conn: AsyncConnection, user_id: int) -> _Sums:
    sums = _Sums()
    for row in await store_ledger.list_message_tallies(conn, user_id):
        for tally in (sums.total, sums.of(row.counterpart)):
            if tally is not None:
                tally.add_messages(row)
    await let_others_run()
    for row in await store_ledger.list_interaction_tallies(conn, user_id):
        for tally in (sums.total, sums.of(row.counterpart)):
            if tally is not None:
                tally.add_interactions(row)
    await let_others_run()
    return sums


async def _read_ledger(
    conn: AsyncConnection,
    user_id: int,
    sums: _Sums,
    network: Network,
    ask: tuple[tuple[int, int] | None, int],
) -> Ledger:
    moments = await store_ledger.get_moment_tally(conn, user_id)
    sums.total.span(moments.first_at, moments.last_at)
    conversations = await store_ledger.count_conversations(conn, user_id)
    friends = {row.friend_id: row for row in await store_ledger.list_friends(conn, user_id)}
    # A placeholder linked to a friend who has since blocked the user still names them.
    gone = await relationships_store.list_blockers_among(conn, user_id, sums.by_counterpart)
    valued = _valued(sums, friends, network, gone)
    after, limit = ask
    order = [v for v in valued if after is None or v.key > after]
    page = keyset.page_of(order[: limit + 1], limit, LEDGER_LIST, lambda v: v.key)
    return Ledger(
        history=sums.total.history(),
        moments=int(moments.moments),
        moment_media=MediaCount(items=int(moments.media), bytes=int(moments.bytes)),
        conversations={kind: conversations.get(kind, 0) for kind in (DIRECT, GROUP)},
        friends_by_role=_by_role(list(friends.values())),
        value=round(sum(v.value for v in valued), 2),
        units=round(sum(v.units for v in valued), 2),
        people=len(valued),
        by_friend=await _shares(conn, user_id, page.items, friends, network),
        next_cursor=page.next_cursor,
    )


def _by_role(friends: list[Any]) -> dict[str, int]:
    counts = Counter(dict.fromkeys(ROLES, 0))
    counts.update(row.role for row in friends)
    return dict(counts)


def _valued(sums: _Sums, friends: dict[int, Any], network: Network, gone: set[int]) -> list[Valued]:
    """Everyone the user shares history with or is friends with (but those who blocked them),
    valued, in the list's order."""
    found = []
    for person in (set(sums.by_counterpart) | set(friends)) - gone:
        history = sums.by_counterpart.get(person, _Tally()).history()
        judged = network.judged.get(person)
        units = value.units(history)
        weight = value.weight(None if judged is None else judged.strength)
        found.append(
            Valued(
                user_id=person,
                history=history,
                units=units,
                weight=weight,
                value=round(units * weight, 2),
            )
        )
    return sorted(found, key=lambda v: v.key)


async def _shares(
    conn: AsyncConnection,
    user_id: int,
    page: list[Valued],
    friends: dict[int, Any],
    network: Network,
) -> list[FriendShare]:
    """The page's people with their names (a friend's as the friendship has them)."""
    users = await accounts_store.list_users(conn, {v.user_id for v in page} - set(friends))
    linked = await store_placeholders.count_linked(conn, user_id)
    return [
        FriendShare(
            **_names(friends.get(v.user_id), users.get(v.user_id)),
            linked_placeholders=linked.get(v.user_id, 0),
            valued=v,
            tie=_tie(network.judged.get(v.user_id)),
        )
        for v in page
    ]


def _names(friend: Any, user: User | None) -> dict[str, Any]:
    if friend is not None:
        return {
            "handle": friend.handle,
            "display_name": friend.display_name,
            "remark": friend.remark,
            "role": friend.role,
            "placeholder_id": None,
        }
    assert user is not None  # every counterpart is a row of `users`
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "remark": "",
        "role": None,
        "placeholder_id": user.id if user.is_placeholder else None,
    }


def _tie(judged: Judged | None) -> Tie | None:
    if judged is None:
        return None
    return Tie(
        strength=judged.strength,
        stage=judged.stage,
        circle=judged.circle,
        fading=judged.fading,
    )
