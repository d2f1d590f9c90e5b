"""Time, in integer milliseconds since the epoch (UTC). Tests may swap the clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FixedClock(Clock):
    """A clock that moves only when told to; for tests of time windows."""

    def __init__(self, start_ms: int) -> None:
        self.current = start_ms

    def now_ms(self) -> int:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += int(seconds * 1000)


def iso(ms: int | None) -> str | None:
    """Milliseconds since the epoch as ISO 8601 UTC, or None."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")
