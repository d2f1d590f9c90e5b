"""The login limits (login_limiter.py) counted in Redis, so that every worker counts together.

Each call is one Lua script, atomic in Redis. The same rules as `MemoryLogins`, kept under
`<prefix>:` as

- `a:<handle>`: a hash of the account's failures (`n`) and the last one's time (`last`),
  expiring a day after the last;
- `p:<handle>`: tries under way (checked, not yet answered); expires a minute after the last
  began, so a worker killed mid-check does not hold the account up for longer;
- `ip:<address>` and `all`: sorted sets of failure times, at most as many as the limit allows,
  expiring with the window;
- `k:<length of handle>:<handle>:<address>`: when the handle last logged in from the address,
  expiring after 30 days.

Times are the server's clock (`Clock`), passed in, as in memory; Redis's own clock only
expires keys that have nothing left to say.
"""

from __future__ import annotations

import secrets
from typing import Any

from guanxi.accounts.login_limiter_memory import ACCOUNT_MEMORY_MS, KNOWN_MEMORY_MS, LoginRules
from guanxi.clock import Clock
from guanxi.ratelimit.shared import connect, redis_prefix
from guanxi.settings import Settings

PENDING_MEMORY_MS = 60_000

# One fewer try under way for KEYS[2].
ENDED = """
if redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[2]) end
"""

# KEYS account, pending, address, everywhere, known; ARGV now, free tries, most delay, window,
# failures per address, failures everywhere, how long a login is known, how long a try is under
# way. Returns the milliseconds to wait, or 0 and counts the try as under way.
BEGIN = """
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local window = tonumber(ARGV[4])
local function window_wait(key, allowed)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n < allowed then return 0 end
  local at = redis.call('ZRANGE', key, n - allowed, n - allowed, 'WITHSCORES')
  return tonumber(at[2]) + window - now
end
local state = redis.call('HMGET', KEYS[1], 'n', 'last')
local failures = (tonumber(state[1]) or 0)
local last = tonumber(state[2]) or now
local pending = tonumber(redis.call('GET', KEYS[2])) or 0
local wait = 0
if failures + pending >= free then
  local delay = math.min(tonumber(ARGV[3]), 1000 * 2 ^ math.min(failures + pending - free, 40))
  if pending > 0 then last = now end
  wait = last + delay - now
end
local since = tonumber(redis.call('GET', KEYS[5]))
if not (since and now - since < tonumber(ARGV[7])) then
  local here = window_wait(KEYS[3], tonumber(ARGV[5]))
  local everywhere = window_wait(KEYS[4], tonumber(ARGV[6]))
  wait = math.max(wait, here, everywhere)
end
if wait > 0 then return wait end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return 0
"""

# KEYS account, pending, address, everywhere; ARGV now, window, failures per address,
# failures everywhere, how long an account's failures are kept, a unique member.
FAILED = (
    ENDED
    + """
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'n', 'last')
local count = tonumber(state[1]) or 0
if now - (tonumber(state[2]) or now) > tonumber(ARGV[5]) then count = 0 end
redis.call('HSET', KEYS[1], 'n', count + 1, 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local function add(key, allowed)
  redis.call('ZADD', key, ARGV[1], ARGV[6])
  redis.call('ZREMRANGEBYRANK', key, 0, -(allowed + 1))
  redis.call('PEXPIRE', key, ARGV[2])
end
add(KEYS[3], tonumber(ARGV[3]))
add(KEYS[4], tonumber(ARGV[4]))
return 0
"""
)

# KEYS account, pending, known; ARGV now, how long a login is known.
SUCCEEDED = (
    ENDED
    + """
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return 0
"""
)


class RedisLogins:
    """`MemoryLogins`' methods, answered from Redis (errors propagate: the caller falls back)."""

    def __init__(self, clock: Clock, settings: Settings) -> None:
        assert settings.redis_url is not None
        self.clock = clock
        self.rules = LoginRules.of(settings)
        self.prefix = "guanxi:login"
        self._redis = connect(settings.redis_url)
        self._begin: Any = self._redis.register_script(BEGIN)
        self._failed: Any = self._redis.register_script(FAILED)
        self._succeeded: Any = self._redis.register_script(SUCCEEDED)
        self._ended: Any = self._redis.register_script(ENDED + "return 0")

    def start(self, settings: Settings) -> None:
        self.prefix = redis_prefix(settings, "login")

    async def close(self) -> None:
        await self._redis.aclose()

    async def begin(self, handle: str, address: str) -> int:
        keys = [*self._account(handle), self._address(address), self._everywhere()]
        keys.append(f"{self.prefix}:k:{len(handle)}:{handle}:{address}")
        rules = self.rules
        limits = (rules.free, rules.max_delay_ms, rules.window_ms, rules.per_address)
        args = (self.clock.now_ms(), *limits, rules.globally, KNOWN_MEMORY_MS, PENDING_MEMORY_MS)
        return int(await self._begin(keys=keys, args=args))

    async def abandoned(self, handle: str) -> None:
        await self._ended(keys=self._account(handle))

    async def failed(self, handle: str, address: str) -> None:
        keys = [*self._account(handle), self._address(address), self._everywhere()]
        rules = self.rules
        limits = (rules.window_ms, rules.per_address, rules.globally, ACCOUNT_MEMORY_MS)
        await self._failed(keys=keys, args=(self.clock.now_ms(), *limits, secrets.token_hex(8)))

    async def succeeded(self, handle: str, address: str) -> None:
        keys = [*self._account(handle), f"{self.prefix}:k:{len(handle)}:{handle}:{address}"]
        await self._succeeded(keys=keys, args=(self.clock.now_ms(), KNOWN_MEMORY_MS))

    def _account(self, handle: str) -> list[str]:
        return [f"{self.prefix}:a:{handle}", f"{self.prefix}:p:{handle}"]

    def _address(self, address: str) -> str:
        return f"{self.prefix}:ip:{address}"

    def _everywhere(self) -> str:
        return f"{self.prefix}:all"
