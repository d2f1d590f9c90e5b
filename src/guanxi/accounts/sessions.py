"""Sessions: opening one per login, recognising its token, ending it everywhere.

A session expires after `session_idle_days` without use (sliding: each use moves it on). A
token checked once is trusted for `session_cache_seconds` without asking the database again,
and a session's `last_used_at` is written at most every `TOUCH_MS`, so using a session costs
no write per request. Ending sessions deletes their rows, drops them from this worker's cache
and publishes `session.ended` for each, which closes their WebSockets on every worker and
drops them from every worker's cache (`forget_session`, called by the hub).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from guanxi.accounts import store_sessions as store
from guanxi.accounts.events import SESSION_ENDED, SessionEnded
from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import Unauthorized
from guanxi.eventlog.service import publish_control
from guanxi.ids import token_hash
from guanxi.realtime.broker import Broker
from guanxi.settings import Settings

TOUCH_MS = 5 * 60 * 1000  # how stale last_used_at may get before a use writes it again
CACHE_MAX = 100_000


class Sessions:
    def __init__(self, db: Database, clock: Clock, settings: Settings, broker: Broker) -> None:
        self.db = db
        self.clock = clock
        self.broker = broker
        self.idle_ms = settings.session_idle_days * 24 * 3600 * 1000
        self.per_user = settings.sessions_per_user_max
        self._cache_ms = settings.session_cache_seconds * 1000
        self._cache: dict[str, tuple[int, Principal]] = {}

    async def open(self, tx: Tx, user_id: int, token: str, device: str, address: str) -> list[int]:
        """Inside a write unit: a new session for the user. Past `sessions_per_user_max`, the
        least recently used ones are deleted: their ids are returned, for `ended` after the
        commit."""
        crowded = await store.count_sessions(tx.conn, user_id) + 1 - self.per_user
        dropped: list[int] = []
        if crowded > 0:
            dropped = await store.list_least_recent_session_ids(tx.conn, user_id, crowded)
            await store.delete_sessions(tx.conn, user_id, dropped)
        await store.insert_session(
            tx.conn,
            user_id=user_id,
            token_hash=token_hash(token),
            device=device[:100],
            address=address[:64],
            created_at=self.clock.now_ms(),
        )
        return dropped

    async def authenticate(self, token: str) -> Principal:
        key = token_hash(token)
        now = self.clock.now_ms()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self.db.read() as conn:
            found = await store.get_session_user(conn, key)
        if found is None or found[1].is_disabled or found[1].is_deleted:
            raise Unauthorized("Log in first: the token is missing, wrong or revoked.")
        session, user = found
        if now - session.last_used_at > self.idle_ms:
            await self.end(user.id, [session.id])
            raise Unauthorized("The session expired: log in again.", "session_expired")
        if now - session.last_used_at > TOUCH_MS:
            await self._touch(user.id, session.id, now)
        principal = Principal(user=user, session_id=session.id)
        if len(self._cache) > CACHE_MAX:
            self._cache.clear()
        self._cache[key] = (now + self._cache_ms, principal)
        return principal

    async def _touch(self, user_id: int, session_id: int, now: int) -> None:
        async def unit(tx: Tx) -> None:
            await store.touch_session(tx.conn, user_id, session_id, now)

        await self.db.write(unit)

    async def end(self, user_id: int, session_ids: list[int]) -> None:
        """Delete these sessions of the user (others' ids are ignored), then `ended`."""

        async def unit(tx: Tx) -> None:
            await store.delete_sessions(tx.conn, user_id, session_ids)

        await self.db.write(unit)
        self.ended(user_id, session_ids)

    def ended(self, user_id: int, session_ids: Iterable[int]) -> None:
        """After the commit that deleted them: forget the sessions here, close their sockets
        on every worker."""
        ids = set(session_ids)
        self.forget(lambda p: p.session_id in ids)
        for session_id in ids:
            payload = SessionEnded(session_id=session_id)
            publish_control(self.broker, SESSION_ENDED, payload, recipients=(user_id,))

    def forget_session(self, session_id: int) -> None:
        """A session ended, here or on another worker (`session.ended`): its token is checked
        against the database again, and refused."""
        self.forget(lambda p: p.session_id == session_id)

    def forget(self, which: Callable[[Principal], bool]) -> None:
        """Drop cached principals (a changed profile, ended sessions)."""
        for key in [k for k, (_, p) in self._cache.items() if which(p)]:
            del self._cache[key]
