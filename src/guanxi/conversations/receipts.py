"""Other members' read markers, as a member may learn them (docs/api.md, "Read receipts").

In a direct chat the other person's marker (`peer_last_read_seq`) while the two may reach each
other — friends, and no block either way — which is the rule the live `conversation.read`
receipt follows too. In a group, each message of a history page carries how many members
other than its sender have read it, and `readers_page` lists them; live, a read marker reaches
the senders of what it passed (`told_of_read`), whose devices count one reader more. All only
for an active member, only for messages inside their window, and never naming someone across
a block with the viewer: a blocked side's read position is not revealed, nor is the
blocker's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.conversations import store_members, store_messages, store_reads
from guanxi.conversations.access import may_reach_peer
from guanxi.conversations.events import CONVERSATION_READ
from guanxi.conversations.models import DIRECT, GROUP, SYSTEM, Member, Message
from guanxi.db import keyset
from guanxi.db.keyset import Page
from guanxi.errors import NotFound
from guanxi.relationships import store as relationships_store

LIST = "readers"
# A read passing more messages than this is told to every active member (at most the group's
# size) instead of reading each message's sender: the work stays bounded either way.
SENDERS_SCAN_MAX = 1000


async def peer_reads(
    conn: AsyncConnection, user_id: int, conversation_ids: list[int]
) -> dict[int, int]:
    """Each direct chat's other member's read marker, where the two may reach each other."""
    found = await store_reads.list_peer_reads(conn, conversation_ids, user_id)
    reachable = await _reachable_among(conn, user_id, [uid for uid, _ in found.values()])
    return {cid: seq for cid, (uid, seq) in found.items() if uid in reachable}


async def told_of_read(
    conn: AsyncConnection, conversation: Any, reader_id: int, after: int, upto: int
) -> list[int] | None:
    """Whom a read marker moving from `after` to `upto` tells live, when it is addressed to the
    conversation; None: to the reader's own devices only. A direct chat: both people, while
    they may reach each other. A group: the reader, and the senders of the messages it passes
    (their read counts change; the rest of a large group is not woken), none across a block
    with the reader."""
    if conversation.kind == DIRECT:
        if not await may_reach_peer(conn, conversation, reader_id):
            return None
        return await store_members.list_active_member_ids(conn, conversation.id)
    if upto - after > SENDERS_SCAN_MAX:  # a long catch-up: the members are fewer to read
        others = set(await store_members.list_active_member_ids(conn, conversation.id))
    else:
        senders = await store_messages.list_senders_between(conn, conversation.id, after, upto)
        active = await store_members.list_members_among(conn, conversation.id, list(senders))
        others = {uid for uid, member in active.items() if member.active}
    others.discard(reader_id)
    blocked = await relationships_store.list_blocked_either_way(conn, reader_id, others)
    return [reader_id, *sorted(others - blocked)]


async def hidden_receipts(conn: AsyncConnection, viewer_id: int, rows: list[Any]) -> set[int]:
    """The ids of the `conversation.read` events among these (addressed to a conversation) that
    a replay does not show the viewer: another's marker across a block with the viewer."""
    reads = [r for r in rows if r.type == CONVERSATION_READ.name and r.conversation_id]
    if not reads:
        return set()
    people = await accounts_store.list_users_by_handle(conn, {r.payload["handle"] for r in reads})
    ids = {user.id for user in people.values()} - {viewer_id}
    blocked = await relationships_store.list_blocked_either_way(conn, viewer_id, ids)
    hidden = {user.handle for user in people.values() if user.id in blocked}
    return {r.id for r in reads if r.payload["handle"] in hidden}


async def _reachable_among(conn: AsyncConnection, user_id: int, others: list[int]) -> set[int]:
    friends = await relationships_store.list_friends_among(conn, user_id, others)
    blocked = await relationships_store.list_blocked_either_way(conn, user_id, friends)
    return friends - blocked


async def with_read_counts(
    conn: AsyncConnection, conversation: Any, member: Member, messages: list[Message]
) -> list[Message]:
    """A group's history page with each message's read count (an active member's view)."""
    if conversation.kind != GROUP or not member.active or not messages:
        return messages
    hidden = await _hidden_from(conn, conversation, member.user_id)
    positions = await store_reads.list_read_positions(conn, conversation.id)
    count = read_counter([p for p in positions if p.user_id not in hidden])
    return [
        m if m.kind == SYSTEM else replace(m, read_count=count(m.seq, m.sender)) for m in messages
    ]


def read_counter(positions: list[Any]) -> Callable[[int, str], int]:
    """How many of these members (rows of user_id, handle, joined_seq, last_read_seq) other
    than the sender have read the message with a seq: those who joined before it and whose
    marker reaches it. Two sorted lists answer each message in O(log members): a member who
    joined at or after the seq has a marker there too (it starts at the joining), so the
    readers are the markers at or past it less the joinings at or past it."""
    reads = sorted(max(p.last_read_seq, p.joined_seq) for p in positions)
    joins = sorted(p.joined_seq for p in positions)
    by_handle = {p.handle: p for p in positions}

    def count(seq: int, sender: str) -> int:
        n = len(reads) - bisect_left(reads, seq) - (len(joins) - bisect_left(joins, seq))
        own = by_handle.get(sender)
        return n - 1 if own is not None and own.joined_seq < seq <= own.last_read_seq else n

    return count


async def _hidden_from(conn: AsyncConnection, conversation: Any, viewer_id: int) -> set[int]:
    """The members whose reads the viewer may not learn: across a block either way (and in a
    direct chat, a peer who is not a friend)."""
    ids = await store_members.list_active_member_ids(conn, conversation.id)
    others = [u for u in ids if u != viewer_id]
    if conversation.kind == DIRECT:
        return set(others) - await _reachable_among(conn, viewer_id, others)
    return await relationships_store.list_blocked_either_way(conn, viewer_id, others)


def decode_cursor(cursor: str | None) -> int | None:
    """The reader's user id a page continues after."""
    if not cursor:
        return None
    (after,) = keyset.decode(cursor, LIST, (int,))
    return int(after)


async def readers_page(
    conn: AsyncConnection,
    conversation: Any,
    member: Member,
    seq: int,
    after: int | None,
    limit: int,
) -> Page[User]:
    """Who has read the message with this seq: a page of active members other than its
    sender, in a fixed order; NotFound outside the viewer's window."""
    row = await store_messages.get_message(conn, conversation.id, seq)
    if row is None or row.kind == SYSTEM or not member.sees(seq):
        raise NotFound("No such message.")
    hidden = await _hidden_from(conn, conversation, member.user_id)
    ids = await store_reads.list_readers(
        conn,
        conversation.id,
        seq=seq,
        sender_id=row.sender_id,
        hidden=hidden,
        after=after,
        limit=limit + 1,
    )
    page = keyset.page_of(ids, limit, LIST, lambda uid: (uid,))
    users = await accounts_store.list_users(conn, page.items)
    return Page([users[uid] for uid in page.items if uid in users], page.next_cursor)
