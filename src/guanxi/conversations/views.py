"""Conversation values as one member sees them: members, last message, unread count."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.conversations import past, store_conversations, store_members, store_messages
from guanxi.conversations.hydrate import hydrate
from guanxi.conversations.models import DIRECT, Conversation, Member, Message
from guanxi.conversations.receipts import peer_reads
from guanxi.conversations.rows import conversation_from_row
from guanxi.errors import NotFound


async def conversation_view(
    conn: AsyncConnection, conversation_id: int, viewer_id: int | None
) -> Conversation:
    """The conversation with its members; unread state when a viewer is given."""
    row = await store_conversations.get_conversation(conn, conversation_id)
    if row is None:
        raise NotFound("No such conversation.")
    member = None
    if viewer_id is not None:
        member = await store_members.get_member(conn, conversation_id, viewer_id)
        assert member is not None
    left_view = None
    if member is not None and not member.active:
        left_view = await store_members.get_left_view(conn, conversation_id, member.user_id)
    if left_view is not None:
        row = past.frozen(row, left_view)
        member_rows = [SimpleNamespace(user_id=u, role=r) for u, r in left_view["members"]]
    else:
        member_rows = await store_members.list_active_members(conn, conversation_id)
    users = await accounts_store.list_users(conn, [m.user_id for m in member_rows] + _owner(row))
    members = [(users[m.user_id], m.role) for m in member_rows if m.user_id in users]
    peer = _peer(row, [u for u, _ in members], viewer_id)
    last_read, unread, last, seen_up_to, peer_read = 0, 0, None, None, None
    if member is not None and viewer_id is not None:
        last_read = member.last_read_seq
        unread = await store_messages.count_unread(
            conn, conversation_id, last_read, viewer_id, member.left_seq
        )
        last = await _last_visible(conn, row, member)
        seen_up_to = member.left_seq
        if row.kind == DIRECT and member.active:
            peer_read = (await peer_reads(conn, viewer_id, [conversation_id])).get(conversation_id)
    return conversation_from_row(
        row,
        owner=users.get(row.owner_id) if row.owner_id is not None else None,
        members=members,
        peer=peer,
        last_message=last,
        unread=unread,
        last_read_seq=last_read,
        seen_up_to=seen_up_to,
        muted=member.is_muted if member is not None else False,
        pinned=member.is_pinned if member is not None else False,
        archived=member.is_archived if member is not None else False,
        peer_last_read_seq=peer_read,
    )


def _owner(row: Any) -> list[int]:
    return [row.owner_id] if row.owner_id is not None else []


def _peer(row: Any, members: list[User], viewer_id: int | None) -> User | None:
    if row.kind != DIRECT or viewer_id is None:
        return None
    return next((u for u in members if u.id != viewer_id), None)


async def _last_visible(conn: AsyncConnection, row: Any, member: Member) -> Message | None:
    """The newest message of the member's window not deleted for them (the chat list's)."""
    if not member.window.covers(member.window.last(row.last_seq)):
        return None
    rows = await store_messages.list_last_visible(conn, member.user_id, [row.id])
    return (await hydrate(conn, row.id, rows, member))[0] if rows else None
