"""The caps on events sockets per user and per session, counted in Redis by every worker.

Each worker's hub caps the sockets it holds (realtime/hub.py); with `redis_url` set a socket
also takes a seat in Redis before it subscribes, so the caps hold over all workers together.
A user's seats are a sorted set `<prefix>:u:<user id>` (a session's, `<prefix>:s:<session
id>`) of seat ids scored by when they run out: the worker that holds a socket refreshes its
seat every `SEAT_SECONDS / 3`, and closing the socket gives the seat back, so a killed
worker's seats are free again within `SEAT_SECONDS`. Times are Redis's own clock, the same for
every worker. When Redis fails the socket is let in (the hub's caps still hold per worker)
and a warning is logged.
"""

from __future__ import annotations

import secrets
from typing import Any

from redis.exceptions import RedisError

from guanxi.periodic import Periodic
from guanxi.ratelimit.shared import Complaints, connect, redis_prefix
from guanxi.realtime.hub import too_many_for_session, too_many_for_user
from guanxi.settings import Settings

SEAT_SECONDS = 60.0
REFRESH_BATCH = 500
NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# KEYS user's seats, session's seats; ARGV seat, lifetime (ms), per user, per session.
# Returns {0, 0} with the seat taken, or {1 or 2 (the user's or the session's cap), seats held}.
TAKE = (
    NOW
    + """
local counts = {}
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= tonumber(ARGV[i + 2]) then return {i, counts[i]} end
end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return {0, 0}
"""
)

# KEYS the seats' (user's, session's) pairs; ARGV lifetime (ms), then each pair's seat. A seat
# given back meanwhile is not taken again (XX).
REFRESH = (
    NOW
    + """
for i = 2, #ARGV do
  for j = 2 * i - 3, 2 * i - 2 do
    redis.call('ZADD', KEYS[j], 'XX', now + tonumber(ARGV[1]), ARGV[i])
    redis.call('PEXPIRE', KEYS[j], ARGV[1])
  end
end
return 0
"""
)


class SocketSeats:
    def __init__(self, settings: Settings, seconds: float = SEAT_SECONDS) -> None:
        self.settings = settings
        self.caps = (settings.sockets_per_user, settings.sockets_per_session)
        self.lifetime_ms = int(seconds * 1000)
        self.prefix = "guanxi:sockets"
        self._held: dict[str, tuple[int, int]] = {}  # seat → (user id, session id)
        self._redis = connect(settings.redis_url) if settings.redis_url else None
        self.refresher = Periodic("socket seats", seconds / 3, self.refresh)
        self._complaints = Complaints("socket caps are per worker")
        if self._redis is not None:
            self._take: Any = self._redis.register_script(TAKE)
            self._refresh: Any = self._redis.register_script(REFRESH)

    def start(self) -> None:
        if self._redis is not None:
            self.prefix = redis_prefix(self.settings, "sockets")
            self.refresher.start()

    async def close(self) -> None:
        await self.refresher.stop()
        if self._redis is not None:
            await self._redis.aclose()

    async def take(self, user_id: int, session_id: int) -> str | None:
        """A seat for one more socket (None without Redis), or `RateLimited` past a cap."""
        if self._redis is None:
            return None
        seat = secrets.token_hex(8)
        try:
            refused, held = await self._take(
                keys=self._keys(user_id, session_id), args=(seat, self.lifetime_ms, *self.caps)
            )
        except (RedisError, OSError) as exc:
            self._complaints.about(exc)
            return None
        if refused:
            raise too_many_for_user(held) if refused == 1 else too_many_for_session(held)
        self._held[seat] = (user_id, session_id)
        return seat

    async def give_back(self, seat: str | None) -> None:
        held = self._held.pop(seat, None) if seat is not None else None
        if seat is None or held is None or self._redis is None:
            return
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for key in self._keys(*held):
                    pipe.zrem(key, seat)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._complaints.about(exc)

    async def refresh(self) -> None:
        """Keep this worker's seats taken for another `SEAT_SECONDS`."""
        seats = list(self._held.items())
        for start in range(0, len(seats), REFRESH_BATCH):
            batch = seats[start : start + REFRESH_BATCH]
            keys = [key for _, (user, session) in batch for key in self._keys(user, session)]
            args = [self.lifetime_ms, *(seat for seat, _ in batch)]
            try:
                await self._refresh(keys=keys, args=args)
            except (RedisError, OSError) as exc:
                self._complaints.about(exc)

    def _keys(self, user_id: int, session_id: int) -> list[str]:
        return [f"{self.prefix}:u:{user_id}", f"{self.prefix}:s:{session_id}"]
