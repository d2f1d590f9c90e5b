"""Hashing and checking passwords (Argon2id), on threads of their own.

Every hash runs in a small bounded pool (`guanxi.threads.BoundedThreadPool`): a flood of
logins waits there or is refused with 429, and never holds up the threads that read files.
A login for a handle that does not exist checks a dummy hash, so it costs the same time.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from guanxi.errors import InvalidInput
from guanxi.settings import Settings
from guanxi.threads import BoundedThreadPool

JOB_SECONDS = 0.1  # about one Argon2id hash at the production cost, for Retry-After
STRENGTH_CHARS = 72  # zxcvbn's own limit; its matching grows fast with length
NOT_LETTERS = re.compile(r"[\W_]+")


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
        self.min_score = settings.password_min_score

    async def hash(self, password: str) -> str:
        return await self.pool.run(self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; None (no such user, no password) never does, after
        spending the same time as a real check."""
        if password_hash is None:
            password_hash = await self._dummy()
            password = password + "\0"
        return await self.pool.run(self._verify, password_hash, password)

    async def check_strength(self, password: str, *, handle: str, display_name: str) -> None:
        """Refuse the handle (or the display name) as a password, and anything zxcvbn guesses
        easily (common passwords, keyboard walks, repeats, dates, the handle with a few
        characters added). zxcvbn is Python and takes up to ~60 ms, so it runs in the pool."""
        if _letters(password) in {_letters(handle), _letters(display_name)} - {""}:
            raise InvalidInput("A password must not be your handle or name.", "weak_password")
        inputs = [handle, display_name, *handle.split("."), *display_name.split()]
        result = await self.pool.run(zxcvbn, password[:STRENGTH_CHARS], inputs)
        if result["score"] < self.min_score:
            hint = result["feedback"]["warning"] or "It is easy to guess."
            raise InvalidInput(
                f"Choose a stronger password. {hint} A few uncommon words together are"
                " strong and easy to remember.",
                "weak_password",
            )

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


def _letters(text: str) -> str:
    return NOT_LETTERS.sub("", text.casefold())


def below_production_cost(settings: Settings) -> list[str]:
    """The Argon2 cost settings set lower than their defaults, which are the production cost."""
    names = ("password_hash_time_cost", "password_hash_memory_kib")
    return [n for n in names if getattr(settings, n) < Settings.model_fields[n].default]
