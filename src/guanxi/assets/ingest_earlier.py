"""The conversation an earlier import made of a chat, read while a merge rebuilds it
(ingest_chat.py): its messages in seq order, a page at a time, each given its seq in the new
conversation as the merge reaches it; its reactions and fingerprints go along."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.assets import store_import
from guanxi.assets.bundle import Entry
from guanxi.assets.ingest_context import Context
from guanxi.assets.ingest_media import Stored


@dataclass(kw_only=True)
class Item:
    """One message of the conversation a chat writer builds, with its seq there."""

    seq: int
    entry: Entry | None = None  # a new entry …
    fingerprint: str | None = None
    media: Stored | None = None
    old: Any = None  # … or a message of the earlier conversation (a row)
    reply_seq: int | None = None  # the seq here of the message it answers (ChatWriter.resolve)


class Earlier:
    """Its messages go in before the first new entry later in time, and up to each entry
    both exports hold (ingest_chat.py)."""

    PAGE = 1000

    def __init__(self, ctx: Context, conversation_id: int | None) -> None:
        self.ctx = ctx
        self.conversation_id = conversation_id
        self.through = 0  # the last seq read
        self._page: list[Any] = []
        self._ended = conversation_id is None
        self.reactions: dict[int, list[Any]] = {}

    async def reply_targets(self) -> set[int]:
        """The seqs its replies answer."""
        if self.conversation_id is None:
            return set()
        async with self.ctx.db.read() as conn:
            return await store_import.list_reply_targets(conn, self.conversation_id)

    async def known(self, fingerprints: list[str]) -> dict[str, int]:
        """Which of these fingerprints it holds: each one's seq there."""
        if self.conversation_id is None:
            return {}
        async with self.ctx.db.read() as conn:
            return await store_import.list_known_fingerprints(
                conn, self.conversation_id, fingerprints
            )

    async def before(self, at: int, take_seq: Any) -> list[Item]:
        """Its messages (not yet taken) before this time, each with a seq of the new one: a
        new entry goes after them (and before those of its own minute, which the entries the
        two exports share place)."""
        items: list[Item] = []
        while await self._fill() and self._page[0].created_at < at:
            items.append(Item(seq=take_seq(), old=self._page.pop(0)))
        return items

    async def through_seq(self, seq: int, take_seq: Any) -> list[Item]:
        """Its messages (not yet taken) up to and with this seq."""
        items: list[Item] = []
        while await self._fill() and self._page[0].seq <= seq:
            items.append(Item(seq=take_seq(), old=self._page.pop(0)))
        return items

    async def page(self, take_seq: Any) -> list[Item]:
        """The next of its messages not yet taken, a page of them."""
        if not await self._fill():
            return []
        items = [Item(seq=take_seq(), old=row) for row in self._page]
        self._page = []
        return items

    async def _fill(self) -> bool:
        if self._page or self._ended:
            return bool(self._page)
        assert self.conversation_id is not None
        async with self.ctx.db.read() as conn:
            page = await store_import.list_messages_page(
                conn, self.conversation_id, self.through, self.PAGE
            )
            rows = await store_import.list_reaction_rows(conn, [r.id for r in page])
        for row in rows:
            self.reactions.setdefault(row.message_id, []).append(row)
        if not page:
            self._ended = True
            return False
        self.through = page[-1].seq
        self._page = page
        return True
