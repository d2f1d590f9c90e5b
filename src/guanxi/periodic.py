"""A job the server runs in the background every so often (pruning the event log, collecting
unused media): one run at a time, a failed run logged and tried again next time, and a stop
that lets the run under way finish (a write unit is never cut off halfway)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, interval_seconds: float, job: Callable[[], Awaitable[object]]):
        self.name = name
        self.interval = interval_seconds
        self.job = job
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Run the job every `interval` seconds from now on; an interval of 0 never runs it."""
        if self.interval > 0:
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._forever(), name=self.name)

    async def stop(self) -> None:
        """Stop after the run under way, if any."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping.set()
            await task

    async def _forever(self) -> None:
        while not await self._stopped_within(self.interval):
            try:
                await self.job()
            except Exception:  # e.g. a full disk: the next run tries again; the server goes on
                log.exception("%s failed", self.name)

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True
