"""What someone sees of a conversation outside their window of membership.

A past member sees the group as it was when they left: its name, announcement, owner and
members then, and an `updated_at` that no longer moves. Their messages stay, but nothing that
happened to them after the leaving shows: a message edited since has its text withheld (the
earlier text is gone: an edit keeps no copy, docs/security.md), reactions added since are
left out. A reply quote shows its text only when the quoted message lies in the viewer's
window (a new member does not read, through a quote, what was said before they joined).
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.conversations import store_members
from guanxi.conversations.models import LeftView, Member, Message, Quote
from guanxi.conversations.rows import left_view_from_row


async def snapshot(conn: AsyncConnection, row: Any, leaver_id: int) -> LeftView:
    """The group as the leaver last saw it, kept with their membership."""
    members = await store_members.list_active_members(conn, row.id)
    return left_view_from_row(row, [(m.user_id, m.role) for m in members if m.user_id != leaver_id])


def frozen(row: Any, view: LeftView) -> Any:
    """The conversation row with the values of the snapshot in place of today's."""
    values = dict(row._mapping)
    values.update(
        name=view["name"],
        announcement=view["announcement"],
        owner_id=view["owner_id"],
        updated_at=view["updated_at"],
    )
    return SimpleNamespace(**values)


def changed_after_leaving(viewer: Member | None, at: int | None) -> bool:
    left_at = viewer.left_at if viewer is not None else None
    return left_at is not None and at is not None and at > left_at


def as_seen_by(viewer: Member | None, message: Message) -> Message:
    """The message as this viewer may see it (None: as everyone in the conversation now)."""
    if viewer is None or not changed_after_leaving(viewer, message.edited_at):
        return message
    return replace(message, text="", mentions=[])


def quote_for(viewer: Member | None, quoted_row: Any, shown: Quote) -> Quote:
    """A reply's quote, its text withheld when the quoted message is outside the window."""
    if viewer is None:
        return shown
    outside = not viewer.sees(quoted_row.seq)
    if outside or changed_after_leaving(viewer, quoted_row.edited_at):
        return shown.without_text()
    return shown
