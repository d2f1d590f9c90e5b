"""Background work that must run in one process at a time across every worker of a community:
the insight follower, the export and import job runners, the event-log pruner, the media
collector. Each is guarded by a named lease; the process holding it runs the work, the others
wait to take it over.

A lease is a row (`leases`: name, holder, expiry on the database's clock) taken or renewed by
one statement that succeeds only if the lease is free, expired, or already ours
(`store.take_lease`). Every process tries every `lease_seconds / 3` on a connection of its own
(never behind the writer's queue). A holder that has not renewed by the time its lease might
have expired stops the work first: its deadline is the moment *before* its last successful
renewal was sent, plus `lease_seconds`, which can only be earlier than the expiry the database
wrote. A process killed with -9 renews nothing: another takes the lease once it expires, within
`lease_seconds` plus one try. A clean stop gives the leases up at once.

On SQLite one process is the rule (the writer holds the file), so the leases are trivially
held and nothing is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from guanxi.db.dialects import create_engine, is_sqlite
from guanxi.leases import store

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Held:
    """A lease held now: by which process (host:pid:random), for how much longer."""

    name: str
    holder: str
    seconds_left: float


async def list_held(url: str) -> list[Held]:
    """The leases held now over the PostgreSQL database at `url` (`guanxi db leases`)."""
    engine = create_engine(url, writer=True)
    try:
        async with engine.connect() as conn:
            rows = await store.list_leases(conn)
    finally:
        await engine.dispose()
    return [Held(name=n, holder=h, seconds_left=left / 1000) for n, h, left in rows]


@dataclass
class Guarded:
    """Work under a lease: `start` once the lease is ours, `stop` once it may not be."""

    name: str
    start: Step
    stop: Step
    running: bool = False


class Leases:
    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.ttl = seconds
        self.every = seconds / 3
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.trivial = is_sqlite(url)
        self.guarded: list[Guarded] = []
        self._engine: AsyncEngine | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._deadline = 0.0  # monotonic: until then every lease taken in the last round is ours
        self._failing = False

    def guard(self, name: str, start: Step, stop: Step) -> None:
        """Run `start` while this process holds the lease `name`, `stop` when it gives it up."""
        self.guarded.append(Guarded(name, start, stop))

    async def start(self) -> None:
        """Take the free leases now (a lone server starts its work before it serves), then
        keep trying in the background."""
        if self.trivial:
            for guarded in self.guarded:
                await _begin(guarded)
            return
        self._engine = create_engine(self.url, writer=True)
        self._stopping = asyncio.Event()
        await self._round()
        self._task = asyncio.create_task(self._forever(), name="guanxi-leases")

    async def stop(self) -> None:
        """Stop the work, then give its leases up so another process takes them at once."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping.set()
            await task
        held = [g.name for g in self.guarded if g.running]
        for guarded in reversed(self.guarded):
            await _end(guarded)
        if self._engine is not None:
            with contextlib.suppress(Exception):  # the database is gone: the leases expire
                await asyncio.wait_for(self._release(held), self.every)
            await self._engine.dispose()
            self._engine = None

    async def _forever(self) -> None:
        while not await self._stopped_within(self.every):
            await self._round()

    async def _stopped_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    async def _round(self) -> None:
        sent = time.monotonic()
        try:
            taken = await asyncio.wait_for(self._take_all(), self.every)
        except Exception as error:  # the database is down or slow: keep what is surely ours
            self._complain(error)
            if time.monotonic() + self.every >= self._deadline:
                for guarded in self.guarded:
                    await _end(guarded)
            return
        if self._failing:
            self._failing = False
            log.warning("leases: the database answers again")
        self._deadline = sent + self.ttl
        for guarded, ours in zip(self.guarded, taken, strict=True):
            if ours and not guarded.running:
                await _begin(guarded)
            elif not ours and guarded.running:
                await _end(guarded)

    async def _take_all(self) -> list[bool]:
        assert self._engine is not None
        ttl_ms = round(self.ttl * 1000)
        async with self._engine.begin() as conn:
            return [await store.take_lease(conn, g.name, self.holder, ttl_ms) for g in self.guarded]

    async def _release(self, names: list[str]) -> None:
        assert self._engine is not None
        async with self._engine.begin() as conn:
            for name in names:
                await store.release_lease(conn, name, self.holder)

    def _complain(self, error: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning("leases: could not renew (%s)", type(error).__name__)


async def _begin(guarded: Guarded) -> None:
    try:
        await guarded.start()
    except Exception:  # e.g. the database went away meanwhile: the next round tries again
        log.exception("could not start %s", guarded.name)
        with contextlib.suppress(Exception):
            await guarded.stop()
        return
    guarded.running = True


async def _end(guarded: Guarded) -> None:
    if not guarded.running:
        return
    guarded.running = False
    try:
        await guarded.stop()
    except Exception:
        log.exception("could not stop %s", guarded.name)
