"""A user's pairs as their insight pages judge them, read in the caller's snapshot.

The owner's own side of their pairs (one indexed range, bounded by `insight_max_pairs`), their
friendships (an alter may be a friend with no exchange yet) and blocks (someone blocked either
way is left out) — never the history, and never another person's view of them. The insight
pages and the ledger's asset value (assets/ledger.py) read the same judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.insight import store
from guanxi.insight.models import PairState
from guanxi.insight.service_view import Judged, judge
from guanxi.relationships import store as relationships_store
from guanxi.settings import Settings


@dataclass(frozen=True, kw_only=True)
class Network:
    """The user's pairs as read once: states, roles, and each pair's judgement."""

    states: list[PairState]
    roles: dict[int, str]
    judged: dict[int, Judged]


async def read_network(
    conn: AsyncConnection, user_id: int, now: int, settings: Settings
) -> Network:
    states = await store.list_pairs_of(conn, user_id, settings.insight_max_pairs)
    friendships = await relationships_store.list_friendships(conn, user_id)
    roles = {row.friend_id: row.role for row in friendships}
    known = {s.alter_id for s in states}
    states += [PairState(user_id=user_id, alter_id=f) for f in roles if f not in known]
    others = {s.alter_id for s in states}
    blocked = await relationships_store.list_blocked_either_way(conn, user_id, others)
    states = [s for s in states if s.alter_id not in blocked]
    return Network(states=states, roles=roles, judged=judge(states, roles, now, settings))
