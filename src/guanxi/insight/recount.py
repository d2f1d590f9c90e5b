"""Recounting the pairs a take-back or an import concerns, from their own history.

A take-back (an unreaction, a recall wiping reactions, an unlike, a deleted comment or moment)
removes feedback that was counted; an import or a placeholder's link brings history that had
no events. Neither can be undone or applied fact by fact, so the follower recounts the pairs
concerned from history, through the same `Tally` a rebuild uses: a pair's statistics depend on
that pair's facts only, so the result is the rebuild's for those pairs. The pairs come from
`insight_marks` (the pairs each counted reaction, like and comment concerns, by its object:
the rows are gone by the time the take-back is read), or are every pair of the users concerned.
Bounded by the history of those pairs or users, never the community's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations.events import MESSAGE_RECALLED, REACTION_REMOVED
from guanxi.insight import store, store_sources
from guanxi.insight.follower_apply import Tally, Tuning
from guanxi.insight.models import MARK_MESSAGE, MARK_MOMENT
from guanxi.insight.store_sources import REBUILDS, Scope
from guanxi.moments.events import MOMENT_COMMENT_DELETED, MOMENT_DELETED, MOMENT_UNLIKED

Key = tuple[int, int]


@dataclass(kw_only=True)
class Recount:
    """Pairs recounted from history read at `event_id`: `keys` are every side whose rows are
    replaced by `tally`'s."""

    tally: Tally
    event_id: int
    keys: set[Key] = field(default_factory=set)

    async def save(self, conn: AsyncConnection) -> None:
        await store.delete_pairs(conn, self.keys)
        tally = self.tally
        await store.save_pairs(conn, list(tally.pairs.values()), set())
        await store.insert_weeks(conn, tally.new_weeks)
        await store.add_months(conn, tally.months, fresh=True)
        await store.save_marks(conn, tally.marks, fresh=True)
        await store.save_recounts(conn, self.keys, self.event_id)


async def recount_of(
    conn: AsyncConnection, tuning: Tuning, rows: list[Any], event_id: int
) -> Recount | None:
    """The recount the batch's take-backs and imports ask for (None: none does), read in the
    caller's snapshot, which holds the events through `event_id`."""
    users = await _users_of(conn, [row for row in rows if row.type in REBUILDS])
    pairs: set[Key] = set()
    for row in rows:
        for a, b in await _pairs_of(conn, row):
            if a != b and a not in users and b not in users:
                pairs.add((min(a, b), max(a, b)))
    if not users and not pairs:
        return None
    found = Recount(tally=Tally(tuning), event_id=event_id)
    scopes = [Scope(users=(u,), both=False) for u in sorted(users)]
    scopes += [Scope(users=pair, both=True) for pair in sorted(pairs)]
    for user_id in sorted(users):
        found.keys |= _sides((user_id, alter) for alter in await store.list_alters(conn, user_id))
    found.keys |= _sides(pairs)
    claimed: set[Key] = set()
    for scope in scopes:  # a pair's facts once, from the first scope that holds it
        mine: set[Key] = set()
        for fact in await store_sources.history(conn, scope):
            key = (min(fact.actor, fact.target), max(fact.actor, fact.target))
            if key not in claimed:
                mine.add(key)
                found.tally.apply(fact)
        claimed |= mine
    found.keys |= set(found.tally.pairs)
    return found


def _sides(pairs: Iterable[Key]) -> set[Key]:
    return {side for a, b in pairs for side in ((a, b), (b, a))}


async def _users_of(conn: AsyncConnection, rows: list[Any]) -> set[int]:
    """The importer (the event's addressee); a placeholder and the account it is linked to."""
    users = {row.user_id for row in rows if row.user_id is not None}
    handles = []
    for row in rows:
        placeholder = row.payload.get("placeholder")
        if isinstance(placeholder, dict):
            users.add(int(placeholder["id"]))
            if placeholder.get("linked_to"):
                handles.append(str(placeholder["linked_to"]))
    users |= set((await store_sources.user_ids(conn, handles)).values())
    return users


async def _pairs_of(conn: AsyncConnection, row: Any) -> set[Key]:
    """The (actor, target) pairs whose counted feedback a take-back removes."""
    payload = row.payload
    if row.type == REACTION_REMOVED.name:
        actor = await _user_id(conn, payload["handle"])
        if actor is None:
            return set()
        return await store.list_marked_pairs(
            conn, MARK_MESSAGE, payload["message_id"], actor_id=actor
        )
    if row.type == MESSAGE_RECALLED.name:
        return await store.list_marked_pairs(conn, MARK_MESSAGE, row.ref_id)  # Ref("message")
    if row.type == MOMENT_UNLIKED.name:
        actor = await _user_id(conn, payload["user"]["handle"])
        if actor is None:
            return set()
        return await store.list_marked_pairs(
            conn, MARK_MOMENT, payload["moment_id"], item_id=0, actor_id=actor
        )
    if row.type == MOMENT_COMMENT_DELETED.name:
        return await store.list_marked_pairs(
            conn, MARK_MOMENT, payload["moment_id"], item_id=payload["comment_id"]
        )
    if row.type == MOMENT_DELETED.name:
        return await store.list_marked_pairs(conn, MARK_MOMENT, payload["moment_id"])
    return set()


async def _user_id(conn: AsyncConnection, handle: str) -> int | None:
    return (await store_sources.user_ids(conn, [handle])).get(handle)
