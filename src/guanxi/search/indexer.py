"""Keeps SQLite's search index (index_sqlite.py) up to date, off the event loop's thread.

After a write commits, the indexer is poked; a moment later (so that a burst of sends is taken
in as one batch) it runs `IndexFile.step` on a thread of the file pool (threads.py) until
nothing is left. A search
first calls `catch_up()`, so it sees everything committed before it began: the index lags the
messages by a few milliseconds, a search never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from guanxi.search.index_sqlite import IndexFile
from guanxi.threads import ThreadPool

log = logging.getLogger(__name__)
GATHER_SECONDS = 0.02  # let a burst of commits pile up before indexing them together
PURGE_RETRY_SECONDS = 1.0


class SearchIndexer:
    def __init__(self, database: Path, files: ThreadPool) -> None:
        self.file = IndexFile(database)
        self.files = files
        self._lock = asyncio.Lock()
        self._poked = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        await self.files.run(self.file.open)
        await self.catch_up()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="guanxi-search-indexer")

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True  # Python 3.11's wait_for may swallow a cancel: the flag holds
            self._poked.set()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        async with self._lock:
            self.file.close()

    def poke(self) -> None:
        """Something was committed: index it soon."""
        self._poked.set()

    async def catch_up(self) -> None:
        """Return once everything committed before this call is in the index."""
        async with self._lock:
            while await self._on_file_thread(self.file.step):
                pass

    async def forget(self, conversation_ids: list[int], first_message: int | None) -> None:
        """Conversations taken out of the database leave the index (IndexFile.forget)."""

        def step() -> bool:
            self.file.forget(conversation_ids, first_message)
            return False

        async with self._lock:
            await self._on_file_thread(step)
        self.poke()

    async def purge(self) -> None:
        """Remove edited-away and recalled text from the index file for good, a bounded step
        at a time (index_sqlite.py: purge_step); searches get the lock between steps."""
        while True:
            async with self._lock:
                if not await self._on_file_thread(self.file.purge_step):
                    return
            await asyncio.sleep(0)

    async def _on_file_thread(self, step: Callable[[], bool]) -> bool:
        """`step` on a thread of the file pool. Cancelled (stop(), a caller gone), it still
        waits for the thread's step to end, inside the caller's hold on the lock: the next
        step, or close(), must not use the connection while that thread does (closing it
        under a running step crashed the process)."""
        job = asyncio.ensure_future(self.files.run(step))
        try:
            return await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])
            raise

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):  # a purge held up by readers: try again
                wait = PURGE_RETRY_SECONDS if self.file.purging else None
                await asyncio.wait_for(self._poked.wait(), wait)
            if self._stopping:
                return
            await asyncio.sleep(GATHER_SECONDS)
            self._poked.clear()
            try:
                await self.catch_up()
                await self.purge()
            except Exception:  # e.g. a full disk: searches will try again, and so do we
                log.exception("search indexing failed")
                self._poked.set()
                await asyncio.sleep(1.0)
