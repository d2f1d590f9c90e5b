"""Messages as they are now, for events that name them (a replay fills them in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_messages
from guanxi.conversations.hydrate import hydrate, hydrate_as_members
from guanxi.conversations.models import Member


async def load_messages(
    conn: AsyncConnection, ids: Iterable[int], viewers: Mapping[int, Member] | None = None
) -> dict[int, dict[str, Any]]:
    """The wire form of each message still there, by id: edited text, a recall's tombstone;
    as the member in `viewers` (by conversation) may see it, when given (past.py)."""
    rows = await store_messages.list_messages_by_id(conn, ids)
    found: dict[int, dict[str, Any]] = {}
    if viewers is not None:
        rows = await _still_in_view(conn, rows, viewers)
        seen = [r for r in rows if r.conversation_id in viewers]
        for message in await hydrate_as_members(conn, seen, viewers):
            found[message.id] = message.to_wire()
        rows = [r for r in rows if r.conversation_id not in viewers]
    by_conversation: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_conversation[row.conversation_id].append(row)
    for conversation_id, some in by_conversation.items():
        for message in await hydrate(conn, conversation_id, some):
            found[message.id] = message.to_wire()
    return found


async def _still_in_view(
    conn: AsyncConnection, rows: list[Any], viewers: Mapping[int, Member]
) -> list[Any]:
    """The rows in the viewer's window (not from before they joined, nor in the history
    they deleted up to `cleared_seq`) that they have not deleted one by one: an event
    naming another (an edit of a message from before they joined) is not replayed."""
    user_ids = {member.user_id for member in viewers.values()}
    if len(user_ids) != 1:
        return rows
    keys = [(r.conversation_id, r.seq) for r in rows]
    hidden = await store_messages.list_hidden_among(conn, user_ids.pop(), keys)
    return [
        r
        for r in rows
        if (r.conversation_id, r.seq) not in hidden
        and (r.conversation_id not in viewers or viewers[r.conversation_id].sees(r.seq))
    ]
