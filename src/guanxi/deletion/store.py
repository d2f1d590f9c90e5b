"""SQL that takes a deleted account out of every domain's tables. The one store that writes
other domains' tables: deletion is about all of them at once, in one transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import sessions, users
from guanxi.conversations.store_invitations import PENDING
from guanxi.conversations.tables import (
    conversation_members,
    conversations,
    group_invitations,
    reactions,
)
from guanxi.moments.tables import (
    moment_audience_tags,
    moment_comments,
    moment_likes,
    moment_media,
    moments,
)
from guanxi.relationships.tables import blocks, friend_requests, friendships

DELETED_NAME = "Deleted account"


async def list_active_group_ids(conn: AsyncConnection, user_id: int) -> list[int]:
    query = (
        sa.select(conversation_members.c.conversation_id)
        .join(conversations, conversations.c.id == conversation_members.c.conversation_id)
        .where(
            conversation_members.c.user_id == user_id,
            conversation_members.c.left_seq.is_(None),
            conversations.c.kind == "group",
        )
    )
    return list((await conn.execute(query)).scalars())


async def delete_relationships(conn: AsyncConnection, user_id: int) -> None:
    """Friendships, friend requests and blocks, both ways."""
    for table, a, b in (
        (friendships, friendships.c.user_id, friendships.c.friend_id),
        (friend_requests, friend_requests.c.from_user_id, friend_requests.c.to_user_id),
        (blocks, blocks.c.user_id, blocks.c.blocked_id),
    ):
        await conn.execute(sa.delete(table).where(sa.or_(a == user_id, b == user_id)))


async def delete_group_invitations(conn: AsyncConnection, user_id: int) -> None:
    """Invitations to the user, and the ones the user sent that are still waiting."""
    sent_waiting = sa.and_(
        group_invitations.c.inviter_id == user_id, group_invitations.c.status == PENDING
    )
    condition = sa.or_(group_invitations.c.invitee_id == user_id, sent_waiting)
    await conn.execute(sa.delete(group_invitations).where(condition))


async def delete_moments_and_reactions(conn: AsyncConnection, user_id: int) -> None:
    """The user's moments (with everyone's likes and comments on them), their likes and
    comments on others' moments, their reactions to messages."""
    own = sa.select(moments.c.id).where(moments.c.author_id == user_id).scalar_subquery()
    for table in (moment_likes, moment_comments, moment_media, moment_audience_tags):
        await conn.execute(sa.delete(table).where(table.c.moment_id.in_(own)))
    await conn.execute(sa.delete(moments).where(moments.c.author_id == user_id))
    await conn.execute(sa.delete(moment_likes).where(moment_likes.c.user_id == user_id))
    await conn.execute(sa.delete(moment_comments).where(moment_comments.c.user_id == user_id))
    await conn.execute(
        sa.update(moment_comments)
        .where(moment_comments.c.reply_to_user_id == user_id)
        .values(reply_to_user_id=None)
    )
    await conn.execute(sa.delete(reactions).where(reactions.c.user_id == user_id))


async def empty_user(conn: AsyncConnection, user_id: int, now: int) -> list[int]:
    """The user row keeps only its id (messages point at it): a reserved handle, no name, no
    password, `deleted_at`. Every session is deleted; their ids are returned."""
    ended = list(
        (
            await conn.execute(sa.select(sessions.c.id).where(sessions.c.user_id == user_id))
        ).scalars()
    )
    await conn.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))
    await conn.execute(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(
            handle=f"deleted.{user_id}",
            display_name=DELETED_NAME,
            bio="",
            password_hash=None,
            deleted_at=now,
            moments_visible="all",
            avatar_media_id=None,  # the picture's item is collected as any unused upload
        )
    )
    return ended
