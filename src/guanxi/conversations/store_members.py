"""SQL for conversation members."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.conversations.models import LeftView, Member
from guanxi.conversations.rows import member_from_row
from guanxi.conversations.tables import conversation_members, conversations
from guanxi.db.prepared import Prepared

m = conversation_members.c


async def upsert_member(
    conn: AsyncConnection,
    *,
    conversation_id: int,
    user_id: int,
    role: str,
    joined_at: int,
    joined_seq: int,
    joined_event: int,
) -> None:
    """Add a member, or bring back one who left (their new history starts now)."""
    values = {
        "role": role,
        "joined_at": joined_at,
        "joined_seq": joined_seq,
        "joined_event": joined_event,
        "left_seq": None,
        "left_event": None,
        "left_at": None,
        "left_view": None,
        "last_read_seq": joined_seq,
        "cleared_seq": 0,
        "is_pinned": False,
        "is_archived": False,
    }
    existing = await get_member(conn, conversation_id, user_id)
    if existing is None:
        await conn.execute(
            sa.insert(conversation_members).values(
                conversation_id=conversation_id, user_id=user_id, **values
            )
        )
        return
    await conn.execute(
        sa.update(conversation_members)
        .where(m.conversation_id == conversation_id, m.user_id == user_id)
        .values(values)
    )


async def get_member(conn: AsyncConnection, conversation_id: int, user_id: int) -> Member | None:
    query = sa.select(conversation_members).where(
        m.conversation_id == conversation_id, m.user_id == user_id
    )
    row = (await conn.execute(query)).first()
    return member_from_row(row) if row else None


_MEMBERSHIP = Prepared(
    sa.select(
        conversations,
        m.user_id,
        m.role,
        m.joined_seq,
        m.joined_event,
        m.left_seq,
        m.left_event,
        m.last_read_seq,
        m.left_at,
        m.is_muted,
        m.is_pinned,
        m.is_archived,
        m.cleared_seq,
    )
    .join(conversation_members, m.conversation_id == conversations.c.id)
    .where(conversations.c.id == sa.bindparam("cid"), m.user_id == sa.bindparam("uid"))
)
_MEMBERSHIPS = Prepared(sa.select(conversation_members).where(m.user_id == sa.bindparam("uid")))
_ACTIVE_IDS = Prepared(
    sa.select(m.user_id).where(m.conversation_id == sa.bindparam("cid"), m.left_seq.is_(None))
)


async def list_recipients(conn: AsyncConnection, conversation_id: int) -> tuple[list[int], bool]:
    """A new message's recipients (the active members) and whether it brings the chat back
    from anyone's archive (`unarchive_unmuted` has work), in one statement that reads indexes
    only unless someone archived the chat."""
    rows = await _RECIPIENTS.rows(conn, {"cid": conversation_id})
    return [int(row.user_id) for row in rows if not row.back], any(row.back for row in rows)


_RECIPIENTS = Prepared(
    sa.union_all(
        sa.select(m.user_id, sa.literal_column("0").label("back")).where(
            m.conversation_id == sa.bindparam("cid"), m.left_seq.is_(None)
        ),
        # as ix_conversation_members_sent_back's condition reads: found through it
        sa.select(m.user_id, sa.literal_column("1")).where(
            m.conversation_id == sa.bindparam("cid"),
            m.left_seq.is_(None),
            m.is_archived,
            sa.not_(m.is_muted),
        ),
    )
)


async def get_membership(
    conn: AsyncConnection, conversation_id: int, user_id: int
) -> tuple[Any, Member] | None:
    """The conversation and one user's membership of it, in one query."""
    row = await _MEMBERSHIP.first(conn, {"cid": conversation_id, "uid": user_id})
    if row is None:
        return None
    return row, member_from_row(row)


async def list_active_member_ids(conn: AsyncConnection, conversation_id: int) -> list[int]:
    rows = await _ACTIVE_IDS.rows(conn, {"cid": conversation_id})
    return [int(row[0]) for row in rows]


async def list_co_member_ids(conn: AsyncConnection, user_id: int) -> set[int]:
    """The active members of every chat the user is an active member of, the user too."""
    mine = sa.select(m.conversation_id).where(m.user_id == user_id, m.left_seq.is_(None))
    query = sa.select(m.user_id).where(m.conversation_id.in_(mine), m.left_seq.is_(None))
    return {int(x) for x in (await conn.execute(query.distinct())).scalars()}


async def list_active_members(conn: AsyncConnection, conversation_id: int) -> list[Any]:
    query = (
        sa.select(m.user_id, m.role, m.joined_at)
        .where(m.conversation_id == conversation_id, m.left_seq.is_(None))
        .order_by(m.joined_at, m.user_id)
    )
    return list((await conn.execute(query)).all())


async def list_active_members_page(
    conn: AsyncConnection, conversation_id: int, after: tuple[int, int] | None, limit: int
) -> list[Any]:
    """A page of active members in the order they joined: those after `after`
    (joined_at, user_id)."""
    query = sa.select(m.user_id, m.role, m.joined_at).where(
        m.conversation_id == conversation_id, m.left_seq.is_(None)
    )
    if after is not None:
        query = query.where(sa.tuple_(m.joined_at, m.user_id) > sa.tuple_(*after))
    query = query.order_by(m.joined_at, m.user_id).limit(limit)
    return list((await conn.execute(query)).all())


