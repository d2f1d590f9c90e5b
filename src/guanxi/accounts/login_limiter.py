"""Counts failed logins per handle and address, so passwords cannot be guessed fast."""

from __future__ import annotations

from collections import defaultdict, deque

from guanxi.clock import Clock


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
        self._failures[(handle, address)].append(self.clock.now_ms())

    def succeeded(self, handle: str, address: str) -> None:
        self._failures.pop((handle, address), None)
