"""What a member does with messages beyond sending them: forward them to other chats, and
delete them for themselves.

A forward is a new message in each target chat, sent by the forwarder and marked
`forwarded`; it carries the text and (by reference, never a copy) the media of the message as
the forwarder may see it, never its sender, its quote or its mentions — so the target learns
nothing the forwarder could not show by retyping, and nobody is pinged by someone else's
@mention. Each target is checked as a send is (an active member; in a direct chat, friends
and no block either way), the whole forward is refused if one target or message is not
allowed, and it is bounded (FORWARD_TARGETS_MAX chats, FORWARD_MESSAGES_MAX messages); the
route spends one send token per message created.

Deleting for oneself hides messages from one member's history, search and replay, on every
device of theirs (`message.hidden` to their own devices); it changes nothing for anyone else.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.conversations import rules, store_conversations, store_members, store_messages
from guanxi.conversations.access import (
    access_active,
    access_member,
    check_may_message,
    check_peer_not_blocking,
)
from guanxi.conversations.events import (
    MESSAGE_CREATED,
    MESSAGE_HIDDEN,
    MessagePayload,
    MessagesHidden,
)
from guanxi.conversations.hydrate import hydrate, load_message
from guanxi.conversations.models import DIRECT, FORWARD_TARGETS_MAX, SYSTEM, Member, Message
from guanxi.conversations.own_state import unarchive_on_message
from guanxi.db.database import Database, Tx
from guanxi.errors import Conflict, InvalidInput, NotFound
from guanxi.eventlog.service import EventLog, Ref

FORWARD_MESSAGES_MAX = 20  # messages one forward may carry
HIDE_MAX = 100  # messages one delete-for-me may name


class MessageActions:
    def __init__(self, db: Database, clock: Clock, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.events = events

    async def forward(
        self,
        me: Principal,
        conversation_id: int,
        seqs: list[int],
        targets: list[int],
        client_id: str | None = None,
    ) -> tuple[list[Message], bool]:
        """Forward these messages (oldest first) to each target chat; the messages, and
        False when every one of them was forwarded before under this `client_id` (a retry:
        nothing is created again)."""
        seqs, targets = _check_forward(seqs, targets)
        if client_id is not None:
            rules.check_client_id(client_id)

        async def unit(tx: Tx) -> tuple[list[Message], bool]:
            sources = await self._sources(tx.conn, me, conversation_id, seqs)
            recipients = {t: await self._target(tx.conn, me, t) for t in targets}
            sent, created = [], False
            for target, members in recipients.items():
                copies, fresh = await self._forward_to(tx, me, target, members, sources, client_id)
                sent += copies
                created = created or fresh
            return sent, created

        return await self.db.write(unit)

    async def _forward_to(
        self,
        tx: Tx,
        me: Principal,
        target: int,
        members: list[int],
        sources: list[Message],
        client_id: str | None,
    ) -> tuple[list[Message], bool]:
        """The copies of the sources in one target, and whether any of them is new (one a
        forward under this client_id made before is not made again)."""
        copies, fresh = [], False
        for source in sources:
            derived = forward_client_id(client_id, source) if client_id is not None else None
            copy = await self._earlier_copy(tx.conn, me, target, derived)
            if copy is None:
                copy, fresh = await self._copy(tx, me, target, members, source, derived), True
            copies.append(copy)
        if fresh:
            await unarchive_on_message(tx, self.events, target)
        return copies, fresh

    async def _sources(
        self, conn: AsyncConnection, me: Principal, conversation_id: int, seqs: list[int]
    ) -> list[Message]:
        """The messages as the forwarder sees them: each in their window and not deleted
        for them (else 404), not recalled and not a system line (else 409)."""
        conversation, member = await access_member(conn, conversation_id, me.user.id)
        await check_peer_not_blocking(conn, conversation, me.user.id)
        rows = await _visible_rows(conn, me, member, conversation_id, seqs)
        shown = await hydrate(conn, conversation_id, rows, member)
        for message in shown:
            if message.recalled_at is not None:
                raise Conflict("This message was recalled.", "recalled")
            if message.kind == SYSTEM:
                raise Conflict("A system entry cannot be forwarded.", "system_entry")
            if not message.text and message.media is None:
                raise Conflict("There is nothing of this message to forward.", "withheld")
        return sorted(shown, key=lambda m: m.seq)

    async def _target(self, conn: AsyncConnection, me: Principal, target: int) -> list[int]:
        """A chat the forwarder may send to, as a send checks it; its members."""
        conversation, _ = await access_active(conn, target, me.user.id)
        await check_peer_not_blocking(conn, conversation, me.user.id)
        members = await store_members.list_active_member_ids(conn, target)
        if conversation.kind == DIRECT:
            peer = next((i for i in members if i != me.user.id), me.user.id)
            await check_may_message(conn, me.user.id, peer)
        return members

    async def _earlier_copy(
        self, conn: AsyncConnection, me: Principal, target: int, client_id: str | None
    ) -> Message | None:
        """The copy a forward under this (derived) client_id made in `target` before."""
        if client_id is None:
            return None
        seq = await store_messages.get_seq_by_client_id(conn, target, me.user.id, client_id)
        return await load_message(conn, target, seq) if seq is not None else None

    async def _copy(
        self,
        tx: Tx,
        me: Principal,
        target: int,
        members: list[int],
        source: Message,
        client_id: str | None,
    ) -> Message:
        now = self.clock.now_ms()
        seq = await store_conversations.next_seq(tx.conn, target, now)
        media_id = source.media.id if source.media is not None else None
        message_id = await store_messages.insert_message(
            tx.conn,
            conversation_id=target,
            seq=seq,
            sender_id=me.user.id,
            client_id=client_id,
            kind=source.kind,
            text=source.text,
            reply_to_seq=None,
            mentions=[],
            media_id=media_id,
            created_at=now,
            is_forwarded=True,
        )
        [row] = await store_messages.list_messages_by_id(tx.conn, [message_id])
        [message] = await hydrate(tx.conn, target, [row])
        await self.events.record(
            tx,
            MESSAGE_CREATED,
            MessagePayload(message=message.to_wire()),
            recipients=members,
            conversation_id=target,
            ref=Ref("message", message_id),
        )
        return message

    async def hide(self, me: Principal, conversation_id: int, seqs: list[int]) -> list[int]:
        """Delete these messages for the caller only; the seqs newly hidden."""
        if not seqs or len(seqs) > HIDE_MAX:
            raise InvalidInput(f"Name 1 to {HIDE_MAX} messages.", "bad_seqs")

        async def unit(tx: Tx) -> list[int]:
            conversation, member = await access_member(tx.conn, conversation_id, me.user.id)
            await check_peer_not_blocking(tx.conn, conversation, me.user.id)
            wanted = sorted(set(seqs))
            await _visible_rows(tx.conn, me, member, conversation_id, wanted, hidden_ok=True)
            now = self.clock.now_ms()
            new = await store_messages.insert_hidden(
                tx.conn, me.user.id, conversation_id, wanted, now
            )
            if new:
                await self.events.record(
                    tx,
                    MESSAGE_HIDDEN,
                    MessagesHidden(conversation_id=conversation_id, seqs=new),
                    recipients=[me.user.id],
                    user_id=me.user.id,
                )
            return new

        return await self.db.write(unit)


def forward_client_id(client_id: str, source: Message) -> str:
    """The client_id of the copy of `source` that a forward under `client_id` makes in each
    target: the same for a retry, another for another source message (or another key)."""
    key = f"{client_id}\n{source.conversation_id}\n{source.seq}".encode()
    return "fwd:" + hashlib.sha256(key).hexdigest()[:40]


def _check_forward(seqs: list[int], targets: list[int]) -> tuple[list[int], list[int]]:
    seqs, targets = sorted(set(seqs)), sorted(set(targets))
    if not seqs or len(seqs) > FORWARD_MESSAGES_MAX:
        raise InvalidInput(f"Forward 1 to {FORWARD_MESSAGES_MAX} messages.", "bad_seqs")
    if not targets or len(targets) > FORWARD_TARGETS_MAX:
        raise InvalidInput(f"Forward to 1 to {FORWARD_TARGETS_MAX} chats.", "bad_targets")
    return seqs, targets


async def _visible_rows(
    conn: AsyncConnection,
    me: Principal,
    member: Member,
    conversation_id: int,
    seqs: list[int],
    *,
    hidden_ok: bool = False,
) -> list[Any]:
    """Every one of these messages, in the member's window and (unless `hidden_ok`) not
    deleted for them; else 404 for the lot (which ones exist is not told)."""
    rows = await store_messages.list_messages_by_seq(conn, conversation_id, seqs)
    hidden = (
        set()
        if hidden_ok
        else await store_messages.list_hidden_among(
            conn, me.user.id, [(conversation_id, s) for s in seqs]
        )
    )
    seen = [r for r in rows if member.sees(r.seq) and (conversation_id, r.seq) not in hidden]
    if len(seen) != len(set(seqs)):
        raise NotFound("No such message.")
    return seen
