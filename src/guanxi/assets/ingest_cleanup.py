"""Taking out what an import wrote: a failed or interrupted import's writes (named in
import_writes), and conversations that a merge replaced or an account deletion removes.

Messages go in units of CHUNK, so that taking out a large import does not hold SQLite's one
writer for long; each unit is complete on its own, and the job's import_writes go last, so a
crash in the middle leaves the rest for the next start's clean-up. SQLite's search index keeps
its rows apart from the database (search/index_sqlite.py): it is told to forget the
conversations, and to index again from the first message taken out (SQLite hands the ids of
deleted rows at the top out again)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from guanxi.assets import store_import, store_import_cleanup
from guanxi.db.database import Database, Tx
from guanxi.media import store as media_store
from guanxi.search.indexer import SearchIndexer

log = logging.getLogger(__name__)
CHUNK = 5000


class Remover:
    def __init__(self, db: Database, indexer: SearchIndexer | None) -> None:
        self.db = db
        self.indexer = indexer

    async def undo(self, job_id: int) -> None:
        """Delete exactly what this import wrote and had not landed."""
        async with self.db.read() as conn:
            conversations = [
                int(r)
                for r in await store_import.list_writes(conn, job_id, store_import.CONVERSATION)
            ]
            people = await store_import.list_writes(conn, job_id, store_import.PLACEHOLDER)
            media = await store_import.list_writes(conn, job_id, store_import.MEDIA)
        await self.remove_conversations(conversations)

        async def rest(tx: Tx) -> None:
            await store_import_cleanup.delete_placeholders(tx.conn, [int(p) for p in people])
            await media_store.delete_media(tx.conn, media)
            await store_import.delete_writes(tx.conn, job_id)

        await self.db.write(rest)

    async def remove_conversations(self, conversation_ids: Sequence[int]) -> None:
        """Conversations, all their messages first, a chunk per unit."""
        async with self.db.read() as conn:
            first = await store_import_cleanup.min_message_id(conn, conversation_ids)
        for conversation_id in conversation_ids:
            while await self.db.write(lambda tx, c=conversation_id: self._chunk(tx, c)):  # type: ignore[misc]
                pass
        await self.forget(conversation_ids, first)

    async def _chunk(self, tx: Tx, conversation_id: int) -> bool:
        """Take out a chunk of the conversation's messages, or, when none is left, the
        conversation itself; whether there is more to do."""
        ids = await store_import_cleanup.list_message_ids(tx.conn, conversation_id, CHUNK)
        if ids:
            await store_import_cleanup.delete_messages(tx.conn, ids)
            tx.erase()
            return True
        await store_import_cleanup.delete_conversation(tx.conn, conversation_id)
        return False

    async def forget(self, conversation_ids: Sequence[int], first_message: int | None) -> None:
        if self.indexer is None or not conversation_ids:
            return
        try:
            await self.indexer.forget(list(conversation_ids), first_message)
        except Exception:  # derived data: the next start builds it again if it is damaged
            log.exception("the search index could not forget conversations %s", conversation_ids)