async def list_other_members(
    conn: AsyncConnection, conversation_ids: list[int], user_id: int
) -> dict[int, int]:
    """For each conversation given, one active member other than the user (a direct chat's
    peer), in one statement."""
    if not conversation_ids:
        return {}
    query = sa.select(m.conversation_id, sa.func.min(m.user_id)).where(
        m.conversation_id.in_(conversation_ids), m.user_id != user_id, m.left_seq.is_(None)
    )
    rows = (await conn.execute(query.group_by(m.conversation_id))).all()
    return {int(cid): int(uid) for cid, uid in rows}


async def list_users_in_at_least(
    conn: AsyncConnection, user_ids: list[int], conversations: int
) -> list[int]:
    """Which of these users are active members of `conversations` conversations or more.
    Bounded work: the cap on conversations per user keeps each user's count below it."""
    if not user_ids:
        return []
    query = (
        sa.select(m.user_id)
        .where(m.user_id.in_(set(user_ids)), m.left_seq.is_(None))
        .group_by(m.user_id)
        .having(sa.func.count() >= conversations)
    )
    return [int(uid) for uid in (await conn.execute(query)).scalars()]


async def count_active_members(conn: AsyncConnection, conversation_id: int) -> int:
    query = sa.select(sa.func.count()).where(
        m.conversation_id == conversation_id, m.left_seq.is_(None)
    )
    return int((await conn.execute(query)).scalar_one())


async def count_active_members_of(
    conn: AsyncConnection, conversation_ids: list[int]
) -> dict[int, int]:
    if not conversation_ids:
        return {}
    query = (
        sa.select(m.conversation_id, sa.func.count())
        .where(m.conversation_id.in_(conversation_ids), m.left_seq.is_(None))
        .group_by(m.conversation_id)
    )
    return {int(cid): int(n) for cid, n in (await conn.execute(query)).all()}


async def mark_left(
    conn: AsyncConnection,
    conversation_id: int,
    user_id: int,
    left_seq: int,
    left_event: int,
    *,
    left_at: int | None = None,
    left_view: LeftView | None = None,
) -> None:
    """`left_view`: the group as it was when they left, which is all they see of it after."""
    await conn.execute(
        sa.update(conversation_members)
        .where(m.conversation_id == conversation_id, m.user_id == user_id)
        .values(left_seq=left_seq, left_event=left_event, left_at=left_at, left_view=left_view)
    )


async def get_left_view(
    conn: AsyncConnection, conversation_id: int, user_id: int
) -> LeftView | None:
    query = sa.select(m.left_view).where(m.conversation_id == conversation_id, m.user_id == user_id)
    view: LeftView | None = (await conn.execute(query)).scalar_one_or_none()
    return view


async def update_member(
    conn: AsyncConnection, conversation_id: int, user_id: int, values: dict[str, Any]
) -> None:
    await conn.execute(
        sa.update(conversation_members)
        .where(m.conversation_id == conversation_id, m.user_id == user_id)
        .values(values)
    )


async def list_memberships(conn: AsyncConnection, user_id: int) -> list[tuple[int, Member]]:
    """Every membership of a user, past and present, for replaying events."""
    rows = await _MEMBERSHIPS.rows(conn, {"uid": user_id})
    return [(row.conversation_id, member_from_row(row)) for row in rows]


async def list_members_among(
    conn: AsyncConnection, conversation_id: int, user_ids: list[int]
) -> dict[int, Member]:
    """The memberships, past or present, that these users have in one conversation."""
    if not user_ids:
        return {}
    query = sa.select(conversation_members).where(
        m.conversation_id == conversation_id, m.user_id.in_(user_ids)
    )
    return {row.user_id: member_from_row(row) for row in (await conn.execute(query)).all()}


async def exists_active_joined_since(conn: AsyncConnection, conversation_id: int, seq: int) -> bool:
    """Whether an active member joined at or after `seq` (so cannot see that message)."""
    query = sa.select(sa.literal(1)).where(
        m.conversation_id == conversation_id, m.left_seq.is_(None), m.joined_seq >= seq
    )
    return (await conn.execute(query.limit(1))).first() is not None


async def exists_placeholder_member(conn: AsyncConnection, conversation_id: int) -> bool:
    """Whether someone an import brought (a placeholder) is a member: an imported chat."""
    query = (
        sa.select(sa.literal(1))
        .select_from(conversation_members.join(users, users.c.id == m.user_id))
        .where(m.conversation_id == conversation_id, users.c.is_placeholder.is_(True))
        .limit(1)
    )
    return (await conn.execute(query)).first() is not None


_UNARCHIVE_UNMUTED = Prepared(
    sa.update(conversation_members)
    .where(
        m.conversation_id == sa.bindparam("cid"),
        # as ix_conversation_members_sent_back's condition reads: the update goes through it
        m.left_seq.is_(None),
        m.is_archived,
        sa.not_(m.is_muted),
    )
    .values(is_archived=False)
    .returning(m.user_id)
)


async def unarchive_unmuted(conn: AsyncConnection, conversation_id: int) -> list[int]:
    """Take the chat out of the archive of each current member who has not muted it; the
    user ids whose archive changed."""
    rows = await _UNARCHIVE_UNMUTED.rows(conn, {"cid": conversation_id})
    return sorted(int(row.user_id) for row in rows)
