"""Hashing and checking passwords (Argon2id), on threads of their own.

Every hash runs in a small bounded pool (`guanxi.threads.BoundedThreadPool`): a flood of
logins waits there or is refused with 429, and never holds up the threads that read files.
A login for a handle that does not exist checks a dummy hash, so it costs the same time.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from guanxi.settings import Settings
from guanxi.threads import BoundedThreadPool

JOB_SECONDS = 0.1  # about one Argon2id hash at the production cost, for Retry-After


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self.hasher = PasswordHasher(
            time_cost=settings.password_hash_time_cost,
            memory_cost=settings.password_hash_memory_kib,
            parallelism=settings.password_hash_parallelism,
        )
        self.pool = BoundedThreadPool(
            "guanxi-passwords",
            settings.password_hash_threads,
            settings.password_hash_queue,
            JOB_SECONDS,
        )
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self.pool.run(self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; None (no such user, no password) never does, after
        spending the same time as a real check."""
        if password_hash is None:
            password_hash = await self._dummy()
            password = password + "\0"
        return await self.pool.run(self._verify, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """Hashed with other Argon2 parameters than today's: hash again at the next login."""
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("not-a-password")
        return self._dummy_hash

    def close(self) -> None:
        self.pool.close()


def below_production_cost(settings: Settings) -> list[str]:
    """The Argon2 cost settings set lower than their defaults, which are the production cost."""
    names = ("password_hash_time_cost", "password_hash_memory_kib")
    return [n for n in names if getattr(settings, n) < Settings.model_fields[n].default]
