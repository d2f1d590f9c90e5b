"""From a user's stored pair states to what their insight pages say: strength, stage, circle,
fading. Pure; the service reads the rows and hands them here with the time of reading."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from guanxi.insight.circles import CIRCLE_NAMES, circles
from guanxi.insight.follower_apply import DAY_MS, half_life_key
from guanxi.insight.models import PairState
from guanxi.insight.score import HALF_LIFE_DAYS, balance, decay, strength
from guanxi.insight.stages import is_fading, is_relationship
from guanxi.settings import Settings

YEAR_MS = 365.25 * DAY_MS
MIN_LIFETIME_MS = 28 * DAY_MS  # a pair younger than this is measured over 28 days


@dataclass(frozen=True, kw_only=True)
class Judged:
    """One pair as the owner's pages show it."""

    alter_id: int
    score: float
    strength: float
    stage: str
    circle: str | None
    fading: bool
    silent_days: int | None
    last_interaction_at: int | None


def half_life_for(role: str | None, settings: Settings) -> float:
    if role is not None and role in HALF_LIFE_DAYS and role != "default":
        return HALF_LIFE_DAYS[role]
    return settings.insight_half_life_days


def score_now(state: PairState, role: str | None, now: int, settings: Settings) -> float:
    """The pair's score read now, times its balance (one-way contact stays weak)."""
    h = half_life_for(role, settings)
    stored = state.scores.get(half_life_key(h), 0.0)
    return decay(stored, state.score_at, now, h) * balance(state.sent, state.received)


def frequency(state: PairState, now: int) -> float:
    """Interactions per year of the pair's lifetime (from its first interaction to now)."""
    if state.first_interaction_at is None:
        return 0.0
    lifetime = max(now - state.first_interaction_at, MIN_LIFETIME_MS)
    return state.interactions / (lifetime / YEAR_MS)


def mean_gap(state: PairState) -> float | None:
    """The mean gap between interactions: their span over their number less one."""
    first, last = state.first_interaction_at, state.last_interaction_at
    if first is None or last is None or state.interactions < 2:
        return None
    return (last - first) / (state.interactions - 1)


def circle_members(states: list[PairState], now: int, settings: Settings) -> list[list[int]]:
    """The user's circles (alter ids), innermost first, cumulative."""
    freqs = {s.alter_id: frequency(s, now) for s in states}
    return circles(freqs, k=len(CIRCLE_NAMES), min_per_year=settings.insight_circle_min_per_year)


def judge(
    states: list[PairState], roles: Mapping[int, str], now: int, settings: Settings
) -> dict[int, Judged]:
    scores = {s.alter_id: score_now(s, roles.get(s.alter_id), now, settings) for s in states}
    positive = [v for v in scores.values() if v > 0]
    s0 = statistics.median(positive) if positive else 0.0
    rings = circle_members(states, now, settings)
    inner = set(rings[0]) if rings else set()
    circle_of: dict[int, str] = {}
    for name, members in reversed(list(zip(CIRCLE_NAMES, rings, strict=False))):
        circle_of.update(dict.fromkeys(members, name))
    return {
        s.alter_id: _judge_one(s, scores[s.alter_id], s0, inner, circle_of, now, settings)
        for s in states
    }


def _judge_one(
    s: PairState,
    score: float,
    s0: float,
    inner: set[int],
    circle_of: Mapping[int, str],
    now: int,
    settings: Settings,
) -> Judged:
    last = s.last_interaction_at
    related = last is not None and is_relationship(
        s.distinct_weeks,
        s.first_interaction_at or last,
        last,
        min_weeks=settings.insight_relationship_min_weeks,
        min_span_days=settings.insight_relationship_min_span_days,
    )
    fading = (
        related
        and last is not None
        and is_fading(
            last,
            now,
            mean_gap(s),
            factor=settings.insight_fading_factor,
            floor_days=settings.insight_fading_floor_days,
            cap_days=settings.insight_fading_cap_days,
        )
    )
    stage = "close" if related and s.alter_id in inner else "relationship" if related else "contact"
    return Judged(
        alter_id=s.alter_id,
        score=score,
        strength=round(strength(score, s0), 6),
        stage=stage,
        circle=circle_of.get(s.alter_id),
        fading=fading,
        silent_days=None if last is None else max(0, now - last) // DAY_MS,
        last_interaction_at=last,
    )


def feedback_share(states: list[PairState]) -> dict[str, float | None]:
    """The share of the user's messages that got feedback within 1 h, 24 h, 7 d, ever."""
    sent = sum(s.feedback.get("sent", 0) for s in states)
    names = ("1h", "24h", "7d", "ever")
    if sent == 0:
        return dict.fromkeys(names)
    return {name: sum(s.feedback.get(name, 0) for s in states) / sent for name in names}
