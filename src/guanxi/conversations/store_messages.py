"""SQL for messages and reactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.models import SYSTEM
from guanxi.conversations.tables import (
    conversation_members,
    conversations,
    hidden_messages,
    messages,
    reactions,
)
from guanxi.conversations.window import window_clause
from guanxi.db.prepared import Prepared

msg = messages.c
WITH_SENDER = sa.select(messages, users.c.handle.label("sender_handle")).join(
    users, users.c.id == msg.sender_id
)


INSERTED = (
    "conversation_id",
    "seq",
    "sender_id",
    "client_id",
    "kind",
    "text",
    "reply_to_seq",
    "mentions",
    "media_id",
    "created_at",
    "is_forwarded",
)
_INSERT = Prepared(
    sa.insert(messages).values({name: sa.bindparam(name) for name in INSERTED}).returning(msg.id)
)
_SEQ_BY_CLIENT_ID = Prepared(
    sa.select(msg.seq).where(
        msg.conversation_id == sa.bindparam("cid"),
        msg.sender_id == sa.bindparam("uid"),
        msg.client_id == sa.bindparam("client_id"),
    )
)


async def insert_message(conn: AsyncConnection, **values: Any) -> int:
    """Insert a message; `values` names every column of INSERTED."""
    return int(await _INSERT.scalar(conn, values))


async def insert_system_line(conn: AsyncConnection, **values: Any) -> int:
    """Insert a group's system line (conversation_id, seq, sender_id, text, system,
    created_at)."""
    query = sa.insert(messages).values(kind=SYSTEM, mentions=[], **values).returning(msg.id)
    return int((await conn.execute(query)).scalar_one())


async def get_message(conn: AsyncConnection, conversation_id: int, seq: int) -> sa.Row[Any] | None:
    query = WITH_SENDER.where(msg.conversation_id == conversation_id, msg.seq == seq)
    return (await conn.execute(query)).first()


async def get_seq_by_client_id(
    conn: AsyncConnection, conversation_id: int, sender_id: int, client_id: str
) -> int | None:
    params = {"cid": conversation_id, "uid": sender_id, "client_id": client_id}
    seq = await _SEQ_BY_CLIENT_ID.scalar(conn, params)
    return int(seq) if seq is not None else None


def not_hidden(user_id: Any) -> sa.ColumnElement[bool]:
    """SQL: the message (`messages` in the query) was not deleted by this user for
    themselves; `user_id` a value or a column."""
    h = hidden_messages.c
    found = sa.exists().where(
        h.user_id == user_id, h.conversation_id == msg.conversation_id, h.seq == msg.seq
    )
    return ~found.correlate_except(hidden_messages)  # the rest comes from the outer query


async def list_messages(
    conn: AsyncConnection,
    conversation_id: int,
    *,
    low: int,
    high: int | None,
    limit: int,
    oldest_first: bool,
    viewer_id: int | None = None,
) -> list[sa.Row[Any]]:
    """Messages with low < seq (< high), the newest (or oldest) `limit` of them; those the
    viewer deleted for themselves left out."""
    query = WITH_SENDER.where(msg.conversation_id == conversation_id, msg.seq > low)
    if viewer_id is not None:
        query = query.where(not_hidden(viewer_id))
    if high is not None:
        query = query.where(msg.seq < high)
    order = msg.seq.asc() if oldest_first else msg.seq.desc()
    return list((await conn.execute(query.order_by(order).limit(limit))).all())


async def list_messages_by_seq(
    conn: AsyncConnection, conversation_id: int, seqs: Iterable[int]
) -> list[sa.Row[Any]]:
    wanted = list(set(seqs))
    if not wanted:
        return []
    query = WITH_SENDER.where(msg.conversation_id == conversation_id, msg.seq.in_(wanted))
    return list((await conn.execute(query)).all())


async def list_senders_between(
    conn: AsyncConnection, conversation_id: int, after: int, upto: int
) -> set[int]:
    """Who sent the messages (not system lines) with seqs in (after, upto]."""
    query = (
        sa.select(msg.sender_id)
        .where(
            msg.conversation_id == conversation_id,
            msg.seq > after,
            msg.seq <= upto,
            msg.kind != SYSTEM,
        )
        .distinct()
    )
    return {int(x) for x in (await conn.execute(query)).scalars()}


_BY_ID = WITH_SENDER.where(msg.id.in_(sa.bindparam("ids", expanding=True)))


async def list_messages_by_id(conn: AsyncConnection, ids: Iterable[int]) -> list[sa.Row[Any]]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return list((await conn.execute(_BY_ID, {"ids": wanted})).all())


async def exists_visible_media(conn: AsyncConnection, user_id: int, media_id: str) -> bool:
    """Whether a message carrying the media lies in a window of history the user has."""
    member = conversation_members.c
    query = (
        sa.select(sa.literal(1))
        .select_from(messages)
        .join(
            conversation_members,
            sa.and_(
                member.conversation_id == msg.conversation_id,
                member.user_id == user_id,
            ),
        )
        .where(
            msg.media_id == media_id,
            window_clause(msg.seq, member.joined_seq, member.left_seq),
        )
        .limit(1)
    )
    return (await conn.execute(query)).first() is not None


async def update_message(
    conn: AsyncConnection, conversation_id: int, seq: int, values: dict[str, Any]
) -> None:
    """Change one message, found by its conversation and seq (the conversation id is the key
    a sharded database finds it by, docs/deployment.md)."""
    where = sa.and_(msg.conversation_id == conversation_id, msg.seq == seq)
    await conn.execute(sa.update(messages).where(where).values(values))


UNREAD_COUNT_MAX = 999  # an unread count stops here ("999+"): counting is bounded work


async def count_unread(
    conn: AsyncConnection,
    conversation_id: int,
    after_seq: int,
    reader_id: int,
    until_seq: int | None = None,
) -> int:
    """Others' messages after the read marker (and, for a past member, up to leaving), none
    the reader deleted for themselves, counted up to UNREAD_COUNT_MAX."""
    query = sa.select(sa.literal(1)).where(
        msg.conversation_id == conversation_id,
        window_clause(msg.seq, after_seq, until_seq),
        msg.sender_id != reader_id,
        msg.recalled_at.is_(None),
        msg.kind != SYSTEM,
        not_hidden(reader_id),
    )
    counted = sa.select(sa.func.count()).select_from(query.limit(UNREAD_COUNT_MAX).subquery())
    return int((await conn.execute(counted)).scalar_one())


async def count_unread_of(
    conn: AsyncConnection, reader_id: int, conversation_ids: list[int]
) -> dict[int, int]:
    """count_unread for each of the reader's conversations given, in one statement."""
    if not conversation_ids:
        return {}
    member = conversation_members.c
    unread = (
        sa.select(sa.literal(1))
        .where(
            msg.conversation_id == member.conversation_id,
            window_clause(msg.seq, member.last_read_seq, member.left_seq),
            msg.sender_id != reader_id,
            msg.recalled_at.is_(None),
            msg.kind != SYSTEM,
            not_hidden(reader_id),
        )
        .limit(UNREAD_COUNT_MAX)
        .correlate(conversation_members)
        .subquery()
    )
    counted = sa.select(sa.func.count()).select_from(unread).scalar_subquery()
    query = sa.select(member.conversation_id, counted).where(
        member.user_id == reader_id, member.conversation_id.in_(conversation_ids)
    )
    return {int(cid): int(n) for cid, n in (await conn.execute(query)).all()}


