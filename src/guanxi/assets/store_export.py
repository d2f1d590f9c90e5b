"""SQL an export reads that no domain's store offers: a user's memberships, own moments, likes
and comments given, and reactions with their times, a page at a time by keyset; and the counts
an export's progress starts from. Read-only, over other domains' tables (docs/architecture.md,
"The export reads the domains page by page"); everything else is read through the domains'
own stores."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.tables import (
    conversation_members,
    conversations,
    hidden_messages,
    reactions,
)
from guanxi.conversations.window import held_start
from guanxi.moments.tables import moment_comments, moment_likes, moments
from guanxi.relationships.tables import blocks, friendships

m = conversation_members.c
c = conversations.c


async def list_memberships_page(
    conn: AsyncConnection, user_id: int, after_id: int, limit: int
) -> list[sa.Row[Any]]:
    """The conversations the user is or was a member of, by id after `after_id`, each with the
    user's membership (`role`, `joined_at`, `joined_seq`, `cleared_seq`, `left_seq`,
    `left_at`, `last_read_seq`, `left_view`)."""
    query = (
        sa.select(
            conversations,
            m.role,
            m.joined_at,
            m.joined_seq,
            m.joined_event,
            m.cleared_seq,
            m.left_seq,
            m.left_event,
            m.left_at,
            m.left_view,
            m.last_read_seq,
            m.is_muted,
            m.user_id,
        )
        .join(conversation_members, m.conversation_id == c.id)
        .where(m.user_id == user_id, c.id > after_id)
        .order_by(c.id)
        .limit(limit)
    )
    return list((await conn.execute(query)).all())


async def list_window_sizes(conn: AsyncConnection, user_id: int) -> list[Any]:
    """(id, kind, direct_key, last_seq, joined_seq, cleared_seq, left_seq, hidden) of every
    membership of the user: what an export counts its messages from (seqs are gap-free, so a
    window's size is arithmetic, less the messages the user deleted for themselves in it,
    `hidden`). One row per membership, however long the history."""
    h = hidden_messages.c
    start = held_start(m.joined_seq, m.cleared_seq)
    hidden = (
        sa.select(sa.func.count())
        .where(
            h.user_id == user_id,
            h.conversation_id == c.id,
            h.seq > start,
            h.seq <= sa.func.coalesce(m.left_seq, c.last_seq),
        )
        .scalar_subquery()
    )
    query = sa.select(
        c.id,
        c.kind,
        c.direct_key,
        c.last_seq,
        m.joined_seq,
        m.cleared_seq,
        m.left_seq,
        hidden.label("hidden"),
    ).join(conversation_members, m.conversation_id == c.id)
    return list((await conn.execute(query.where(m.user_id == user_id))).all())


async def list_member_rows(
    conn: AsyncConnection, conversation_id: int, user_ids: Iterable[int]
) -> dict[int, sa.Row[Any]]:
    """These users' membership rows in one conversation (joined_at, left_at, last_read_seq…)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    query = sa.select(conversation_members).where(
        m.conversation_id == conversation_id, m.user_id.in_(ids)
    )
    return {int(row.user_id): row for row in (await conn.execute(query)).all()}


async def list_reactions_at(
    conn: AsyncConnection, message_ids: Iterable[int], until: int | None
) -> list[Any]:
    """(message_id, handle, emoji, created_at) of these messages' reactions in the order they
    were given (only those given up to `until`, when set)."""
    ids = list(message_ids)
    if not ids:
        return []
    r = reactions.c
    query = (
        sa.select(r.message_id, users.c.handle, r.emoji, r.created_at)
        .join(users, users.c.id == r.user_id)
        .where(r.message_id.in_(ids))
        .order_by(r.message_id, r.created_at, users.c.handle, r.emoji)
    )
    if until is not None:
        query = query.where(r.created_at <= until)
    return list((await conn.execute(query)).all())


async def list_own_moments(
    conn: AsyncConnection, author_id: int, after: tuple[int, int] | None, limit: int
) -> list[sa.Row[Any]]:
    """The author's moments, oldest first, after the position (created_at, id)."""
    query = sa.select(moments).where(moments.c.author_id == author_id)
    if after is not None:
        query = query.where(sa.tuple_(moments.c.created_at, moments.c.id) > sa.tuple_(*after))
    query = query.order_by(moments.c.created_at, moments.c.id).limit(limit)
    return list((await conn.execute(query)).all())


def _on_others_moments(table: sa.Table, user_id: int) -> sa.Select[Any]:
    """The user's rows of `table` (likes or comments) joined with the moments they are on,
    others' moments only; each row has the moment's columns and `given_at`."""
    return (
        sa.select(moments, table.c.created_at.label("given_at"))
        .join(table, table.c.moment_id == moments.c.id)
        .where(table.c.user_id == user_id, moments.c.author_id != user_id)
    )


async def list_likes_given(
    conn: AsyncConnection, user_id: int, after: tuple[int, int] | None, limit: int
) -> list[sa.Row[Any]]:
    """The user's likes on others' moments, oldest first, after (given_at, moment id)."""
    ml = moment_likes.c
    query = _on_others_moments(moment_likes, user_id)
    if after is not None:
        query = query.where(sa.tuple_(ml.created_at, ml.moment_id) > sa.tuple_(*after))
    query = query.order_by(ml.created_at, ml.moment_id).limit(limit)
    return list((await conn.execute(query)).all())


async def list_comments_given(
    conn: AsyncConnection, user_id: int, after_id: int, limit: int
) -> list[sa.Row[Any]]:
    """The user's comments on others' moments, oldest first (by comment id, which grows with
    time), after `after_id`; each row has `comment_id` and `comment_text` too."""
    mc = moment_comments.c
    query = _on_others_moments(moment_comments, user_id).add_columns(
        mc.id.label("comment_id"), mc.text.label("comment_text")
    )
    query = query.where(mc.id > after_id).order_by(mc.id).limit(limit)
    return list((await conn.execute(query)).all())


async def count_export_records(conn: AsyncConnection, user_id: int) -> dict[str, int]:
    """How many friends, blocks, own moments, likes and comments given on others' moments the
    user has (an upper bound of what an export writes of each), in one statement."""
    f, b = friendships.c, blocks.c

    def count(table: sa.Table | sa.Join, *where: Any) -> sa.ScalarSelect[Any]:
        return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()

    def given(table: sa.Table) -> sa.ScalarSelect[Any]:
        on_moment = table.join(moments, moments.c.id == table.c.moment_id)
        return count(on_moment, table.c.user_id == user_id, moments.c.author_id != user_id)

    query = sa.select(
        count(friendships, f.user_id == user_id).label("friends"),
        count(blocks, b.user_id == user_id).label("blocks"),
        count(moments, moments.c.author_id == user_id).label("moments"),
        given(moment_likes).label("likes"),
        given(moment_comments).label("comments"),
    )
    row = (await conn.execute(query)).one()
    return {key: int(value) for key, value in row._mapping.items()}
