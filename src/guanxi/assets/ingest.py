"""An import, from a checked source to history in the importer's account: all or nothing.

1. *Validation pass*: the whole source is read through its parser — no media decoded, nothing
   written — so a bad record fails the import before anything is written, and each chat's
   plan (new or merging into an earlier import of it, how many entries it lacks) and the
   progress total are known.
2. *Write pass*: the source is read again and each chat is written into a new conversation
   nobody sees yet (ingest_chat.py), in batches, each batch one write unit, so the community's
   writes go on between them. Every conversation, placeholder and media item it makes is named
   in `import_writes` in the unit that makes it.
3. *Landing*: one unit makes it all the importer's (ingest_land.py).

If anything fails — or the server stops — before the landing commits, the job's clean-up
(ingest_cleanup.py) deletes exactly what `import_writes` names. No event is sent per message:
the importer's devices get one `import.done` and reload their chat list."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from guanxi.accounts.models import User
from guanxi.assets import store_import, store_import_cleanup
from guanxi.assets.bundle import BadArchive, Chat, Entry, Moment, Source
from guanxi.assets.formats import Format
from guanxi.assets.ingest_chat import Built, ChatPlan, ChatWriter
from guanxi.assets.ingest_cleanup import Remover
from guanxi.assets.ingest_context import Context
from guanxi.assets.ingest_keys import Fingerprints, stored_key
from guanxi.assets.ingest_land import land
from guanxi.assets.ingest_media import MediaImport
from guanxi.assets.ingest_moments import PendingMoment, prepare
from guanxi.assets.ingest_people import People
from guanxi.assets.models import Job
from guanxi.clock import Clock
from guanxi.conversations import store_conversations
from guanxi.db.database import Database
from guanxi.errors import Conflict
from guanxi.media.service import MediaService
from guanxi.settings import Settings

LOOKUP = 1000  # fingerprints asked about at once
Report = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Landed:
    done: int
    total: int
    counts: dict[str, int]


class Ingest:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, media: MediaService, remover: Remover
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.media = media
        self.remover = remover

    async def run(
        self, job: Job, me: User, source: Source, fmt: Format, me_name: str | None, report: Report
    ) -> Landed:
        """Import the source into the user's account: what it brought."""
        plans = await self.validate(me, source, fmt, me_name)
        ctx = Context(
            db=self.db,
            clock=self.clock,
            settings=self.settings,
            job=job,
            source_name=fmt.name,
            people=People(me, fmt.name, job.id),
            media=MediaImport(self.media, source, me.id, job.id),
            report=report,
            total=sum(p.new + p.copied for p in plans),
        )
        built, moments = await self._write(ctx, fmt.read(source, me=me_name), plans)
        await land(ctx, built, moments)
        replaced = [b.replaces for b in built if b.replaces is not None]
        await self.remover.forget(replaced, None)
        return Landed(done=ctx.done, total=max(ctx.total, ctx.done), counts=ctx.final_counts())

    # the validation pass

    async def validate(
        self, me: User, source: Source, fmt: Format, me_name: str | None
    ) -> list[ChatPlan]:
        plans: list[ChatPlan] = []
        for item in fmt.read(source, me=me_name):
            if isinstance(item, Chat):
                plans.append(await self._plan(me, fmt.name, item))
        await self._check_room(me, plans)
        return plans

    async def _plan(self, me: User, source_name: str, chat: Chat) -> ChatPlan:
        key = stored_key(chat.key)
        merge_into, last_seq = await self._earlier(me, source_name, key, chat.title)
        scan = _Scan(Fingerprints(source_name, key) if merge_into is not None else None)
        scan.wanted.update(p.last_read for p in chat.people if p.last_read)
        entries = new = 0
        keys = (scan(entry) for entry in chat.entries)
        while batch := list(islice(keys, LOOKUP)):
            entries += len(batch)
            new += len(batch) - len(await self._known(merge_into, batch))
            await asyncio.sleep(0)  # a new chat asks nothing of the database: let others in
        if scan.files:  # the write pass will store files: start what checks them meanwhile
            self.media.start_workers()
        return ChatPlan(
            key=key,
            merge_into=merge_into,
            wanted=frozenset(scan.wanted),
            entries=entries,
            new=new,
            copied=last_seq if new else 0,
        )

    async def _earlier(
        self, me: User, source_name: str, key: str, title: str
    ) -> tuple[int | None, int]:
        """The conversation an earlier import made of this chat, and its last seq."""
        async with self.db.read() as conn:
            found = await store_import.get_imported_conversation(conn, me.id, source_name, key)
            if found is None:
                return None, 0
            if await store_import_cleanup.count_others_in(conn, found, me.id):
                raise Conflict(
                    f"The chat {title!r} was imported before and people were added to it"
                    " since: it cannot be merged with another export.",
                    "chat_shared",
                )
            row = await store_conversations.get_conversation(conn, found)
        return found, int(row.last_seq) if row is not None else 0

    async def _known(self, conversation_id: int | None, fingerprints: list[str]) -> set[str]:
        if conversation_id is None:
            return set()
        async with self.db.read() as conn:
            known = await store_import.list_known_fingerprints(conn, conversation_id, fingerprints)
        return set(known)

    async def _check_room(self, me: User, plans: list[ChatPlan]) -> None:
        """The conversations it adds fit under the cap on conversations per user."""
        adding = sum(1 for p in plans if p.merge_into is None)
        async with self.db.read() as conn:
            held = await store_import.count_active_memberships(conn, me.id)
        most = self.settings.conversations_per_user_max
        if held + adding > most:
            raise Conflict(
                f"This import would put you in {held + adding} conversations; one may be in at"
                f" most {most}.",
                "too_many_conversations",
            )

    # the write pass

    async def _write(
        self, ctx: Context, items: Iterator[Chat | Moment], plans: list[ChatPlan]
    ) -> tuple[list[Built], list[PendingMoment]]:
        built: list[Built] = []
        moments: list[PendingMoment] = []
        waiting = iter(plans)
        for item in items:
            if isinstance(item, Moment):
                moments.append(await prepare(ctx, item))
                continue
            plan = next(waiting, None)
            if plan is None or plan.key != stored_key(item.key):
                raise BadArchive("The upload changed while it was imported.", "changed")
            if plan.merge_into is not None and not plan.new:
                for count, _ in enumerate(item.entries):  # all there: the parser reads past it
                    if count % LOOKUP == 0:
                        await asyncio.sleep(0)
                continue
            built.append(await ChatWriter(ctx, item, plan).write())
        return built, moments


class _Scan:
    """What the validation pass notes of a chat's entries: the keys something points at
    (replies), whether any carries a file, and — only when the chat merges into an earlier
    import of it — each entry's fingerprint, to look up."""

    def __init__(self, fingerprints: Fingerprints | None) -> None:
        self.fingerprints = fingerprints
        self.wanted: set[str] = set()
        self.files = False

    def __call__(self, entry: Entry) -> str:
        if entry.reply_to:
            self.wanted.add(entry.reply_to)
        if entry.attachment is not None and entry.attachment.path is not None:
            self.files = True
        return self.fingerprints(entry) if self.fingerprints is not None else ""
