"""Reading what insight follows: the event log's new entries, and the rows they name in the
domains' tables (messages, reactions, moment likes, comments), as facts. The same queries,
unfiltered and in time order, are the history a rebuild reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.events import (
    MESSAGE_CREATED,
    MESSAGE_RECALLED,
    REACTION_ADDED,
    REACTION_REMOVED,
)
from guanxi.conversations.models import SYSTEM
from guanxi.conversations.tables import (
    conversation_members,
    conversations,
    messages,
    reactions,
)
from guanxi.db.key_lookup import ByKeys
from guanxi.eventlog.tables import event_horizon, events
from guanxi.insight.models import (
    COMMENT,
    LIKE,
    MARK_MESSAGE,
    MARK_MOMENT,
    MESSAGE,
    REACTION,
    Fact,
)
from guanxi.insight.rows import message_facts
from guanxi.moments.events import (
    MOMENT_COMMENT_DELETED,
    MOMENT_COMMENTED,
    MOMENT_DELETED,
    MOMENT_LIKED,
    MOMENT_UNLIKED,
)
from guanxi.moments.tables import moment_comments, moment_likes, moments

# History written without an event of its own (an import's messages, a placeholder's messages
# handed to an account) is followed by one of these: the follower then recounts the pairs of the
# users concerned. The names are the assets domain's (a rung above, which insight may not import;
# tests/test_insight_live.py checks them).
REBUILDS = ("import.done", "placeholder.linked")
# What takes counted feedback back: the follower recounts the pairs the object concerned.
TAKE_BACKS = (
    REACTION_REMOVED.name, MESSAGE_RECALLED.name, MOMENT_UNLIKED.name,
    MOMENT_COMMENT_DELETED.name, MOMENT_DELETED.name,
)  # fmt: skip
FOLLOWED = (
    MESSAGE_CREATED.name, REACTION_ADDED.name, MOMENT_LIKED.name, MOMENT_COMMENTED.name,
    *REBUILDS, *TAKE_BACKS,
)  # fmt: skip
RANK = {MESSAGE: 0, REACTION: 1, LIKE: 2, COMMENT: 3}  # a rebuild's order within one ms


async def get_heads(conn: AsyncConnection) -> tuple[int, int]:
    """The newest event id and the pruning horizon, in one statement."""
    query = sa.select(
        sa.select(sa.func.max(events.c.id)).scalar_subquery(),
        sa.select(sa.func.max(event_horizon.c.pruned_through)).scalar_subquery(),
    )
    row = (await conn.execute(query)).one()
    return int(row[0] or 0), int(row[1] or 0)


async def list_followed_events(
    conn: AsyncConnection, after: int, through: int, limit: int
) -> list[Any]:
    e = events.c
    query = (
        sa.select(e.id, e.type, e.payload, e.ref_id, e.user_id)
        .where(e.id > after, e.id <= through, e.type.in_(FOLLOWED))
        .order_by(e.id)
        .limit(limit)
    )
    return list((await conn.execute(query)).all())


def _message_query() -> sa.Select[Any]:
    m, c = messages.c, conversations.c
    quoted = messages.alias("quoted")
    return (
        sa.select(
            m.id,
            m.sender_id,
            m.kind,
            m.created_at,
            c.kind.label("chat_kind"),
            c.direct_key,
            quoted.c.sender_id.label("quoted_sender"),
        )
        .join(conversations, c.id == m.conversation_id)
        .outerjoin(
            quoted,
            sa.and_(
                quoted.c.conversation_id == m.conversation_id,
                quoted.c.seq == m.reply_to_seq,
                quoted.c.kind != SYSTEM,
            ),
        )
        .where(m.kind != SYSTEM)
    )


# built once: the follower reads a batch's messages a few times a second, and building the
# query (an alias, a join) cost more than running it
_MESSAGES_BY_ID = _message_query().where(messages.c.id.in_(sa.bindparam("ids", expanding=True)))


def _reaction_query() -> sa.Select[Any]:
    r, m = reactions.c, messages.c
    return (
        sa.select(r.message_id, r.user_id, r.emoji, r.created_at, m.sender_id)
        .join(messages, m.id == r.message_id)
        .where(m.kind != SYSTEM)
    )


def _like_query() -> sa.Select[Any]:
    lk, mo = moment_likes.c, moments.c
    return sa.select(lk.moment_id, lk.user_id, lk.created_at, mo.author_id).join(
        moments, mo.id == lk.moment_id
    )


_REACTIONS = ByKeys(
    lambda match: _reaction_query().where(match),
    (reactions.c.message_id, reactions.c.user_id, reactions.c.emoji),
)
_LIKES = ByKeys(
    lambda match: _like_query().where(match), (moment_likes.c.moment_id, moment_likes.c.user_id)
)


def _comment_query() -> sa.Select[Any]:
    cm, mo = moment_comments.c, moments.c
    target = sa.func.coalesce(cm.reply_to_user_id, mo.author_id).label("target")
    return sa.select(cm.id, cm.moment_id, cm.user_id, cm.created_at, target).join(
        moments, mo.id == cm.moment_id
    )


def _feedback(kind: str, actor: int, target: int, at: int, mark: tuple[str, int, int]) -> Fact:
    return Fact(kind=kind, actor=actor, target=target, at=at, mark=mark)


def _reaction_fact(x: Any) -> Fact:
    mark = (MARK_MESSAGE, x.message_id, 0)
    return _feedback(REACTION, x.user_id, x.sender_id, x.created_at, mark)


def _like_fact(x: Any) -> Fact:
    return _feedback(LIKE, x.user_id, x.author_id, x.created_at, (MARK_MOMENT, x.moment_id, 0))


def _comment_fact(x: Any) -> Fact:
    return _feedback(COMMENT, x.user_id, x.target, x.created_at, (MARK_MOMENT, x.moment_id, x.id))


async def facts_of_events(conn: AsyncConnection, rows: list[Any]) -> list[tuple[int, Fact]]:
    """(event id, fact) of each fact the events name, in event order; an object gone since (a
    reaction taken back, a comment deleted) yields nothing."""
    by_event: dict[int, Fact] = {}
    ids = {row.ref_id: row.id for row in rows if row.type == MESSAGE_CREATED.name}
    if ids:
        found = await conn.execute(_MESSAGES_BY_ID, {"ids": list(ids)})
        for message_id, fact in message_facts(found):
            by_event[ids[message_id]] = fact
    await _reactions_of(conn, [r for r in rows if r.type == REACTION_ADDED.name], by_event)
    await _likes_of(conn, [r for r in rows if r.type == MOMENT_LIKED.name], by_event)
    comments = {row.ref_id: row.id for row in rows if row.type == MOMENT_COMMENTED.name}
    if comments:
        query = _comment_query().where(moment_comments.c.id.in_(list(comments)))
        for c in await conn.execute(query):
            by_event[comments[c.id]] = _comment_fact(c)
    return sorted(by_event.items())


async def user_ids(conn: AsyncConnection, handles: Iterable[str]) -> dict[str, int]:
    handles = list(set(handles))
    if not handles:
        return {}
    query = sa.select(users.c.handle, users.c.id).where(users.c.handle.in_(handles))
    return {row.handle: row.id for row in await conn.execute(query)}


async def _reactions_of(conn: AsyncConnection, rows: list[Any], out: dict[int, Fact]) -> None:
    ids = await user_ids(conn, (row.payload["handle"] for row in rows))
    wanted = {
        (row.payload["message_id"], ids[row.payload["handle"]], row.payload["emoji"]): row.id
        for row in rows
        if row.payload["handle"] in ids
    }
    if not wanted:
        return
    for x in await _REACTIONS.rows(conn, wanted):
        out[wanted[(x.message_id, x.user_id, x.emoji)]] = _reaction_fact(x)


async def _likes_of(conn: AsyncConnection, rows: list[Any], out: dict[int, Fact]) -> None:
    ids = await user_ids(conn, (row.payload["like"]["user"]["handle"] for row in rows))
    wanted = {}
    for row in rows:
        handle = row.payload["like"]["user"]["handle"]
        if handle in ids:
            wanted[(row.payload["moment_id"], ids[handle])] = row.id
    if not wanted:
        return
    for x in await _LIKES.rows(conn, wanted):
        out[wanted[(x.moment_id, x.user_id)]] = _like_fact(x)


@dataclass(frozen=True, kw_only=True)
class Scope:
    """The history of some users: with `both`, only what passes between them (a pair); else
    everything any of them did or got. Read through their conversations (both members) and
    the moments they wrote, liked or commented on: bounded by their history."""

    users: tuple[int, ...]
    both: bool

    def keeps(self, fact: Fact) -> bool:
        if self.both:
            return fact.actor in self.users and fact.target in self.users
        return fact.actor in self.users or fact.target in self.users


def _scoped_conversations(scope: Scope) -> sa.Select[Any]:
    cm = conversation_members.c
    query = sa.select(cm.conversation_id).where(cm.user_id.in_(scope.users))
    if scope.both:
        query = query.group_by(cm.conversation_id).having(
            sa.func.count(sa.distinct(cm.user_id)) == len(set(scope.users))
        )
    return query


def _scoped_moments(scope: Scope) -> sa.CompoundSelect[Any]:
    return sa.union(
        sa.select(moments.c.id).where(moments.c.author_id.in_(scope.users)),
        sa.select(moment_likes.c.moment_id).where(moment_likes.c.user_id.in_(scope.users)),
        sa.select(moment_comments.c.moment_id).where(moment_comments.c.user_id.in_(scope.users)),
    )


async def history(conn: AsyncConnection, scope: Scope | None = None) -> list[Fact]:
    """Every fact in the database (or in `scope`), in time order (ties: messages, reactions,
    likes, comments, each by its key), read in the caller's snapshot."""
    messages_q, reactions_q = _message_query(), _reaction_query()
    likes_q, comments_q = _like_query(), _comment_query()
    if scope is not None:
        chats = _scoped_conversations(scope)
        messages_q = messages_q.where(messages.c.conversation_id.in_(chats))
        reactions_q = reactions_q.where(messages.c.conversation_id.in_(chats))
        likes_q = likes_q.where(moment_likes.c.moment_id.in_(_scoped_moments(scope)))
        comments_q = comments_q.where(moment_comments.c.moment_id.in_(_scoped_moments(scope)))
    keyed: list[tuple[tuple[Any, ...], Fact]] = []
    m = messages.c
    rows = await conn.execute(messages_q.order_by(m.created_at, m.id))
    keyed += [((f.at, 0, i), f) for i, f in message_facts(rows)]
    for x in await conn.execute(reactions_q):
        keyed.append(((x.created_at, 1, x.message_id, x.user_id, x.emoji), _reaction_fact(x)))
    for x in await conn.execute(likes_q):
        keyed.append(((x.created_at, 2, x.moment_id, x.user_id), _like_fact(x)))
    for x in await conn.execute(comments_q):
        keyed.append(((x.created_at, 3, x.id), _comment_fact(x)))
    keyed.sort(key=lambda pair: pair[0])
    facts = [fact for _, fact in keyed]
    return facts if scope is None else [fact for fact in facts if scope.keeps(fact)]