PREVIEW_LOOKBACK = 1000  # how far a chat's last message is looked for past deleted ones


async def list_last_visible(
    conn: AsyncConnection, viewer_id: int, conversation_ids: list[int]
) -> list[sa.Row[Any]]:
    """Each conversation's newest message the viewer may see: in their window, after the
    history they deleted (`cleared_seq`) and not deleted for them one by one. Two statements
    however many conversations; each walks back from the newest message on the
    (conversation_id, seq) index and stops at the first one not deleted for the viewer,
    looking at most PREVIEW_LOOKBACK messages back (a chat whose last 1,000 messages the
    viewer all deleted shows none)."""
    if not conversation_ids:
        return []
    m, c = conversation_members.c, conversations.c
    newest = (
        sa.select(_newest_visible_id())
        .join(conversations, c.id == m.conversation_id)
        .where(m.user_id == viewer_id, m.conversation_id.in_(conversation_ids))
    )
    ids = [i for i in (await conn.execute(newest)).scalars() if i is not None]
    return await list_messages_by_id(conn, ids)


def _newest_visible_id() -> sa.ScalarSelect[Any]:
    """SQL, per membership row (with its conversation): the id of list_last_visible's
    message (by id, which the (conversation_id, seq) index holds too on SQLite)."""
    m, c = conversation_members.c, conversations.c
    top = sa.func.coalesce(m.left_seq, c.last_seq)
    # one lower and one upper end: the index walk starts at the top and stops at the bottom
    low = _greater(_greater(m.joined_seq, m.cleared_seq), top - PREVIEW_LOOKBACK)
    query = (
        sa.select(msg.id)
        .where(
            msg.conversation_id == m.conversation_id,
            window_clause(msg.seq, low, m.left_seq),
            msg.seq <= top,
            not_hidden(m.user_id),
        )
        .order_by(msg.seq.desc())
        .limit(1)
    )
    return query.correlate(conversation_members, conversations).scalar_subquery()


def _greater(a: Any, b: Any) -> sa.ColumnElement[Any]:
    """SQL: the greater of two values (GREATEST, which SQLite spells max)."""
    return sa.case((a > b, a), else_=b)


async def list_quoted(
    conn: AsyncConnection, quoted: Iterable[tuple[int, int]]
) -> list[sa.Row[Any]]:
    """The messages at these (conversation id, seq) places — what some messages reply to
    (replies stay in their conversation) — in one statement, each found by its key."""
    by_conversation: dict[int, set[int]] = defaultdict(set)
    for conversation_id, seq in quoted:
        by_conversation[conversation_id].add(seq)
    if not by_conversation:
        return []
    places = [  # not a row-value IN: SQLite scans the whole table for that
        sa.and_(msg.conversation_id == conversation_id, msg.seq.in_(sorted(seqs)))
        for conversation_id, seqs in by_conversation.items()
    ]
    query = WITH_SENDER.where(sa.or_(*places))
    return list((await conn.execute(query)).all())


