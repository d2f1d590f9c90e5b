"""Tie strength: a decayed score updated in O(1) per event (docs/insight.md, "Tie strength").

`s <- s * 2^(-dt/h) + c(event)`, read at time T as `s * 2^(-(T - t_last)/h)`; shown as
`1 - exp(-s/s0)` with s0 the median of the user's scores, times the pair's balance."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

DAY_MS = 86_400_000

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "answered": 1.0,  # a message that got feedback
        "reply": 1.0,
        "comment": 0.6,
        "like": 0.3,
        "reaction": 0.3,
        "unanswered": 0.2,  # a transfer only, not an interaction
    }
)

HALF_LIFE_DAYS: Mapping[str, float] = MappingProxyType(
    {
        "family": 180.0,
        "partner": 60.0,
        "close_friend": 60.0,
        "classmate": 30.0,
        "colleague": 30.0,
        "teacher": 30.0,
        "student": 30.0,
        "acquaintance": 30.0,
        "stranger": 7.0,
        "default": 30.0,
    }
)

ROLE_PRIOR: Mapping[str, float] = MappingProxyType(
    {
        "family": 1.0,
        "partner": 1.0,
        "close_friend": 0.8,
        "classmate": 0.5,
        "colleague": 0.5,
        "teacher": 0.5,
        "student": 0.5,
        "acquaintance": 0.3,
        "stranger": 0.1,
    }
)


def half_life_days(role: str | None) -> float:
    """The half-life for a role; the default for no role or an unknown one."""
    return HALF_LIFE_DAYS.get(role or "default", HALF_LIFE_DAYS["default"])


def decay(score: float, since_ms: int, now_ms: int, half_life_days: float) -> float:
    """The score written at `since_ms`, read at `now_ms` (never grows when now < since)."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    elapsed = max(0, now_ms - since_ms)
    return float(score * 2.0 ** (-elapsed / (half_life_days * DAY_MS)))


def bump(score: float, last_ms: int, now_ms: int, weight: float, half_life_days: float) -> float:
    """The score after one more event of `weight` at `now_ms`."""
    return decay(score, last_ms, now_ms, half_life_days) + weight


def balance(sent: int, received: int) -> float:
    """1 for an even exchange, 0 for one-way contact (and for none)."""
    total = sent + received
    if total <= 0:
        return 0.0
    return 1.0 - abs(sent - received) / total


def strength(score: float, s0: float) -> float:
    """A score shown on 0..1: `1 - exp(-score/s0)`; 0 when s0 (or the score) is not positive."""
    if s0 <= 0 or score <= 0:
        return 0.0
    return 1.0 - math.exp(-score / s0)
