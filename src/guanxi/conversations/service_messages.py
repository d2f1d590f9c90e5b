"""Sending, paging, editing, recalling and reacting to messages; read markers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.clock import Clock
from guanxi.conversations import (
    receipts,
    rules,
    store_conversations,
    store_members,
    store_messages,
)
from guanxi.conversations.access import (
    access_active,
    access_member,
    check_direct_ties,
    check_may_message,
    check_peer_not_blocking,
)
from guanxi.conversations.events import (
    CONVERSATION_READ,
    MESSAGE_CREATED,
    MESSAGE_EDITED,
    MESSAGE_RECALLED,
    REACTION_ADDED,
    REACTION_REMOVED,
    ConversationRead,
    MessagePayload,
    ReactionPayload,
)
from guanxi.conversations.hydrate import hydrate, load_message
from guanxi.conversations.models import DIRECT, GROUP, SYSTEM, Member, Message, Quote
from guanxi.conversations.own_state import unarchive_on_message
from guanxi.conversations.rows import quote_from_row
from guanxi.conversations.typing_signal import announce_typing
from guanxi.db.database import Database, Tx
from guanxi.db.keyset import Page
from guanxi.errors import Conflict, Forbidden, InvalidInput, NotFound
from guanxi.eventlog.event_type import EventType
from guanxi.eventlog.service import EventLog, Ref
from guanxi.media.access import access_own_media
from guanxi.media.models import MediaRef
from guanxi.settings import Settings


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    has_more: bool


@dataclass(frozen=True)
class Draft:
    client_id: str | None
    kind: str
    text: str
    reply_to: int | None
    media_id: str | None = None


class MessageService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.events = events

    async def send_message(
        self, me: Principal, conversation_id: int, draft: Draft
    ) -> tuple[Message, bool]:
        """Store and announce a message. False when the client_id was sent before."""
        text = rules.check_message(draft.kind, draft.text, self.settings.message_max_chars)
        if draft.client_id is not None:
            rules.check_client_id(draft.client_id)
        rules.check_media_id(draft.kind, draft.media_id)
        media = await self._media_reference(me, draft)

        async def unit(tx: Tx) -> tuple[Message, bool]:
            conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
            if draft.client_id is not None:
                sent = await store_messages.get_seq_by_client_id(
                    tx.conn, conversation_id, me.user.id, draft.client_id
                )
                if sent is not None:
                    earlier = await load_message(tx.conn, conversation_id, sent, member)
                    assert earlier is not None
                    return earlier, False
            recipients, back = await store_members.list_recipients(tx.conn, conversation_id)
            if conversation.kind == DIRECT:
                peer = next((i for i in recipients if i != me.user.id), me.user.id)
                await check_may_message(tx.conn, me.user.id, peer)
            reply = await self._reply_quote(tx.conn, conversation_id, member, draft.reply_to)
            mentions = await self._mentions(tx.conn, conversation.kind, conversation_id, text)
            message = await self._insert(
                tx, conversation_id, me, draft, text, reply, mentions, media
            )
            await self.events.record(
                tx,
                MESSAGE_CREATED,
                MessagePayload(message=(await self._for_everyone(tx.conn, message)).to_wire()),
                recipients=recipients,
                conversation_id=conversation_id,
                ref=Ref("message", message.id),
            )
            if back:  # in the same transaction: nobody's archive changed since
                await unarchive_on_message(tx, self.events, conversation_id)
            return message, True

        return await self.db.write(unit)

    async def _media_reference(self, me: Principal, draft: Draft) -> MediaRef | None:
        """The sender's own upload, of the message's kind (uploads never change)."""
        if draft.media_id is None:
            return None
        async with self.db.read() as conn:
            item = await access_own_media(conn, me.user.id, draft.media_id, (draft.kind,))
        return item.reference()

    async def _insert(
        self,
        tx: Tx,
        conversation_id: int,
        me: Principal,
        draft: Draft,
        text: str,
        reply: Quote | None,
        mentions: list[str],
        media: MediaRef | None = None,
        forwarded: bool = False,
    ) -> Message:
        now = self.clock.now_ms()
        seq = await store_conversations.next_seq(tx.conn, conversation_id, now)
        message_id = await store_messages.insert_message(
            tx.conn,
            conversation_id=conversation_id,
            seq=seq,
            sender_id=me.user.id,
            client_id=draft.client_id,
            kind=draft.kind,
            text=text,
            reply_to_seq=draft.reply_to,
            mentions=mentions,
            media_id=draft.media_id,
            created_at=now,
            is_forwarded=forwarded,
        )
        return Message(
            id=message_id,
            conversation_id=conversation_id,
            seq=seq,
            sender=me.user.handle,
            client_id=draft.client_id,
            kind=draft.kind,
            text=text,
            reply_to=reply,
            mentions=mentions,
            edited_at=None,
            recalled_at=None,
            created_at=now,
            media=media,
            forwarded=forwarded,
        )

    async def _reply_quote(
        self, conn: AsyncConnection, conversation_id: int, member: Member, reply_to: int | None
    ) -> Quote | None:
        if reply_to is None:
            return None
        row = await store_messages.get_message(conn, conversation_id, reply_to)
        if row is None or not member.sees(reply_to):
            raise InvalidInput("reply_to names no message you can see here.", "bad_reply_to")
        return quote_from_row(row)

    async def _for_everyone(self, conn: AsyncConnection, message: Message) -> Message:
        """The message as every member may see it: a quote of a message from before someone
        joined goes out without its text (each member's history shows what they may see)."""
        if message.reply_to is None:
            return message
        seq = message.reply_to.seq
        if not await store_members.exists_active_joined_since(conn, message.conversation_id, seq):
            return message
        return replace(message, reply_to=message.reply_to.without_text())

    async def _mentions(
        self, conn: AsyncConnection, kind: str, conversation_id: int, text: str
    ) -> list[str]:
        handles = rules.mentioned_handles(text)
        if kind != GROUP or not handles:
            return []
        found = await accounts_store.list_users_by_handle(conn, handles)
        members = set(await store_members.list_active_member_ids(conn, conversation_id))
        return [h for h in handles if h in found and found[h].id in members]

    async def list_messages(
        self,
        me: Principal,
        conversation_id: int,
        before: int | None,
        after: int | None,
        limit: int,
    ) -> MessagePage:
        """A page of history, newest first: before a seq, after one, or the latest."""
        limit = max(1, min(limit, self.settings.page_max))
        async with self.db.read() as conn:
            conversation, member = await access_member(conn, conversation_id, me.user.id)
            await check_peer_not_blocking(conn, conversation, me.user.id)
            low, high = member.window.bounds(after, before)
            rows = await store_messages.list_messages(
                conn,
                conversation_id,
                low=low,
                high=high,
                limit=limit + 1,
                oldest_first=after is not None,
                viewer_id=me.user.id,
            )
            has_more = len(rows) > limit
            rows = sorted(rows[:limit], key=lambda r: r.seq, reverse=True)
            shown = await hydrate(conn, conversation_id, rows, member)
            counted = await receipts.with_read_counts(conn, conversation, member, shown)
            return MessagePage(counted, has_more)

    async def list_readers(
        self, me: Principal, conversation_id: int, seq: int, cursor: str | None, limit: int
    ) -> Page[User]:
        """Who has read one message (receipts.py): active members, inside their window."""
        after = receipts.decode_cursor(cursor)
        async with self.db.read() as conn:
            conversation, member = await access_active(conn, conversation_id, me.user.id)
            await check_peer_not_blocking(conn, conversation, me.user.id)
            return await receipts.readers_page(conn, conversation, member, seq, after, limit)

    async def edit_message(
        self, me: Principal, conversation_id: int, seq: int, text: str
    ) -> Message:
        async def unit(tx: Tx) -> Message:
            conversation, row = await self._own_message(tx.conn, me, conversation_id, seq)
            await check_direct_ties(tx.conn, conversation, me.user.id)
            self._check_editable(row)
            checked = rules.check_message(row.kind, text, self.settings.message_max_chars)
            mentions = await self._mentions(tx.conn, conversation.kind, conversation_id, checked)
            values = {
                "text": checked,
                "mentions": mentions,
                "edited_at": self.clock.now_ms(),
                "edit_count": row.edit_count + 1,
            }
            await store_messages.update_message(tx.conn, conversation_id, seq, values)
            tx.erase()  # the text before the edit
            return await self._announce(tx, conversation_id, seq, MESSAGE_EDITED)

        return await self.db.write(unit)

    def _check_editable(self, row: Any) -> None:
        """Edits only within the edit window, and only so many times per message."""
        if self.clock.now_ms() - row.created_at > self.settings.edit_window_seconds * 1000:
            raise Forbidden("Too late to edit this message.", "edit_window_passed")
        if row.edit_count >= self.settings.edit_max_times:
            raise Forbidden(
                f"A message may be edited at most {self.settings.edit_max_times} times.",
                "edit_limit_reached",
            )

    async def recall(self, me: Principal, conversation_id: int, seq: int) -> Message:
        async def unit(tx: Tx) -> Message:
            _, row = await self._own_message(tx.conn, me, conversation_id, seq)
            now = self.clock.now_ms()
            if now - row.created_at > self.settings.recall_window_seconds * 1000:
                raise Forbidden("Too late to recall this message.", "recall_window_passed")
            await store_messages.update_message(
                tx.conn,
                conversation_id,
                seq,
                {"text": "", "mentions": [], "media_id": None, "recalled_at": now},
            )
            await store_messages.delete_reactions_of(tx.conn, row.id)
            tx.erase()
            return await self._announce(tx, conversation_id, seq, MESSAGE_RECALLED)

        return await self.db.write(unit)

    async def _own_message(
        self, conn: AsyncConnection, me: Principal, conversation_id: int, seq: int
    ) -> tuple[Any, Any]:
        """The conversation and a message of the caller's, still there to change."""
        conversation, member = await access_active(conn, conversation_id, me.user.id)
        row = await self._visible_row(conn, member, conversation_id, seq)
        if row.sender_id != me.user.id or row.kind == SYSTEM:
            raise Forbidden("Only the sender may change a message.", "not_sender")
        if row.recalled_at is not None:
            raise Conflict("This message was recalled.", "recalled")
        return conversation, row

    async def _visible_row(
        self, conn: AsyncConnection, member: Member, conversation_id: int, seq: int
    ) -> Any:
        """The message at seq, if it lies in the member's window of history."""
        row = await store_messages.get_message(conn, conversation_id, seq)
        if row is None or not member.sees(seq):
            raise NotFound("No such message.")
        return row

    async def _announce(
        self, tx: Tx, conversation_id: int, seq: int, type: EventType[MessagePayload]
    ) -> Message:
        message = await load_message(tx.conn, conversation_id, seq)
        assert message is not None
        await self.events.record(
            tx,
            type,
            MessagePayload(message=message.to_wire()),
            recipients=await store_messages.list_members_seeing(tx.conn, conversation_id, seq),
            conversation_id=conversation_id,
            ref=Ref("message", message.id),
        )
        return message

    async def react(
        self, me: Principal, conversation_id: int, seq: int, emoji: str, *, add: bool
    ) -> Message:
        if add:
            rules.check_reaction(emoji)
        else:  # taking back a reaction given under an older, looser rule stays possible
            rules.check_reaction_to_remove(emoji)

        async def unit(tx: Tx) -> Message:
            conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
            if add:  # taking one's own reaction back stays possible, as a recall does
                await check_direct_ties(tx.conn, conversation, me.user.id)
            row = await self._visible_row(tx.conn, member, conversation_id, seq)
            if row.recalled_at is not None:
                raise Conflict("This message was recalled.", "recalled")
            if row.kind == SYSTEM:
                raise Conflict("A system entry takes no reactions.", "system_entry")
            now = self.clock.now_ms()
            if add:
                await self._check_reaction_room(tx.conn, row.id, me.user.id, emoji)
                changed = await store_messages.insert_reaction(
                    tx.conn, row.id, me.user.id, emoji, now
                )
            else:
                changed = await store_messages.delete_reaction(tx.conn, row.id, me.user.id, emoji)
            message = await load_message(tx.conn, conversation_id, seq)
            assert message is not None
            if changed:
                await self._tell_reaction(tx, message, me, emoji, add)
            return message

        return await self.db.write(unit)

    async def _check_reaction_room(
        self, conn: AsyncConnection, message_id: int, user_id: int, emoji: str
    ) -> None:
        """At most `reactions_per_user` different reactions of one person on one message."""
        given = await store_messages.list_reaction_emojis(conn, message_id, user_id)
        limit = self.settings.reactions_per_user
        if emoji not in given and len(given) >= limit:
            raise Conflict(
                f"At most {limit} different reactions per message; take one back first.",
                "too_many_reactions",
            )

    async def _tell_reaction(
        self, tx: Tx, message: Message, me: Principal, emoji: str, add: bool
    ) -> None:
        await self.events.record(
            tx,
            REACTION_ADDED if add else REACTION_REMOVED,
            ReactionPayload(
                conversation_id=message.conversation_id,
                message_id=message.id,
                seq=message.seq,
                emoji=emoji,
                handle=me.user.handle,
            ),
            recipients=await store_messages.list_members_seeing(
                tx.conn, message.conversation_id, message.seq
            ),
            conversation_id=message.conversation_id,
        )

    async def mark_read(self, me: Principal, conversation_id: int, seq: int) -> int:
        """Move the read marker forward (never back); returns the marker."""

        async def unit(tx: Tx) -> int:
            conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
            if seq < 0 or seq > conversation.last_seq:
                raise InvalidInput("seq is beyond the conversation's last message.", "bad_seq")
            if seq <= member.last_read_seq:
                return member.last_read_seq
            await store_members.update_member(
                tx.conn, conversation_id, me.user.id, {"last_read_seq": seq}
            )
            from_seq = max(member.last_read_seq, member.joined_seq)
            told = await receipts.told_of_read(tx.conn, conversation, me.user.id, from_seq, seq)
            await self.events.record(
                tx,
                CONVERSATION_READ,
                ConversationRead(
                    conversation_id=conversation_id,
                    handle=me.user.handle,
                    seq=seq,
                    from_seq=from_seq,
                ),
                recipients=[me.user.id] if told is None else told,
                conversation_id=None if told is None else conversation_id,
                user_id=me.user.id if told is None else None,
            )
            return seq

        return await self.db.write(unit)

    async def typing(self, me: Principal, conversation_id: int) -> None:
        """Tell the other member of a direct chat that `me` is typing (typing_signal.py)."""
        await announce_typing(self.db, self.events, me, conversation_id)
