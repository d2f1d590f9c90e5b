"""Messages as they are now, for events that name them (a replay fills them in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_messages
from guanxi.conversations.hydrate import hydrate


async def load_messages(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The wire form of each message still there, by id: edited text, a recall's tombstone."""
    by_conversation: dict[int, list[Any]] = defaultdict(list)
    for row in await store_messages.list_messages_by_id(conn, ids):
        by_conversation[row.conversation_id].append(row)
    found: dict[int, dict[str, Any]] = {}
    for conversation_id, rows in by_conversation.items():
        for message in await hydrate(conn, conversation_id, rows):
            found[message.id] = message.to_wire()
    return found
