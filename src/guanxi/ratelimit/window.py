"""Limits counted over the last 24 hours (friend requests, group invitations, imports): when a
slot frees again, for `Retry-After`."""

from __future__ import annotations

DAY_MS = 86_400_000


def seconds_until_out(counted_at: int | None, now: int) -> int:
    """Whole seconds (at least 1) until an event counted at `counted_at` leaves a window of
    `created_at >= now - DAY_MS`; a whole day when the store found no such event."""
    if counted_at is None:
        return DAY_MS // 1000
    return max(1, -(-(counted_at + DAY_MS + 1 - now) // 1000))


def in_words(seconds: int) -> str:
    """`5 h` (the nearest hour, from two hours on), `12 min` or `40 s` (rounded up): the wait
    a message names, as the web client words it."""
    if seconds >= 7200:
        return f"{int(seconds / 3600 + 0.5)} h"
    if seconds >= 60:
        return f"{-(-seconds // 60)} min"
    return f"{seconds} s"