async def insert_reaction(
    conn: AsyncConnection, message_id: int, user_id: int, emoji: str, created_at: int
) -> bool:
    """Add a reaction; False when it was there already."""
    r = reactions.c
    exists = sa.select(sa.literal(1)).where(
        r.message_id == message_id, r.user_id == user_id, r.emoji == emoji
    )
    if (await conn.execute(exists)).first() is not None:
        return False
    await conn.execute(
        sa.insert(reactions).values(
            message_id=message_id, user_id=user_id, emoji=emoji, created_at=created_at
        )
    )
    return True


async def list_reaction_emojis(conn: AsyncConnection, message_id: int, user_id: int) -> list[str]:
    """The reactions one person gave one message."""
    r = reactions.c
    query = sa.select(r.emoji).where(r.message_id == message_id, r.user_id == user_id)
    return list((await conn.execute(query)).scalars())


async def delete_reaction(conn: AsyncConnection, message_id: int, user_id: int, emoji: str) -> bool:
    r = reactions.c
    result = await conn.execute(
        sa.delete(reactions).where(
            r.message_id == message_id, r.user_id == user_id, r.emoji == emoji
        )
    )
    return bool(result.rowcount)


async def delete_reactions_of(conn: AsyncConnection, message_id: int) -> None:
    await conn.execute(sa.delete(reactions).where(reactions.c.message_id == message_id))


async def list_reactions(
    conn: AsyncConnection, message_ids: Iterable[int], until: int | None = None
) -> list[tuple[int, str, str]]:
    """(message_id, emoji, handle) in the order reactions were given (up to `until`)."""
    ids = list(message_ids)
    if not ids:
        return []
    if until is None:
        rows = await conn.execute(_REACTIONS, {"ids": ids})
    else:
        rows = await conn.execute(_REACTIONS_UNTIL, {"ids": ids, "until": until})
    return [(int(a), b, c) for a, b, c in rows.all()]


_REACTIONS = (
    sa.select(reactions.c.message_id, reactions.c.emoji, users.c.handle)
    .join(users, users.c.id == reactions.c.user_id)
    .where(reactions.c.message_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(reactions.c.created_at, users.c.handle)
)
_REACTIONS_UNTIL = _REACTIONS.where(reactions.c.created_at <= sa.bindparam("until"))


async def insert_hidden(
    conn: AsyncConnection, user_id: int, conversation_id: int, seqs: list[int], now: int
) -> list[int]:
    """Delete these messages for the user only; returns the seqs newly hidden."""
    h = hidden_messages.c
    query = sa.select(h.seq).where(
        h.user_id == user_id, h.conversation_id == conversation_id, h.seq.in_(seqs)
    )
    already = set((await conn.execute(query)).scalars())
    new = sorted(set(seqs) - already)
    if new:
        rows = [
            {"user_id": user_id, "conversation_id": conversation_id, "seq": seq, "created_at": now}
            for seq in new
        ]
        await conn.execute(sa.insert(hidden_messages), rows)
    return new


async def list_members_seeing(conn: AsyncConnection, conversation_id: int, seq: int) -> list[int]:
    """The current members who may see the message at `seq` — in their window (joined
    before it, not deleted with the chat) and not deleted for them: whom a change to it is
    told."""
    m, h = conversation_members.c, hidden_messages.c
    hidden = sa.exists().where(
        h.user_id == m.user_id, h.conversation_id == conversation_id, h.seq == seq
    )
    query = sa.select(m.user_id).where(
        m.conversation_id == conversation_id,
        window_clause(sa.literal(seq), _greater(m.joined_seq, m.cleared_seq), None),
        m.left_seq.is_(None),
        ~hidden,
    )
    return [int(user_id) for user_id in (await conn.execute(query)).scalars()]


async def list_hidden_among(
    conn: AsyncConnection, user_id: int, keys: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Which of these (conversation_id, seq) the user deleted for themselves."""
    wanted = set(keys)
    if not wanted:
        return set()
    params = {
        "uid": user_id,
        "cids": list({c for c, _ in wanted}),
        "seqs": list({s for _, s in wanted}),
    }
    found = {(int(c), int(s)) for c, s in (await conn.execute(_HIDDEN_AMONG, params)).all()}
    return found & wanted  # the statement asks for every (conversation, seq) pair of the two


# Built once (a replay runs it per page); a pair-wise IN built its bind parameters per key.
_HIDDEN_AMONG = sa.select(hidden_messages.c.conversation_id, hidden_messages.c.seq).where(
    hidden_messages.c.user_id == sa.bindparam("uid"),
    hidden_messages.c.conversation_id.in_(sa.bindparam("cids", expanding=True)),
    hidden_messages.c.seq.in_(sa.bindparam("seqs", expanding=True)),
)
