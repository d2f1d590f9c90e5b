"""A member's own state of a chat — muted, pinned, archived, deleted for them — stored on
their membership so that every device of theirs honours it, and told to those devices only:
nobody else learns that a chat was pinned, archived or deleted by someone.

A new message brings an archived chat back to the main list, as Telegram does, for each
member who has not muted it (the sender too); a muted chat stays in the archive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.conversations import store_members
from guanxi.conversations.access import access_active, check_peer_not_blocking
from guanxi.conversations.events import (
    CONVERSATION_ARCHIVED,
    CONVERSATION_CLEARED,
    CONVERSATION_MUTED,
    CONVERSATION_PINNED,
    CONVERSATION_UNARCHIVED,
    CONVERSATION_UNMUTED,
    CONVERSATION_UNPINNED,
    ConversationArchive,
    ConversationCleared,
    ConversationMute,
    ConversationPin,
)
from guanxi.conversations.models import ConversationPatch, Member
from guanxi.db.database import Tx
from guanxi.eventlog.event_type import EventType
from guanxi.eventlog.service import EventLog


@dataclass(frozen=True)
class Flag:
    """One of a member's switches: the patch's field, its column, its two events."""

    field: str
    column: str
    on: EventType[Any]
    off: EventType[Any]
    payload: Callable[[int, bool], Any]


FLAGS = (
    Flag(
        "muted",
        "is_muted",
        CONVERSATION_MUTED,
        CONVERSATION_UNMUTED,
        lambda cid, value: ConversationMute(conversation_id=cid, muted=value),
    ),
    Flag(
        "pinned",
        "is_pinned",
        CONVERSATION_PINNED,
        CONVERSATION_UNPINNED,
        lambda cid, value: ConversationPin(conversation_id=cid, pinned=value),
    ),
    Flag(
        "archived",
        "is_archived",
        CONVERSATION_ARCHIVED,
        CONVERSATION_UNARCHIVED,
        lambda cid, value: ConversationArchive(conversation_id=cid, archived=value),
    ),
)


class OwnState:
    def __init__(self, clock: Clock, events: EventLog) -> None:
        self.clock = clock
        self.events = events

    async def set(
        self, tx: Tx, conversation_id: int, me: Principal, patch: ConversationPatch
    ) -> None:
        """Any active member mutes, pins or archives a chat for themselves; their devices hear
        of each change (only when it changes)."""
        member = await self._member(tx, conversation_id, me)
        for flag in FLAGS:
            wanted = getattr(patch, flag.field)
            if wanted is None or getattr(member, flag.column) == wanted:
                continue
            await self._store(tx, conversation_id, me, {flag.column: wanted})
            payload = flag.payload(conversation_id, wanted)
            await self._tell(tx, me, flag.on if wanted else flag.off, payload)

    async def clear(self, tx: Tx, conversation_id: int, me: Principal) -> None:
        """Delete the chat for the member: its history up to now leaves their view (and the
        chat their list) until something new is said; nobody else's changes."""
        conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
        last = int(conversation.last_seq)
        if last <= member.cleared_seq:
            return
        values = {
            "cleared_seq": last,
            "last_read_seq": max(last, member.last_read_seq),
            "is_pinned": False,
        }
        await self._store(tx, conversation_id, me, values)
        await self._tell(
            tx,
            me,
            CONVERSATION_CLEARED,
            ConversationCleared(conversation_id=conversation_id, seq=last),
        )

    async def _member(self, tx: Tx, conversation_id: int, me: Principal) -> Member:
        conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
        await check_peer_not_blocking(tx.conn, conversation, me.user.id)
        return member

    async def _store(
        self, tx: Tx, conversation_id: int, me: Principal, values: dict[str, Any]
    ) -> None:
        await store_members.update_member(tx.conn, conversation_id, me.user.id, values)

    async def _tell(self, tx: Tx, me: Principal, type: EventType[Any], payload: Any) -> None:
        await self.events.record(tx, type, payload, recipients=[me.user.id], user_id=me.user.id)


async def unarchive_on_message(tx: Tx, events: EventLog, conversation_id: int) -> None:
    """In a new message's transaction: the chat leaves the archive of every current member
    who has not muted it, each told as by `{"archived": false}`."""
    payload = ConversationArchive(conversation_id=conversation_id, archived=False)
    for user_id in await store_members.unarchive_unmuted(tx.conn, conversation_id):
        await events.record(
            tx, CONVERSATION_UNARCHIVED, payload, recipients=[user_id], user_id=user_id
        )
