"""One long read per user at a time, so a user's requests take turns with everyone else's.

SQLite statements run inline on the event loop (db/inline_sqlite.py). A page of a list is
bounded, but eight pages asked for at once by one user would run side by side and each of
everyone else's requests would wait behind all eight; with `Turns`, that user's pages queue
behind one another and other users see at most one of them ahead of each step of theirs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def of(self, user_id: int) -> AsyncIterator[None]:
        """Hold the user's turn for the duration of the block."""
        lock, users = self._locks.get(user_id, (asyncio.Lock(), 0))
        self._locks[user_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[user_id]
            if users == 1:
                del self._locks[user_id]
            else:
                self._locks[user_id] = (lock, users - 1)
