"""Messages as they are now, for events that name them (a replay fills them in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_messages
from guanxi.conversations.hydrate import hydrate
from guanxi.conversations.models import Member


async def load_messages(
    conn: AsyncConnection, ids: Iterable[int], viewers: Mapping[int, Member] | None = None
) -> dict[int, dict[str, Any]]:
    """The wire form of each message still there, by id: edited text, a recall's tombstone;
    as the member in `viewers` (by conversation) may see it, when given (past.py)."""
    by_conversation: dict[int, list[Any]] = defaultdict(list)
    for row in await store_messages.list_messages_by_id(conn, ids):
        by_conversation[row.conversation_id].append(row)
    found: dict[int, dict[str, Any]] = {}
    for conversation_id, rows in by_conversation.items():
        viewer = viewers.get(conversation_id) if viewers is not None else None
        for message in await hydrate(conn, conversation_id, rows, viewer):
            found[message.id] = message.to_wire()
    return found
