"""Writing one chat of an import: a new conversation, hidden until the import lands.

The conversation is built with its placeholders as members and no membership of the importer
(nobody sees it), its entries written in batches of `import_batch` in the order of the source
with gap-free seqs from 1. When an earlier import made a conversation of the same chat, the new
one is built from both: the earlier conversation's messages and the entries it lacks, merged by
time, so seqs stay in time order; at landing it takes the earlier one's place (ingest_land.py).
Seqs are never renumbered in place: nothing outside ever saw the new conversation's seqs, and
the search index (keyed by conversation and seq) only ever sees fresh ones."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.assets import store_import
from guanxi.assets.bundle import SYSTEM, Chat, Entry, Person
from guanxi.assets.ingest_context import Context
from guanxi.assets.ingest_earlier import Earlier, Item
from guanxi.assets.ingest_keys import Fingerprints, message_kind, message_text, storable
from guanxi.assets.ingest_people import Someone
from guanxi.assets.ingest_seqs import Seqs
from guanxi.conversations import rules, store_conversations, store_members
from guanxi.conversations.models import DIRECT, GROUP
from guanxi.db.database import Tx
from guanxi.errors import InvalidInput

ROLES = ("owner", "admin", "member")


@dataclass(frozen=True, kw_only=True)
class ChatPlan:
    """What the validation pass found of a chat."""

    key: str  # the chat's key as stored
    merge_into: int | None  # the conversation an earlier import made of it
    wanted: frozenset[str]  # keys of entries something points at (replies, read markers)
    entries: int
    new: int  # entries the conversation lacks
    copied: int  # messages of `merge_into` the new conversation takes over


@dataclass(kw_only=True)
class Built:
    """A conversation the write pass built, for the landing unit."""

    conversation_id: int
    chat_key: str
    kind: str
    peer_id: int | None  # a direct chat's placeholder
    peer_name: str
    replaces: int | None
    copied_through: int  # the last seq of `replaces` taken over
    my_role: str
    my_last_read: int | None  # None: everything read
    last_seq: int = 0


class ChatWriter:
    def __init__(self, ctx: Context, chat: Chat, plan: ChatPlan) -> None:
        self.ctx = ctx
        self.chat = chat
        self.plan = plan
        self.persons = {p.key: p for p in chat.people}
        self.members: set[int] = set()
        self.seqs = Seqs(wanted_keys=plan.wanted)
        self.next_seq = 1
        self.last_at = chat.created_at or 0
        self.fingerprints = Fingerprints(ctx.source_name, plan.key)
        self.old = Earlier(ctx, plan.merge_into)

    async def write(self) -> Built:
        built = await self.ctx.db.write(self._create)
        self.seqs.wanted_old = await self.old.reply_targets()
        entries = self._new_entries()
        writing: asyncio.Task[None] | None = None  # the batch before, being written
        try:
            while batch := list(islice(entries, self.ctx.settings.import_batch)):
                items = await self._prepare(batch)
                if writing is not None:
                    await writing
                writing = asyncio.create_task(self._write_items(items))
            if writing is not None:
                await writing
            while rest := await self.old.page(self._take_seq):
                await self._write_items(self._resolved(self._taken(rest)))
        finally:
            await _settled(writing)
        built.copied_through = self.old.through
        built.last_seq = self.next_seq - 1
        await self.ctx.db.write(lambda tx: self._finish(tx, built))
        return built

    # the conversation and its placeholders

    async def _create(self, tx: Tx) -> Built:
        ctx, chat, now = self.ctx, self.chat, self.ctx.clock.now_ms()
        ctx.people.note(chat.people)
        others = [p for p in chat.people if not p.is_me]
        found = {p.key: await ctx.people.resolve(tx.conn, p.key, p, now) for p in others}
        direct = chat.kind == DIRECT and len(found) == 1
        owner = next((found[p.key] for p in others if p.role == "owner"), ctx.people.me)
        conversation_id = await store_conversations.insert_conversation(
            tx.conn,
            kind=DIRECT if direct else GROUP,
            name="" if direct else _group_name(chat.title),
            owner_id=None if direct else owner.user_id,
            direct_key=None,  # set at landing, when the chat becomes the importer's
            created_at=chat.created_at or now,
        )
        await store_import.insert_write(
            tx.conn, ctx.job.id, store_import.CONVERSATION, conversation_id
        )
        if chat.announcement:
            announcement = storable(chat.announcement)[: rules.ANNOUNCEMENT_MAX]
            await store_conversations.update_conversation(
                tx.conn, conversation_id, {"announcement": announcement}
            )
        self.conversation_id = conversation_id
        for person in others:
            role = "owner" if found[person.key] == owner else person.role
            await self._join(tx.conn, found[person.key], role)
        me = next((p for p in chat.people if p.is_me), None)
        peer = next(iter(found.values()), None) if direct else None
        return Built(
            conversation_id=conversation_id,
            chat_key=self.plan.key,
            kind=DIRECT if direct else GROUP,
            peer_id=peer.user_id if peer else None,
            peer_name=others[0].name if direct else "",
            replaces=self.plan.merge_into,
            copied_through=0,
            my_role=_my_role(owner.is_me, direct, me),
            my_last_read=None,
        )

    async def _join(self, conn: AsyncConnection, someone: Someone, role: str) -> None:
        if someone.is_me or someone.user_id in self.members:
            return
        self.members.add(someone.user_id)
        await store_members.upsert_member(
            conn,
            conversation_id=self.conversation_id,
            user_id=someone.user_id,
            role=role if role in ROLES else "member",
            joined_at=self.chat.created_at or 0,
            joined_seq=0,
            joined_event=0,
        )

    # entries

    def _new_entries(self) -> Iterator[tuple[Entry, str]]:
        for entry in self.chat.entries:
            yield entry, self.fingerprints(entry)

    async def _prepare(self, batch: list[tuple[Entry, str]]) -> list[Item]:
        """A batch's messages in seq order (the earlier conversation's among them when
        merging), with their replies resolved and their files stored — while the batch
        before is being written (`write`): reading and storing files waits on disks and
        threads, writing rows on the database."""
        known = await self.old.known([f for _, f in batch])
        self.seqs.recent_old.clear()
        items: list[Item] = []
        new: list[Item] = []
        for entry, fingerprint in batch:
            if fingerprint in known:  # there already: what came before it there goes first,
                seq = known[fingerprint]  # and a reply to it finds its copy
                items.extend(self._taken(await self.old.through_seq(seq, self._take_seq)))
                self.seqs.entry(entry.key, self.seqs.old_to_new(seq))
                continue
            items.extend(self._taken(await self.old.before(entry.at, self._take_seq)))
            item = Item(seq=self._take_seq(), entry=entry, fingerprint=fingerprint)
            self.seqs.entry(entry.key, item.seq)
            items.append(item)
            new.append(item)
        self._resolved(items)
        stored = await self.ctx.media.store_all([i.entry.attachment for i in new if i.entry])
        for item, media in zip(new, stored, strict=True):
            item.media = media
        return items

    def _resolved(self, items: list[Item]) -> list[Item]:
        """Each message's reply target as its seq here, as the batch's seqs stand now (the
        next batch, prepared while this one is written, changes them)."""
        for item in items:
            if item.old is not None:
                item.reply_seq = self.seqs.old_to_new(item.old.reply_to_seq)
            elif item.entry is not None and item.entry.reply_to:
                item.reply_seq = self.seqs.by_key.get(item.entry.reply_to)
        return items

    def _taken(self, items: list[Item]) -> list[Item]:
        """Messages of the earlier conversation given their seqs here (replies and entries
        found there already point at them)."""
        for item in items:
            self.seqs.old(item.old.seq, item.seq)
        return items

    def _take_seq(self) -> int:
        seq, self.next_seq = self.next_seq, self.next_seq + 1
        return seq

    async def _write_items(self, items: list[Item]) -> None:
        for start in range(0, len(items), self.ctx.settings.import_batch):
            chunk = items[start : start + self.ctx.settings.import_batch]
            await self.ctx.db.write(lambda tx, chunk=chunk: self._insert(tx, chunk))  # type: ignore[misc]
            new = sum(1 for item in chunk if item.entry is not None)
            self.ctx.counts["messages"] += new
            await self.ctx.advance(len(chunk))

    async def _insert(self, tx: Tx, items: list[Item]) -> None:
        now = self.ctx.clock.now_ms()
        rows = [await self._row(tx.conn, item, now) for item in items]
        ids = await store_import.insert_messages(tx.conn, rows)
        reactions: list[dict[str, Any]] = []
        fingerprints: list[dict[str, Any]] = []
        for item, message_id in zip(items, ids, strict=True):
            reactions += await self._reactions(tx.conn, item, message_id, now)
            fingerprint = item.fingerprint or (item.old.fingerprint if item.old else None)
            if fingerprint is not None:
                fingerprints.append(
                    {
                        "conversation_id": self.conversation_id,
                        "fingerprint": fingerprint,
                        "message_id": message_id,
                    }
                )
        await store_import.insert_reactions(tx.conn, reactions)
        await store_import.insert_fingerprints(tx.conn, fingerprints)

    async def _row(self, conn: AsyncConnection, item: Item, now: int) -> dict[str, Any]:
        if item.old is not None:
            return self._copied(item)
        entry = item.entry
        assert entry is not None
        self.last_at = max(self.last_at, entry.at)
        system = entry.kind == SYSTEM or entry.sender is None
        sender = self.ctx.people.me
        if entry.sender is not None:  # a system line keeps who did it (a group's "X added Y")
            sender = await self._person(conn, entry.sender, now)
        media = None if entry.recalled_at is not None else item.media
        kind = SYSTEM if system else message_kind(entry, media.kind if media else None)
        return {
            "conversation_id": self.conversation_id,
            "seq": item.seq,
            "sender_id": sender.user_id,
            "client_id": None,
            "kind": kind,
            "text": message_text(entry, media.kind if media else None),
            "reply_to_seq": item.reply_seq,
            "mentions": [] if system else await self._mentions(conn, entry, now),
            "media_id": media.media_id if media else None,
            "edited_at": entry.edited_at,
            "edit_count": entry.edit_count if entry.edited_at is not None else 0,
            "recalled_at": entry.recalled_at,
            "created_at": entry.at,
        }

    def _copied(self, item: Item) -> dict[str, Any]:
        old = item.old
        self.last_at = max(self.last_at, old.created_at)
        return {
            "conversation_id": self.conversation_id,
            "seq": item.seq,
            "sender_id": old.sender_id,
            "client_id": old.client_id,
            "kind": old.kind,
            "text": old.text,
            "reply_to_seq": item.reply_seq,
            "mentions": old.mentions,
            "media_id": old.media_id,
            "edited_at": old.edited_at,
            "edit_count": old.edit_count,
            "recalled_at": old.recalled_at,
            "created_at": old.created_at,
        }

    async def _person(self, conn: AsyncConnection, key: str, now: int) -> Someone:
        someone = await self.ctx.people.resolve(conn, key, self.persons.get(key), now)
        await self._join(conn, someone, "member")
        return someone

    async def _mentions(self, conn: AsyncConnection, entry: Entry, now: int) -> list[str]:
        if not entry.mentions:
            return []
        handles: list[str] = []
        for key in dict.fromkeys(entry.mentions):
            handles.append((await self._person(conn, key, now)).handle)
        return handles

    async def _reactions(
        self, conn: AsyncConnection, item: Item, message_id: int, now: int
    ) -> list[dict[str, Any]]:
        if item.old is not None:
            return [
                {
                    "message_id": message_id,
                    "user_id": r.user_id,
                    "emoji": r.emoji,
                    "created_at": r.created_at,
                }
                for r in self.old.reactions.pop(item.old.id, [])
            ]
        entry = item.entry
        assert entry is not None
        if entry.recalled_at is not None:
            return []
        given: dict[tuple[int, str], int] = {}
        for reaction in entry.reactions:
            if not _is_reaction(reaction.emoji):
                continue
            who = await self._person(conn, reaction.sender, now)
            given.setdefault((who.user_id, reaction.emoji), reaction.at)
        return [
            {"message_id": message_id, "user_id": user_id, "emoji": emoji, "created_at": at}
            for (user_id, emoji), at in given.items()
        ]

    # the end of the chat

    async def _finish(self, tx: Tx, built: Built) -> None:
        await store_import.finish_conversation(
            tx.conn, self.conversation_id, built.last_seq, self.last_at or self.ctx.clock.now_ms()
        )
        for person in self.chat.people:
            seq = self.seqs.by_key.get(person.last_read) if person.last_read else None
            if seq is None:
                continue
            if person.is_me:
                built.my_last_read = seq
                continue
            someone = self.ctx.people.known(person.key)
            if someone is not None and not someone.is_me:
                await store_members.update_member(
                    tx.conn, self.conversation_id, someone.user_id, {"last_read_seq": seq}
                )


async def _settled(task: asyncio.Task[None] | None) -> None:
    """Wait until a write under way has ended, so nothing of the import is still being
    written when it fails (its own error, if any, is not the one raised)."""
    if task is not None and not task.done():
        await asyncio.wait([task])
    if task is not None and not task.cancelled():
        task.exception()  # retrieved: not reported again as never retrieved


def _group_name(title: str) -> str:
    name = " ".join(storable(title).split())[: rules.GROUP_NAME_MAX]
    try:
        return rules.check_group_name(name)
    except InvalidInput:
        return "Imported chat"


def _my_role(owner: bool, direct: bool, me: Person | None) -> str:
    if direct:
        return "member"
    if owner:
        return "owner"
    return "admin" if me is not None and me.role == "admin" else "member"


def _is_reaction(value: str) -> bool:
    try:
        rules.check_reaction(value)
    except InvalidInput:
        return False
    return True
