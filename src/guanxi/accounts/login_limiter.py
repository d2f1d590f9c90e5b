"""Failed logins, counted three ways, so passwords cannot be guessed fast from anywhere.

- **Per account**, from any address: after `login_attempts` failures each further try waits
  (1 s, then 2, 4, … up to `login_max_delay_seconds`). A delay, never a lock: an attacker can
  slow the real owner down by at most that long, and a success clears the count.
- **Per address**: at most `login_address_failures` failures in `login_window_seconds`.
- **Everywhere**: at most `login_global_failures` failures in the window, all accounts and
  addresses together (a guessing campaign from many addresses).

The address and global limits do not hold up a handle that has logged in successfully from
that address before (in this process's memory), so one person guessing behind a school's or
an office's shared address does not lock everyone else there out. The account delay applies
to everyone. Memory is bounded: entries with nothing left to say are dropped.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from typing import TypeVar

from guanxi.clock import Clock
from guanxi.errors import RateLimited
from guanxi.settings import Settings

MAX_TRACKED = 100_000  # handles, addresses and known (handle, address) pairs, each
ACCOUNT_MEMORY_MS = 24 * 3600 * 1000  # an account's failures are forgotten a day after the last
KNOWN_MEMORY_MS = 30 * 24 * 3600 * 1000  # a successful (handle, address) is known for 30 days
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class AccountFailures:
    count: int
    last_ms: int


class LoginLimiter:
    def __init__(self, clock: Clock, settings: Settings) -> None:
        self.clock = clock
        self.free = settings.login_attempts
        self.max_delay_ms = settings.login_max_delay_seconds * 1000
        self.window_ms = settings.login_window_seconds * 1000
        self.per_address = settings.login_address_failures
        self.globally = settings.login_global_failures
        self._accounts: OrderedDict[str, AccountFailures] = OrderedDict()
        self._addresses: OrderedDict[str, deque[int]] = OrderedDict()
        self._everywhere: deque[int] = deque(maxlen=self.globally)
        self._known: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._pending: Counter[str] = Counter()  # tries being checked now, per handle

    def begin(self, handle: str, address: str) -> None:
        """Raise `RateLimited` (with how long to wait) if this try may not be made now; else
        count it as under way until `failed`, `succeeded` or `abandoned` is called, so tries
        made at the same moment cannot all slip through before the first one fails."""
        self._check(handle, address)
        self._pending[handle] += 1

    def abandoned(self, handle: str) -> None:
        """The try ended without an answer on the password (the server was busy)."""
        self._pending[handle] -= 1
        if self._pending[handle] <= 0:
            del self._pending[handle]

    def _check(self, handle: str, address: str) -> None:
        now = self.clock.now_ms()
        wait_ms = self._account_wait(handle, now)
        if not self._is_known(handle, address, now):
            wait_ms = max(wait_ms, self._address_wait(address, now), self._global_wait(now))
        if wait_ms > 0:
            raise RateLimited(
                "Too many failed logins; wait a little and try again.",
                "too_many_logins",
                retry_after=math.ceil(wait_ms / 1000),
            )

    def failed(self, handle: str, address: str) -> None:
        self.abandoned(handle)
        now = self.clock.now_ms()
        account = self._accounts.pop(handle, None) or AccountFailures(0, now)
        if now - account.last_ms > ACCOUNT_MEMORY_MS:
            account.count = 0
        account.count += 1
        account.last_ms = now
        self._remember(self._accounts, handle, account)
        times = self._addresses.pop(address, None) or deque(maxlen=self.per_address)
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
        if failures < self.free:
            return 0
        delay = min(self.max_delay_ms, 1000 << min(failures - self.free, 40))
        last = now if pending else account.last_ms  # a try under way may fail any moment
        return last + delay - now

    def _address_wait(self, address: str, now: int) -> int:
        times = self._addresses.get(address)
        if times is None:
            return 0
        return self._window_wait(times, self.per_address, now)

    def _global_wait(self, now: int) -> int:
        return self._window_wait(self._everywhere, self.globally, now)

    def _window_wait(self, times: deque[int], allowed: int, now: int) -> int:
        """How long until fewer than `allowed` of these failures are inside the window."""
        while times and times[0] <= now - self.window_ms:
            times.popleft()
        if len(times) < allowed:
            return 0
        return times[len(times) - allowed] + self.window_ms - now

    def _is_known(self, handle: str, address: str, now: int) -> bool:
        since = self._known.get((handle, address))
        return since is not None and now - since < KNOWN_MEMORY_MS

    @staticmethod
    def _remember(table: OrderedDict[K, V], key: K, value: V) -> None:
        """Put `key` last (most recent); past MAX_TRACKED, forget the least recent."""
        table[key] = value
        while len(table) > MAX_TRACKED:
            table.popitem(last=False)
