"""The limiter the web edge asks before a write: `take(kind, key)` or `RateLimited`."""

from __future__ import annotations

from guanxi.clock import Clock
from guanxi.errors import RateLimited
from guanxi.ratelimit.memory import MemoryBuckets
from guanxi.ratelimit.rates import KIND, KINDS, Rate, setting_name
from guanxi.ratelimit.shared import RedisBuckets, redis_prefix
from guanxi.settings import Settings


def rates_of(settings: Settings) -> dict[str, Rate | None]:
    """Each kind's rate from its setting (`rate_limit_<kind>`); None where it is off."""
    return {kind.name: Rate.parse(getattr(settings, setting_name(kind.name))) for kind in KINDS}


class Limiter:
    """Buckets in memory (one process) or in Redis (several workers), per `redis_url`."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        rates = rates_of(settings)
        self.memory: MemoryBuckets | None = None
        self.shared: RedisBuckets | None = None
        self.settings = settings
        if settings.redis_url:
            self.shared = RedisBuckets(rates, clock, settings.redis_url, "")
        else:
            self.memory = MemoryBuckets(rates, clock, settings.rate_limit_memory_keys)

    def start(self) -> None:
        """Name this community's buckets in Redis (apart from other communities on it)."""
        if self.shared is not None:
            self.shared.prefix = redis_prefix(self.settings, "rate")

    async def take(self, kind: str, key: str | int) -> None:
        """Spend one of `key`'s tokens for `kind`, or raise `RateLimited` with `retry_after`."""
        if self.memory is not None:
            waited = self.memory.wait_ms(kind, str(key))
        else:
            assert self.shared is not None
            waited = await self.shared.wait_ms(kind, str(key))
        if waited:
            raise too_many(kind, waited)

    async def close(self) -> None:
        if self.shared is not None:
            await self.shared.close()


def too_many(kind: str, waited_ms: int) -> RateLimited:
    seconds = max(1, -(-waited_ms // 1000))
    return RateLimited(
        f"Too many {KIND[kind].noun}; try again in {seconds} s.", retry_after=seconds
    )
