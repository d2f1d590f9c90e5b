"""The ledger's SQL: what one user holds, as a few aggregate statements.

Each statement groups in the database and returns one row per (counterpart, kind), never a row
per message: its cost is an index range per conversation the user is in (messages by
`(conversation_id, seq)` inside their window) or per moment of theirs, and its answer is as long
as the number of people they share history with. The counterpart of a direct chat, a like or a
comment is the other person, or — for a placeholder the user linked — the account it is linked
to (placeholders are owned, so only the user's own links count). Someone who blocked the user
does not exist for them: their direct chat and their likes and comments are left out, as the
chat list and the export leave them out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from guanxi.accounts.tables import users
from guanxi.assets.tables import placeholders
from guanxi.conversations.store_held import held_query
from guanxi.conversations.store_messages import not_hidden
from guanxi.conversations.tables import messages
from guanxi.conversations.window import window_clause
from guanxi.media.tables import media
from guanxi.moments.tables import moment_comments, moment_likes, moment_media, moments
from guanxi.relationships.tables import blocks, friendships

SYSTEM = "system"  # an imported service line: nobody's message


def _not_blocking(user_id: int, other: ColumnElement[Any]) -> ColumnElement[bool]:
    """`other` has not blocked the user (NULL — no one — has not)."""
    b = blocks.c
    return ~sa.exists().where(b.user_id == other, b.blocked_id == user_id)


def _as_counterpart(user_id: int, who: ColumnElement[Any]) -> tuple[Any, ColumnElement[Any]]:
    """The user's placeholders, outer-joinable on `who`, and who `who` counts as."""
    ph = placeholders.alias("ph")
    on = sa.and_(ph.c.user_id == who, ph.c.owner_id == user_id)
    return (ph, on), sa.func.coalesce(ph.c.linked_user_id, who)


async def list_message_tallies(conn: AsyncConnection, user_id: int) -> list[Any]:
    """Per (direct counterpart or None, sent?, message kind, media kind): messages,
    media items and bytes, first and last time — of the messages the user holds: inside their
    window of each conversation, not recalled, not deleted for themselves, not a system
    line."""
    return list(await conn.execute(message_tallies_query(user_id)))


def message_tallies_query(user_id: int) -> sa.Select[Any]:
    held = _held_conversations(user_id)
    m, md = messages.c, media.c
    # No bound values in grouped expressions (PostgreSQL would not match them to the select
    # list): `held.user_id` is the user.
    one, zero = sa.literal_column("1", sa.Integer), sa.literal_column("0", sa.Integer)
    sent = sa.case((m.sender_id == held.c.user_id, one), else_=zero).label("sent")
    joined = held.join(
        messages,
        sa.and_(
            m.conversation_id == held.c.conversation_id,
            window_clause(m.seq, held.c.joined_seq, held.c.left_seq),
        ),
    ).outerjoin(media, md.id == m.media_id)
    return (
        sa.select(
            held.c.counterpart,
            sent,
            m.kind.label("kind"),
            md.kind.label("media_kind"),
            sa.func.count().label("messages"),
            sa.func.count(md.id).label("media"),
            sa.func.coalesce(sa.func.sum(md.size), 0).label("bytes"),
            sa.func.min(m.created_at).label("first_at"),
            sa.func.max(m.created_at).label("last_at"),
        )
        .select_from(joined)
        .where(m.recalled_at.is_(None), m.kind != SYSTEM, not_hidden(held.c.user_id))
        .group_by(held.c.counterpart, sent, m.kind, md.kind)
    )


def _held_conversations(user_id: int) -> sa.CTE:
    """The user's memberships with their windows and each direct chat's counterpart, worked
    out once per conversation (MATERIALIZED: not again for each message)."""
    held = held_query(user_id).subquery("mine")
    (ph, ph_on), counterpart = _as_counterpart(user_id, held.c.peer_id)
    query = sa.select(
        held.c.conversation_id,
        held.c.user_id,
        held.c.joined_seq,
        held.c.left_seq,
        counterpart.label("counterpart"),
    ).select_from(held.outerjoin(ph, ph_on))
    return query.cte("held").prefix_with("MATERIALIZED")


