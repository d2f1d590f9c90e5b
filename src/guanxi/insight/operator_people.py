"""The funnel from a friend request to the inner circle, and retention by asset level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from guanxi.insight.operator_pairs import NONE, DirectPairs, PairStats

DAY_MS = 86_400_000
ACTIVE_DAYS = 28  # "still active": put something in within the last four weeks
LEVELS = (
    ("0", 0, 0),
    ("1-9", 1, 9),
    ("10-99", 10, 99),
    ("100-999", 100, 999),
    ("1000+", 1000, None),
)
STEPS = ("requested", "accepted", "first interaction", "relationship", "inner circle")
Pair = tuple[int, int]


@dataclass
class Requests:
    """Per pair of people (low id, high id): the first request, the first acceptance."""

    requested: dict[Pair, int] = field(default_factory=dict)
    accepted: dict[Pair, int] = field(default_factory=dict)

    def add(self, rows: Iterable[Any]) -> None:
        for row in rows:
            key = (min(row.from_user_id, row.to_user_id), max(row.from_user_id, row.to_user_id))
            self.requested[key] = min(self.requested.get(key, row.created_at), row.created_at)
            if row.status == "accepted" and row.answered_at is not None:
                at = min(self.accepted.get(key, row.answered_at), row.answered_at)
                self.accepted[key] = at


def _step(
    name: str, pairs: list[Pair], before: int | None, waits: list[int] | None
) -> dict[str, Any]:
    return {
        "step": name,
        "pairs": len(pairs),
        "conversion": None if before is None else (len(pairs) / before if before else None),
        "median_ms": None if not waits else int(median(waits)),
    }


def funnel(
    requests: Requests, pairs: DirectPairs, stats: PairStats, inner: set[Pair]
) -> list[dict[str, Any]]:
    """Each step's pairs, conversion from the step before and median wait since it (the
    inner circle has no date: circles are the present's, so its wait is null). A pair that
    talked before it became friends waits 0 for its first interaction."""
    index = {
        (int(lo), int(hi)): p for p, (lo, hi) in enumerate(zip(pairs.low, pairs.high, strict=True))
    }
    asked = sorted(requests.requested)
    accepted = [k for k in asked if k in requests.accepted]
    talked = [k for k in accepted if k in index and stats.first_interaction[index[k]] != NONE]
    related = [k for k in talked if stats.relationship_at[index[k]] != NONE]
    close = [k for k in related if k in inner or k[::-1] in inner]
    first = {k: int(stats.first_interaction[index[k]]) for k in talked}
    return [
        _step(STEPS[0], asked, None, None),
        _step(
            STEPS[1],
            accepted,
            len(asked),
            [requests.accepted[k] - requests.requested[k] for k in accepted],
        ),
        _step(
            STEPS[2],
            talked,
            len(accepted),
            [max(0, first[k] - requests.accepted[k]) for k in talked],
        ),
        _step(
            STEPS[3],
            related,
            len(talked),
            [int(stats.relationship_at[index[k]]) - first[k] for k in related],
        ),
        _step(STEPS[4], close, len(related), None),
    ]


@dataclass
class People:
    """Accounts of people, and what each put in (messages, moments, likes, comments)."""

    joined: dict[int, int] = field(default_factory=dict)
    assets: dict[int, int] = field(default_factory=dict)
    last: dict[int, int] = field(default_factory=dict)

    def add_people(self, rows: Iterable[Any]) -> None:
        self.joined.update((row.id, row.created_at) for row in rows)

    def add_activity(self, rows: Iterable[Any]) -> None:
        for user_id, count, last in rows:
            self.assets[user_id] = self.assets.get(user_id, 0) + int(count)
            self.last[user_id] = max(self.last.get(user_id, 0), int(last or 0))


def _within(value: int, low: int, high: int | None) -> bool:
    return low <= value and (high is None or value <= high)


def _active_days(people: People, user: int) -> float:
    joined = people.joined[user]
    return max(0, people.last.get(user, joined) - joined) / DAY_MS


def retention(people: People, now_ms: int) -> list[dict[str, Any]]:
    """Per asset level (everything a person put in): how many, the share still active, and
    the median days from joining to their last activity."""
    rows = []
    for name, low, high in LEVELS:
        members = [
            u
            for u in people.joined
            if low <= people.assets.get(u, 0) and (high is None or people.assets.get(u, 0) <= high)
        ]
        active = [u for u in members if people.last.get(u, 0) >= now_ms - ACTIVE_DAYS * DAY_MS]
        spans = [
            max(0, people.last.get(u, people.joined[u]) - people.joined[u]) / DAY_MS
            for u in members
        ]
        rows.append(
            {
                "level": name,
                "users": len(members),
                "active_share": len(active) / len(members) if members else None,
                "median_active_days": median(spans) if spans else None,
            }
        )
    return rows
