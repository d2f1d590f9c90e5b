"""Counts failed logins per handle and address, so passwords cannot be guessed fast."""

from __future__ import annotations

from collections import defaultdict, deque

from guanxi.clock import Clock

MAX_TRACKED = 100_000


class LoginLimiter:
    def __init__(self, clock: Clock, attempts: int, window_seconds: int) -> None:
        self.clock = clock
        self.attempts = attempts
        self.window_ms = window_seconds * 1000
        self._failures: dict[tuple[str, str], deque[int]] = defaultdict(deque)

    def allowed(self, handle: str, address: str) -> bool:
        failures = self._failures.get((handle, address))
        if not failures:
            return True
        horizon = self.clock.now_ms() - self.window_ms
        while failures and failures[0] < horizon:
            failures.popleft()
        return len(failures) < self.attempts

    def failed(self, handle: str, address: str) -> None:
        if len(self._failures) >= MAX_TRACKED:
            self._forget_stale()
        self._failures[(handle, address)].append(self.clock.now_ms())

    def _forget_stale(self) -> None:
        """Keep memory bounded: drop every pair whose failures are all outside the window."""
        horizon = self.clock.now_ms() - self.window_ms
        for key in [k for k, v in self._failures.items() if not v or v[-1] < horizon]:
            del self._failures[key]

    def succeeded(self, handle: str, address: str) -> None:
        self._failures.pop((handle, address), None)
