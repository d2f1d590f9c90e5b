"""SQL for group invitations: one row per group and invitee, reused when invited again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations.tables import conversations, group_invitations
from guanxi.db import day_window

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"

gi = group_invitations.c


async def get_invitation(conn: AsyncConnection, invitation_id: int) -> sa.Row[Any] | None:
    query = sa.select(group_invitations).where(gi.id == invitation_id)
    return (await conn.execute(query)).first()


async def list_invitations_of_group(
    conn: AsyncConnection, conversation_id: int, invitee_ids: list[int]
) -> dict[int, sa.Row[Any]]:
    """The rows of these invitees in one group, by invitee."""
    if not invitee_ids:
        return {}
    query = sa.select(group_invitations).where(
        gi.conversation_id == conversation_id, gi.invitee_id.in_(invitee_ids)
    )
    return {row.invitee_id: row for row in (await conn.execute(query)).all()}


async def upsert_invitation(
    conn: AsyncConnection,
    *,
    conversation_id: int,
    invitee_id: int,
    inviter_id: int,
    created_at: int,
    expires_at: int,
    existing: int | None,
) -> int:
    """A pending invitation: a new row, or the pair's earlier row made pending again."""
    values = {
        "inviter_id": inviter_id,
        "status": PENDING,
        "created_at": created_at,
        "expires_at": expires_at,
        "answered_at": None,
    }
    if existing is not None:
        await conn.execute(sa.update(group_invitations).where(gi.id == existing).values(values))
        return existing
    result = await conn.execute(
        sa.insert(group_invitations)
        .values(conversation_id=conversation_id, invitee_id=invitee_id, **values)
        .returning(gi.id)
    )
    return int(result.scalar_one())


async def update_status(
    conn: AsyncConnection, invitation_id: int, status: str, answered_at: int
) -> None:
    await conn.execute(
        sa.update(group_invitations)
        .where(gi.id == invitation_id)
        .values(status=status, answered_at=answered_at)
    )


async def accept_pending_of(
    conn: AsyncConnection, conversation_id: int, user_ids: list[int], answered_at: int
) -> None:
    """Those who join a group by any way have no invitation into it left waiting."""
    await conn.execute(
        sa.update(group_invitations)
        .where(
            gi.conversation_id == conversation_id,
            gi.invitee_id.in_(user_ids),
            gi.status == PENDING,
        )
        .values(status=ACCEPTED, answered_at=answered_at)
    )


async def count_pending_of_group(
    conn: AsyncConnection, conversation_id: int, now: int, besides: list[int]
) -> int:
    """Invitations waiting in a group, besides those to the given users."""
    query = sa.select(sa.func.count()).where(
        gi.conversation_id == conversation_id,
        gi.status == PENDING,
        gi.expires_at > now,
        gi.invitee_id.not_in(besides),
    )
    return int((await conn.execute(query)).scalar_one())


async def count_sent_since(conn: AsyncConnection, inviter_id: int, since: int) -> int:
    query = sa.select(sa.func.count()).where(gi.inviter_id == inviter_id, gi.created_at >= since)
    return int((await conn.execute(query)).scalar_one())


async def sent_at(conn: AsyncConnection, inviter_id: int, since: int, skip: int) -> int | None:
    """When the inviter sent the invitation `skip` places after their oldest since `since`."""
    return await day_window.counted_at(
        conn, group_invitations, gi.inviter_id == inviter_id, since, skip
    )


async def list_pending_of(
    conn: AsyncConnection, invitee_id: int, now: int, before_id: int | None, limit: int
) -> list[sa.Row[Any]]:
    """A user's waiting invitations, newest first, with the group's name."""
    query = (
        sa.select(group_invitations, conversations.c.name.label("group_name"))
        .join(conversations, conversations.c.id == gi.conversation_id)
        .where(gi.invitee_id == invitee_id, gi.status == PENDING, gi.expires_at > now)
        .order_by(gi.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(gi.id < before_id)
    return list((await conn.execute(query)).all())
