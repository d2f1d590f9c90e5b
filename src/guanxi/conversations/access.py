"""Who may see and do what in a conversation. Every conversation call starts here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import rules, store_members
from guanxi.conversations.models import DIRECT, Member
from guanxi.errors import Forbidden, NotFound
from guanxi.relationships import store as relationships_store

MANAGERS = ("owner", "admin")


async def access_member(
    conn: AsyncConnection, conversation_id: int, user_id: int
) -> tuple[sa.Row[Any], Member]:
    """The conversation and the caller's membership, past or present; else not found."""
    found = await store_members.get_membership(conn, conversation_id, user_id)
    if found is None:
        raise NotFound("No such conversation.")
    return found


async def access_active(
    conn: AsyncConnection, conversation_id: int, user_id: int
) -> tuple[sa.Row[Any], Member]:
    """As access_member, and the caller must still be in it."""
    conversation, member = await access_member(conn, conversation_id, user_id)
    if not member.active:
        raise Forbidden("You are no longer a member of this conversation.", "not_member")
    return conversation, member


async def access_manager(
    conn: AsyncConnection, conversation_id: int, user_id: int
) -> tuple[sa.Row[Any], Member]:
    """An active owner or admin of a group."""
    conversation, member = await access_active(conn, conversation_id, user_id)
    if conversation.kind == DIRECT:
        raise Forbidden("A direct chat has no settings or members to manage.", "direct_chat")
    if member.role not in MANAGERS:
        raise Forbidden("Only the group's owner and admins may do this.", "not_admin")
    return conversation, member


async def check_may_message(conn: AsyncConnection, sender_id: int, peer_id: int) -> None:
    """Direct messages go only between friends, and never across a block."""
    friendship_sides, blocks = await relationships_store.count_ties(conn, sender_id, peer_id)
    if blocks:
        raise Forbidden("You cannot message this person.", "blocked")
    if friendship_sides != 2:
        raise Forbidden("You can message only your friends; send a request.", "not_friends")


async def check_direct_ties(conn: AsyncConnection, conversation: Any, user_id: int) -> None:
    """In a direct chat, whatever reaches the other side needs the ties a message needs."""
    if conversation.kind == DIRECT:
        await check_may_message(conn, user_id, rules.direct_peer(conversation.direct_key, user_id))


async def check_peer_not_blocking(conn: AsyncConnection, conversation: Any, user_id: int) -> None:
    """A direct chat with someone who blocked you does not exist for you (nor does that
    person); it comes back if they unblock you."""
    if conversation.kind != DIRECT:
        return
    peer = rules.direct_peer(conversation.direct_key, user_id)
    if await relationships_store.exists_block(conn, peer, user_id):
        raise NotFound("No such conversation.")


async def may_reach_peer(conn: AsyncConnection, conversation: Any, user_id: int) -> bool:
    """Whether a direct chat's peer may learn of the user's activity (read receipts)."""
    peer = rules.direct_peer(conversation.direct_key, user_id)
    friendship_sides, blocks = await relationships_store.count_ties(conn, user_id, peer)
    return friendship_sides == 2 and not blocks


async def check_not_imported(conn: AsyncConnection, conversation_id: int) -> None:
    """An imported chat (its placeholders are members) is its importer's alone: nobody real
    is added to it, so no one else ever sees the people an import brought."""
    if await store_members.exists_placeholder_member(conn, conversation_id):
        raise Forbidden(
            "An imported chat is yours alone: nobody can be added to it.", "imported_chat"
        )
