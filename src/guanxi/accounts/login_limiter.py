"""Failed logins, counted three ways, so passwords cannot be guessed fast from anywhere.

- **Per account**, from any address: after `login_attempts` failures each further try waits
  (1 s, then 2, 4, … up to `login_max_delay_seconds`). A delay, never a lock: an attacker can
  slow the real owner down by at most that long, and a success clears the count.
- **Per address**: at most `login_address_failures` failures in `login_window_seconds`.
- **Everywhere**: at most `login_global_failures` failures in the window, all accounts and
  addresses together (a guessing campaign from many addresses).

The address and global limits do not hold up a handle that has logged in successfully from
that address before (within 30 days), so one person guessing behind a school's or an office's
shared address does not lock everyone else there out. The account delay applies to everyone.

The counts live in this process's memory (`MemoryLogins`), or in Redis when `redis_url` is set
(`RedisLogins`, login_limiter_redis.py), so that several workers count together: the same
rules, the same answers. Memory is bounded: entries with nothing left to say are dropped; in
Redis every key expires. When Redis fails, this process's memory counts (a warning says so).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

from guanxi.accounts.login_limiter_memory import MemoryLogins
from guanxi.accounts.login_limiter_redis import RedisLogins
from guanxi.clock import Clock
from guanxi.errors import RateLimited
from guanxi.ratelimit.shared import Complaints
from guanxi.settings import Settings

T = TypeVar("T")


class LoginLimiter:
    """The login limits, counted in Redis when `redis_url` is set, else in this process."""

    def __init__(self, clock: Clock, settings: Settings) -> None:
        self.settings = settings
        self.memory = MemoryLogins(clock, settings)
        self.shared = RedisLogins(clock, settings) if settings.redis_url else None
        self._complaints = Complaints("login limits are counted per worker")

    def start(self) -> None:
        if self.shared is not None:
            self.shared.start(self.settings)

    async def close(self) -> None:
        if self.shared is not None:
            await self.shared.close()

    async def begin(self, handle: str, address: str) -> None:
        """Raise `RateLimited` (with how long to wait) if this try may not be made now; else
        count it as under way until `failed`, `succeeded` or `abandoned` is called, so tries
        made at the same moment cannot all slip through before the first one fails."""
        wait_ms = await self._either(
            lambda shared: shared.begin(handle, address),
            lambda memory: memory.begin(handle, address),
        )
        if wait_ms > 0:
            raise RateLimited(
                "Too many failed logins; wait a little and try again.",
                "too_many_logins",
                retry_after=math.ceil(wait_ms / 1000),
            )

    async def abandoned(self, handle: str) -> None:
        """The try ended without an answer on the password (the server was busy)."""
        await self._either(
            lambda shared: shared.abandoned(handle), lambda memory: memory.abandoned(handle)
        )

    async def failed(self, handle: str, address: str) -> None:
        await self._either(
            lambda shared: shared.failed(handle, address),
            lambda memory: memory.failed(handle, address),
        )

    async def succeeded(self, handle: str, address: str) -> None:
        await self._either(
            lambda shared: shared.succeeded(handle, address),
            lambda memory: memory.succeeded(handle, address),
        )

    async def _either(
        self, shared: Callable[[RedisLogins], Awaitable[T]], memory: Callable[[MemoryLogins], T]
    ) -> T:
        if self.shared is not None:
            try:
                return await shared(self.shared)
            except (RedisError, OSError) as exc:
                self._complaints.about(exc)
        return memory(self.memory)
