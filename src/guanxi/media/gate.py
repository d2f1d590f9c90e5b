"""How many of one user's uploads may be processed at once.

The worker pool is shared: without a bound, one user's six large PNGs filled both workers and
a small photo from someone else waited 11 s behind them. With `GUANXI_MEDIA_JOBS_PER_USER`
(1) a user's uploads queue behind each other, and other users' go to the free workers. Only
what a worker decodes (an image, a recording) takes a slot: a plain file, probed from its
first bytes, needs no worker (`MediaService._receive`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class PerUserGate:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots: dict[int, tuple[asyncio.Semaphore, int]] = {}  # semaphore, holders

    @contextlib.asynccontextmanager
    async def slot(self, user_id: int) -> AsyncIterator[None]:
        semaphore, holders = self._slots.get(user_id, (asyncio.Semaphore(self.limit), 0))
        self._slots[user_id] = (semaphore, holders + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, holders = self._slots[user_id]
            if holders == 1:
                del self._slots[user_id]  # no entry stays for a user with nothing waiting
            else:
                self._slots[user_id] = (semaphore, holders - 1)
