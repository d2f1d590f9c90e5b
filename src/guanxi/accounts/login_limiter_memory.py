"""The login limits (login_limiter.py) counted in this process's memory: one worker, or the
fallback when Redis fails. Bounded: past MAX_TRACKED entries of a kind, the oldest go."""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from typing import TypeVar

from guanxi.clock import Clock
from guanxi.settings import Settings

MAX_TRACKED = 100_000  # handles, addresses and known (handle, address) pairs, each
ACCOUNT_MEMORY_MS = 24 * 3600 * 1000  # an account's failures are forgotten a day after the last
KNOWN_MEMORY_MS = 30 * 24 * 3600 * 1000  # a successful (handle, address) is known for 30 days
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class LoginRules:
    """The limits as the settings give them, in milliseconds."""

    free: int
    max_delay_ms: int
    window_ms: int
    per_address: int
    globally: int

    @classmethod
    def of(cls, settings: Settings) -> LoginRules:
        return cls(
            free=settings.login_attempts,
            max_delay_ms=settings.login_max_delay_seconds * 1000,
            window_ms=settings.login_window_seconds * 1000,
            per_address=settings.login_address_failures,
            globally=settings.login_global_failures,
        )


@dataclass
class AccountFailures:
    count: int
    last_ms: int


class MemoryLogins:
    """The counts in this process's memory (the methods are `LoginLimiter`'s, but `begin`
    answers how many milliseconds to wait, 0 when the try is under way)."""

    def __init__(self, clock: Clock, settings: Settings) -> None:
        self.clock = clock
        self.rules = LoginRules.of(settings)
        self._accounts: OrderedDict[str, AccountFailures] = OrderedDict()
        self._addresses: OrderedDict[str, deque[int]] = OrderedDict()
        self._everywhere: deque[int] = deque(maxlen=self.rules.globally)
        self._known: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._pending: Counter[str] = Counter()  # tries being checked now, per handle

    def begin(self, handle: str, address: str) -> int:
        wait_ms = self._wait(handle, address)
        if wait_ms <= 0:
            self._pending[handle] += 1
        return wait_ms

    def abandoned(self, handle: str) -> None:
        self._pending[handle] -= 1
        if self._pending[handle] <= 0:
            del self._pending[handle]

    def _wait(self, handle: str, address: str) -> int:
        now = self.clock.now_ms()
        wait_ms = self._account_wait(handle, now)
        if not self._is_known(handle, address, now):
            wait_ms = max(wait_ms, self._address_wait(address, now), self._global_wait(now))
        return wait_ms

    def failed(self, handle: str, address: str) -> None:
        self.abandoned(handle)
        now = self.clock.now_ms()
        account = self._accounts.pop(handle, None) or AccountFailures(0, now)
        if now - account.last_ms > ACCOUNT_MEMORY_MS:
            account.count = 0
        account.count += 1
        account.last_ms = now
        self._remember(self._accounts, handle, account)
        times = self._addresses.pop(address, None) or deque(maxlen=self.rules.per_address)
        times.append(now)
        self._remember(self._addresses, address, times)
        self._everywhere.append(now)

    def succeeded(self, handle: str, address: str) -> None:
        self.abandoned(handle)
        self._accounts.pop(handle, None)
        self._known.pop((handle, address), None)
        self._remember(self._known, (handle, address), self.clock.now_ms())

    def _account_wait(self, handle: str, now: int) -> int:
        account = self._accounts.get(handle) or AccountFailures(0, now)
        pending = self._pending[handle]
        failures = account.count + pending
        if failures < self.rules.free:
            return 0
        delay = min(self.rules.max_delay_ms, 1000 << min(failures - self.rules.free, 40))
        last = now if pending else account.last_ms  # a try under way may fail any moment
        return last + delay - now

    def _address_wait(self, address: str, now: int) -> int:
        times = self._addresses.get(address)
        if times is None:
            return 0
        return self._window_wait(times, self.rules.per_address, now)

    def _global_wait(self, now: int) -> int:
        return self._window_wait(self._everywhere, self.rules.globally, now)

    def _window_wait(self, times: deque[int], allowed: int, now: int) -> int:
        """How long until fewer than `allowed` of these failures are inside the window."""
        while times and times[0] <= now - self.rules.window_ms:
            times.popleft()
        if len(times) < allowed:
            return 0
        return times[len(times) - allowed] + self.rules.window_ms - now

    def _is_known(self, handle: str, address: str, now: int) -> bool:
        since = self._known.get((handle, address))
        return since is not None and now - since < KNOWN_MEMORY_MS

    @staticmethod
    def _remember(table: OrderedDict[K, V], key: K, value: V) -> None:
        """Put `key` last (most recent); past MAX_TRACKED, forget the least recent."""
        table[key] = value
        while len(table) > MAX_TRACKED:
            table.popitem(last=False)
