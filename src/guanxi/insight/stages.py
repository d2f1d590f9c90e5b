"""The stages of a pair: contact -> relationship -> close; "fading" flags a relationship.

A relationship: interactions in at least `min_weeks` distinct ISO weeks spanning at least
`min_span_days`. Fading: silence longer than max(factor x own mean gap, floor), at most cap
(Navarro et al., EPJ Data Science 2017)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# 1970-01-01 was a Thursday: shifting by three days starts each week index on a Monday.
_MONDAY_SHIFT_MS = 3 * DAY_MS

STAGES = ("contact", "relationship", "close")


def iso_week(ms: int) -> int:
    """The ISO week of a UTC instant as ISO year * 100 + week (2026-W49 -> 202649)."""
    return _iso_week_of_index(week_index(ms))


def iso_weeks(times: Iterable[int]) -> set[int]:
    """The ISO weeks of many instants: the calendar is consulted once per distinct week (the
    follower asks for every pending message of a batch's pairs, thousands of instants in a
    handful of weeks)."""
    return {_iso_week_of_index(index) for index in set(map(week_index, times))}


@lru_cache(maxsize=4096)
def _iso_week_of_index(index: int) -> int:
    """The ISO week (year * 100 + week) of the week `week_index` numbers `index`: that of its
    Monday. A week index names one ISO week, so the answer is remembered per index."""
    monday = _EPOCH + timedelta(milliseconds=index * WEEK_MS - _MONDAY_SHIFT_MS)
    year, week, _ = monday.isocalendar()
    return year * 100 + week


def week_index(ms: int) -> int:
    """Weeks (Monday to Sunday, UTC) since the epoch: one number per ISO week, consecutive."""
    return (ms + _MONDAY_SHIFT_MS) // WEEK_MS


def is_relationship(
    distinct_weeks: int,
    first_ms: int,
    last_ms: int,
    *,
    min_weeks: int = 3,
    min_span_days: float = 14,
) -> bool:
    """Interactions in >= min_weeks distinct weeks, first to last >= min_span_days (inclusive)."""
    return distinct_weeks >= min_weeks and last_ms - first_ms >= min_span_days * DAY_MS


def fading_after_ms(
    mean_gap_ms: float | None,
    *,
    factor: float = 8,
    floor_days: float = 14,
    cap_days: float = 90,
) -> int:
    """How long a relationship may be silent before it is fading.

    No known gap (a single interaction) counts as a gap of zero: the floor applies."""
    own = factor * (mean_gap_ms or 0.0)
    return int(min(max(own, floor_days * DAY_MS), cap_days * DAY_MS))


def is_fading(
    last_ms: int,
    now_ms: int,
    mean_gap_ms: float | None,
    *,
    factor: float = 8,
    floor_days: float = 14,
    cap_days: float = 90,
) -> bool:
    """True when the silence since `last_ms` is longer than `fading_after_ms` (strictly)."""
    limit = fading_after_ms(mean_gap_ms, factor=factor, floor_days=floor_days, cap_days=cap_days)
    return now_ms - last_ms > limit
