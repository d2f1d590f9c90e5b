"""Turning message rows into Message values: sender handles, reply quotes, reactions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_members, store_messages
from guanxi.conversations.models import Member, Message, Reaction
from guanxi.conversations.past import as_seen_by, quote_for
from guanxi.conversations.window import MembershipWindow
from guanxi.media import store as media_store

QUOTE_CHARS = 200


def quote(row: Any) -> dict[str, Any]:
    """What a reply shows of the message it answers."""
    recalled = row.recalled_at is not None
    return {
        "seq": row.seq,
        "sender": row.sender_handle,
        "kind": row.kind,
        "text": "" if recalled else row.text[:QUOTE_CHARS],
        "recalled": recalled,
    }


def message_from_row(
    row: Any,
    reply_to: dict[str, Any] | None,
    reactions: list[Reaction] | None = None,
    media: dict[str, Any] | None = None,
) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        sender=row.sender_handle,
        client_id=row.client_id,
        kind=row.kind,
        text=row.text,
        reply_to=reply_to,
        mentions=list(row.mentions),
        edited_at=row.edited_at,
        recalled_at=row.recalled_at,
        created_at=row.created_at,
        reactions=reactions or [],
        media=media,
    )


async def hydrate(
    conn: AsyncConnection, conversation_id: int, rows: list[Any], viewer: Member | None = None
) -> list[Message]:
    """Messages as `viewer` may see them (past.py); when None, as every current member may
    (for events that go to all of them)."""
    reply_seqs = [r.reply_to_seq for r in rows if r.reply_to_seq is not None]
    replied = {
        (conversation_id, r.seq): await _quote(conn, viewer, r)
        for r in await store_messages.list_messages_by_seq(conn, conversation_id, reply_seqs)
    }
    until = viewer.left_at if viewer is not None else None
    messages = await _with_reactions_and_media(conn, rows, replied, until)
    return [as_seen_by(viewer, m) for m in messages]


async def _quote(conn: AsyncConnection, viewer: Member | None, row: Any) -> dict[str, Any]:
    if viewer is not None:
        return quote_for(viewer, row, quote(row))
    if await store_members.exists_active_joined_since(conn, row.conversation_id, row.seq):
        return {**quote(row), "text": ""}
    return quote(row)


async def hydrate_across(
    conn: AsyncConnection, rows: list[Any], windows: dict[int, MembershipWindow] | None = None
) -> list[Message]:
    """As hydrate, for messages of several conversations (a chat list page's last messages):
    a fixed number of statements however many conversations. `windows`: the viewer's window
    per conversation (a quote from outside it shows no text)."""
    quoting = [r.id for r in rows if r.reply_to_seq is not None]
    seen = windows or {}
    replied = {
        (r.conversation_id, r.seq): (
            quote(r) if _covers(seen, r.conversation_id, r.seq) else {**quote(r), "text": ""}
        )
        for r in await store_messages.list_quoted(conn, quoting)
    }
    return await _with_reactions_and_media(conn, rows, replied)


def _covers(windows: dict[int, MembershipWindow], conversation_id: int, seq: int) -> bool:
    window = windows.get(conversation_id)
    return window is None or window.covers(seq)


async def _with_reactions_and_media(
    conn: AsyncConnection,
    rows: list[Any],
    replied: dict[tuple[int, int], dict[str, Any]],
    reactions_until: int | None = None,
) -> list[Message]:
    by_message: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for message_id, emoji, handle in await store_messages.list_reactions(
        conn, [r.id for r in rows], reactions_until
    ):
        by_message[message_id].setdefault(emoji, []).append(handle)
    media = await _media_references(conn, rows)
    return [
        message_from_row(
            row,
            replied.get((row.conversation_id, row.reply_to_seq))
            if row.reply_to_seq is not None
            else None,
            [Reaction(emoji=e, handles=h) for e, h in by_message[row.id].items()],
            media.get(row.media_id) if row.media_id is not None else None,
        )
        for row in rows
    ]


async def _media_references(conn: AsyncConnection, rows: list[Any]) -> dict[str, dict[str, Any]]:
    wanted = [r.media_id for r in rows if r.media_id is not None]
    if not wanted:
        return {}
    found = await media_store.list_media(conn, wanted)
    return {media_id: item.reference() for media_id, item in found.items()}


async def load_message(
    conn: AsyncConnection, conversation_id: int, seq: int, viewer: Member | None = None
) -> Message | None:
    row = await store_messages.get_message(conn, conversation_id, seq)
    if row is None:
        return None
    return (await hydrate(conn, conversation_id, [row], viewer))[0]
