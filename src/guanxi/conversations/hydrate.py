"""Messages as a viewer may see them: a page of message rows joined with their reply quotes,
reactions and media, each withheld where the viewer's window says so (rows.py makes the
values)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_members, store_messages
from guanxi.conversations.models import Member, Message, Quote
from guanxi.conversations.past import as_seen_by, quote_for
from guanxi.conversations.rows import message_from_row, quote_from_row, reactions_from_rows
from guanxi.conversations.window import MembershipWindow
from guanxi.media import store as media_store
from guanxi.media.models import MediaRef


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


async def _quote(conn: AsyncConnection, viewer: Member | None, row: Any) -> Quote:
    if viewer is not None:
        return quote_for(viewer, row, quote_from_row(row))
    if await store_members.exists_active_joined_since(conn, row.conversation_id, row.seq):
        return quote_from_row(row).without_text()
    return quote_from_row(row)


async def hydrate_across(
    conn: AsyncConnection, rows: list[Any], windows: dict[int, MembershipWindow] | None = None
) -> list[Message]:
    """As hydrate, for messages of several conversations (a chat list page's last messages):
    a fixed number of statements however many conversations. `windows`: the viewer's window
    per conversation (a quote from outside it shows no text)."""
    quoting = [(r.conversation_id, r.reply_to_seq) for r in rows if r.reply_to_seq is not None]
    seen = windows or {}
    replied = {
        (r.conversation_id, r.seq): (
            quote_from_row(r)
            if _covers(seen, r.conversation_id, r.seq)
            else quote_from_row(r).without_text()
        )
        for r in await store_messages.list_quoted(conn, quoting)
    }
    return await _with_reactions_and_media(conn, rows, replied)


async def hydrate_as_members(
    conn: AsyncConnection, rows: list[Any], viewers: Mapping[int, Member]
) -> list[Message]:
    """As hydrate, for messages of several conversations, each as its member in `viewers` (by
    conversation) may see it (a replay page): a few statements however many conversations."""
    quoting = [(r.conversation_id, r.reply_to_seq) for r in rows if r.reply_to_seq is not None]
    replied = {
        (q.conversation_id, q.seq): quote_for(viewers[q.conversation_id], q, quote_from_row(q))
        for q in await store_messages.list_quoted(conn, quoting)
    }
    by_until: dict[int | None, list[Any]] = defaultdict(list)  # reactions up to leaving
    for row in rows:
        by_until[viewers[row.conversation_id].left_at].append(row)
    messages: list[Message] = []
    for until, some in by_until.items():
        messages += await _with_reactions_and_media(conn, some, replied, until)
    return [as_seen_by(viewers[m.conversation_id], m) for m in messages]


def _covers(windows: dict[int, MembershipWindow], conversation_id: int, seq: int) -> bool:
    window = windows.get(conversation_id)
    return window is None or window.covers(seq)


async def _with_reactions_and_media(
    conn: AsyncConnection,
    rows: list[Any],
    replied: dict[tuple[int, int], Quote],
    reactions_until: int | None = None,
) -> list[Message]:
    reactions = reactions_from_rows(
        await store_messages.list_reactions(conn, [r.id for r in rows], reactions_until)
    )
    media = await _media_references(conn, rows)
    return [
        message_from_row(
            row,
            reply_to=replied.get((row.conversation_id, row.reply_to_seq))
            if row.reply_to_seq is not None
            else None,
            reactions=reactions.get(row.id, []),
            media=media.get(row.media_id) if row.media_id is not None else None,
        )
        for row in rows
    ]


async def _media_references(conn: AsyncConnection, rows: list[Any]) -> dict[str, MediaRef]:
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
