"""Conversation rows made into conversation values: the one place that knows both shapes.

What a viewer may see (quotes outside their window, a past member's frozen group) is decided
by the callers (hydrate.py, past.py, views.py); these functions only carry columns into
fields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from guanxi.accounts.models import User
from guanxi.conversations.models import (
    SYSTEM,
    Conversation,
    GroupInvitation,
    LeftView,
    Member,
    Message,
    Quote,
    Reaction,
)
from guanxi.media.models import MediaRef

SYSTEM_SENDER = ""  # a system entry is nobody's: its wire `sender` is empty

QUOTE_CHARS = 200


def member_from_row(row: Any) -> Member:
    return Member(
        user_id=row.user_id,
        role=row.role,
        joined_seq=row.joined_seq,
        joined_event=row.joined_event,
        left_seq=row.left_seq,
        left_event=row.left_event,
        last_read_seq=row.last_read_seq,
        left_at=row.left_at,
        is_muted=bool(row.is_muted),
        # a selection of some columns (the export's) may leave out the member's own state
        is_pinned=bool(getattr(row, "is_pinned", False)),
        is_archived=bool(getattr(row, "is_archived", False)),
        cleared_seq=int(getattr(row, "cleared_seq", 0)),
    )


def quote_from_row(row: Any) -> Quote:
    """What a reply shows of the message it answers (a message row with `sender_handle`)."""
    recalled = row.recalled_at is not None
    return Quote(
        seq=row.seq,
        sender=_sender(row),
        kind=row.kind,
        text="" if recalled else row.text[:QUOTE_CHARS],
        recalled=recalled,
    )


def _sender(row: Any) -> str:
    return SYSTEM_SENDER if row.kind == SYSTEM else str(row.sender_handle)


def reactions_from_rows(rows: Iterable[Any]) -> dict[int, list[Reaction]]:
    """Reaction rows (message id, emoji, handle), in order, as each message's reactions."""
    handles: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for message_id, emoji, handle in rows:
        handles[message_id].setdefault(emoji, []).append(handle)
    return {
        message_id: [Reaction(emoji=emoji, handles=who) for emoji, who in by_emoji.items()]
        for message_id, by_emoji in handles.items()
    }


def message_from_row(
    row: Any,
    *,
    reply_to: Quote | None,
    reactions: list[Reaction],
    media: MediaRef | None,
) -> Message:
    """A message row with `sender_handle`, and what hydrate.py joined to it."""
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        sender=_sender(row),
        client_id=row.client_id,
        kind=row.kind,
        text=row.text,
        reply_to=reply_to,
        mentions=list(row.mentions),
        edited_at=row.edited_at,
        recalled_at=row.recalled_at,
        created_at=row.created_at,
        reactions=reactions,
        media=media,
        system=row.system,
        forwarded=bool(row.is_forwarded),
    )


def conversation_from_row(
    row: Any,
    *,
    owner: User | None,
    members: list[tuple[User, str]],
    peer: User | None,
    last_message: Message | None,
    unread: int,
    last_read_seq: int,
    member_count: int | None = None,
    seen_up_to: int | None = None,
    muted: bool = False,
    pinned: bool = False,
    archived: bool = False,
    peer_last_read_seq: int | None = None,
) -> Conversation:
    """`seen_up_to`: a past member's last seq; they learn nothing of what came after."""
    return Conversation(
        id=row.id,
        kind=row.kind,
        name=row.name,
        announcement=row.announcement,
        owner=owner.handle if owner else None,
        last_seq=row.last_seq if seen_up_to is None else min(row.last_seq, seen_up_to),
        created_at=row.created_at,
        updated_at=row.updated_at,
        member_count=len(members) if member_count is None else member_count,
        members=members,
        last_message=last_message,
        unread=unread,
        last_read_seq=last_read_seq,
        peer=peer,
        muted=muted,
        pinned=pinned,
        archived=archived,
        peer_last_read_seq=peer_last_read_seq,
    )


def left_view_from_row(row: Any, members: list[tuple[int, str]]) -> LeftView:
    """A conversation row as a leaver saw it; `members`: (user id, role) of the others."""
    return LeftView(
        name=row.name,
        announcement=row.announcement,
        owner_id=row.owner_id,
        updated_at=row.updated_at,
        members=members,
    )


def group_invitation_from_row(row: Any, *, inviter: User, member_count: int) -> GroupInvitation:
    """An invitation row with its group's name (`group_name`)."""
    return GroupInvitation(
        id=row.id,
        conversation_id=row.conversation_id,
        group_name=row.group_name,
        member_count=member_count,
        inviter=inviter,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )
