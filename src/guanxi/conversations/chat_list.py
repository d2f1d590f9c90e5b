"""The chat list, a page at a time: latest activity first, each conversation with its last
message and the reader's unread count.

A page costs a fixed number of statements however many conversations it holds (the page,
unread counts, last messages and what they quote, reactions, media, peers and their read
markers, member counts, users), and each statement is bounded: by the page size, by
UNREAD_COUNT_MAX per conversation, and by the cap on conversations per user for the one that
orders them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.conversations import store_conversations, store_members, store_messages
from guanxi.conversations.hydrate import hydrate_across
from guanxi.conversations.models import DIRECT, Conversation, Message
from guanxi.conversations.receipts import peer_reads
from guanxi.conversations.rows import conversation_from_row
from guanxi.conversations.window import MembershipWindow
from guanxi.db import keyset
from guanxi.db.keyset import Page, let_others_run
from guanxi.relationships import store as relationships_store

LIST = "conversations"


def decode_cursor(cursor: str | None) -> tuple[int, int, int] | None:
    """The (pinned, updated_at, id) a page continues after."""
    if not cursor:
        return None
    pinned, updated_at, conversation_id = keyset.decode(cursor, LIST, (int, int, int))
    return int(pinned), int(updated_at), int(conversation_id)


async def chat_list_page(
    conn: AsyncConnection, user_id: int, before: tuple[int, int, int] | None, limit: int
) -> Page[Conversation]:
    rows = await store_conversations.list_conversations_of(conn, user_id, before, limit + 1)
    page = keyset.page_of(rows, limit, LIST, lambda r: (r.pinned, r.updated_at, r.id))
    ids = [r.id for r in page.items]
    await let_others_run()
    counts = await store_members.count_active_members_of(conn, ids)
    unread = await store_messages.count_unread_of(conn, user_id, ids)
    await let_others_run()
    peers = await store_members.list_other_members(
        conn, [r.id for r in page.items if r.kind == DIRECT], user_id
    )
    blockers = await relationships_store.list_blockers_among(conn, user_id, peers.values())
    owners = [r.owner_id for r in page.items if r.owner_id is not None]
    users = await accounts_store.list_users(conn, [*owners, *peers.values()])
    receipts = await peer_reads(conn, user_id, list(peers))
    await let_others_run()
    last = await _last_messages(conn, user_id, page.items)
    await let_others_run()
    views = [
        conversation_from_row(
            row,
            owner=users.get(row.owner_id) if row.owner_id is not None else None,
            members=[],
            peer=users.get(peers[row.id]) if row.id in peers else None,
            last_message=last.get(row.id),
            unread=unread.get(row.id, 0),
            last_read_seq=row.last_read_seq,
            member_count=counts.get(row.id, 0),
            muted=bool(row.is_muted),
            pinned=bool(row.is_pinned),
            archived=bool(row.is_archived),
            peer_last_read_seq=receipts.get(row.id),
        )
        for row in page.items
        if peers.get(row.id) not in blockers  # a chat with someone who blocked me is gone
    ]
    return Page(views, page.next_cursor)


async def _last_messages(
    conn: AsyncConnection, user_id: int, rows: list[Any]
) -> dict[int, Message]:
    """Each conversation's last message the member may see (none before they joined, none
    they deleted for themselves)."""
    # active memberships; history starts after a delete-for-me
    windows = {r.id: MembershipWindow(max(r.joined_seq, r.cleared_seq)) for r in rows}
    ids = [r.id for r in rows if windows[r.id].covers(r.last_seq)]
    last = await store_messages.list_last_visible(conn, user_id, ids)
    found = await hydrate_across(conn, last, windows)
    return {m.conversation_id: m for m in found}
