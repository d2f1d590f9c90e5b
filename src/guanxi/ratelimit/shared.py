"""Token buckets in Redis, shared by every worker: one atomic script call per action."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from guanxi.clock import Clock
from guanxi.ratelimit.rates import Rate
from guanxi.realtime.community import community_id, community_key
from guanxi.settings import Settings

log = logging.getLogger(__name__)
COMPLAIN_EVERY_SECONDS = 60
REDIS_TIMEOUT_SECONDS = 1.0


def redis_prefix(settings: Settings, what: str) -> str:
    """Where this community keeps `what` in Redis (apart from other communities on it)."""
    community = community_id(community_key(settings.data_dir))
    return f"{settings.redis_channel or 'guanxi:' + community}:{what}"


def connect(url: str) -> aioredis.Redis:
    """A client that gives up within a second: a limit must not hang on a broken Redis."""
    return aioredis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )


class Complaints:
    """A warning that Redis failed, logged at most once a minute."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._last = 0.0

    def about(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last >= COMPLAIN_EVERY_SECONDS:
            self._last = now
            log.warning("%s: Redis failed (%s)", self.what, exc)


# KEYS[1] the bucket; ARGV burst, tokens per millisecond, now (ms). Returns 0 when a token was
# taken, else the milliseconds until one is there, rounded as `MemoryBuckets` rounds them (up,
# past float noise: 1 / (1/3,600,000) is 3,600,000.0000000005, which is an hour, not an hour
# and a millisecond). A refusal writes nothing. The key expires once the bucket would be full
# again, so Redis keeps only buckets in use.
TAKE = """
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * per_ms)
  at = now
end
if tokens < 1 then
  return math.max(1, math.floor((1 - tokens) / per_ms + 0.999))
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
return 0
"""


class RedisBuckets:
    """The same buckets as `MemoryBuckets`, kept in Redis under `<prefix>:<kind>:<key>`.

    When Redis fails the action is allowed (fail open) and a warning is logged at most once a
    minute: a broken Redis must not turn every write into an error."""

    def __init__(
        self, rates: Mapping[str, Rate | None], clock: Clock, url: str, prefix: str
    ) -> None:
        self.rates = dict(rates)
        self.clock = clock
        self.prefix = prefix
        self._redis = connect(url)
        self._take: Any = self._redis.register_script(TAKE)
        self._complaints = Complaints("rate limits are not applied, writes are allowed")

    async def wait_ms(self, kind: str, key: str) -> int:
        rate = self.rates.get(kind)
        if rate is None:
            return 0
        args = (rate.burst, repr(rate.per_second / 1000), self.clock.now_ms())
        try:
            waited = await self._take(keys=[f"{self.prefix}:{kind}:{key}"], args=args)
        except (RedisError, OSError) as exc:
            self._complaints.about(exc)
            return 0
        return int(waited)

    async def close(self) -> None:
        await self._redis.aclose()
