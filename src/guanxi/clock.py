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


_last_second: tuple[int, str] = (0, "1970-01-01T00:00:00")


def iso(ms: int | None) -> str | None:
    """Milliseconds since the epoch as ISO 8601 UTC (`2026-11-25T09:50:12.345+00:00`), or None.

    Every message and event carries a few of these; formatting the second once and reusing
    it for the rest of that second makes it about ten times cheaper."""
    global _last_second
    if ms is None:
        return None
    second, milli = divmod(ms, 1000)
    if _last_second[0] != second:
        whole = datetime.fromtimestamp(second, tz=UTC).isoformat(timespec="seconds")
        _last_second = (second, whole[:-6])  # without "+00:00"
    return f"{_last_second[1]}.{milli:03d}+00:00"