async def count_conversations(conn: AsyncConnection, user_id: int) -> dict[str, int]:
    """The user's conversations by kind, past groups included (their history is still held);
    a direct chat with someone who blocked them is not there for them."""
    return {kind: int(n) for kind, n in await conn.execute(conversation_counts_query(user_id))}


def conversation_counts_query(user_id: int) -> sa.Select[Any]:
    held = held_query(user_id).subquery("held")
    return sa.select(held.c.kind, sa.func.count()).group_by(held.c.kind)


async def get_moment_tally(conn: AsyncConnection, user_id: int) -> Any:
    """The user's own moments: how many, the media items and bytes they carry, first and last
    time."""
    return (await conn.execute(moment_tally_query(user_id))).one()


def moment_tally_query(user_id: int) -> sa.Select[Any]:
    mo, mm, md = moments.c, moment_media.c, media.c
    joined = moments.outerjoin(moment_media, mm.moment_id == mo.id).outerjoin(
        media, md.id == mm.media_id
    )
    query = (
        sa.select(
            sa.func.count(sa.distinct(mo.id)).label("moments"),
            sa.func.count(md.id).label("media"),
            sa.func.coalesce(sa.func.sum(md.size), 0).label("bytes"),
            sa.func.min(mo.created_at).label("first_at"),
            sa.func.max(mo.created_at).label("last_at"),
        )
        .select_from(joined)
        .where(mo.author_id == user_id)
    )
    return query


def _interactions(user_id: int, table: sa.Table, name: str, given: bool) -> sa.Select[Any]:
    """Likes or comments between the user and each counterpart, one direction: `given` by the
    user on others' moments, else received from others on the user's own."""
    t, mo = table.c, moments.c
    actor, other = (t.user_id, mo.author_id) if given else (mo.author_id, t.user_id)
    (ph, ph_on), counterpart = _as_counterpart(user_id, other)
    joined = table.join(moments, mo.id == t.moment_id).outerjoin(ph, ph_on)
    return (
        sa.select(
            sa.literal(name).label("what"),
            sa.literal(given).label("given"),
            counterpart.label("counterpart"),
            sa.func.count().label("n"),
            sa.func.min(t.created_at).label("first_at"),
            sa.func.max(t.created_at).label("last_at"),
        )
        .select_from(joined)
        .where(actor == user_id, other != user_id, _not_blocking(user_id, other))
        .group_by(counterpart)
    )


async def list_interaction_tallies(conn: AsyncConnection, user_id: int) -> list[Any]:
    """Per (likes | comments, given?, counterpart): how many, first and last time."""
    return list(await conn.execute(interaction_tallies_query(user_id)))


def interaction_tallies_query(user_id: int) -> sa.CompoundSelect[Any]:
    parts = [
        _interactions(user_id, table, name, given)
        for table, name in ((moment_likes, "likes"), (moment_comments, "comments"))
        for given in (True, False)
    ]
    return sa.union_all(*parts)


async def list_friends(conn: AsyncConnection, user_id: int) -> list[Any]:
    """The user's friends as the ledger names them (who blocked the user is not there)."""
    return list(await conn.execute(friends_query(user_id)))


def friends_query(user_id: int) -> sa.Select[Any]:
    f, u = friendships.c, users.c
    query = (
        sa.select(f.friend_id, f.role, f.remark, u.handle, u.display_name)
        .select_from(friendships.join(users, u.id == f.friend_id))
        .where(f.user_id == user_id, _not_blocking(user_id, f.friend_id))
    )
    return query


# Every statement of one ledger read but the linked placeholders' count (an index range of
# `uq_placeholders_key`): tests/test_ledger_plans.py checks their plans.
LEDGER_QUERIES = (
    message_tallies_query,
    interaction_tallies_query,
    moment_tally_query,
    conversation_counts_query,
    friends_query,
)
