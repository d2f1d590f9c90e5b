"""Stability of ego networks: Jaccard overlap, tie survival and the social signature.

Social signature (Saramaki et al., PNAS 2014): the share of an ego's interactions going to
the alter of rank r, for the top ranks; compared by Jensen-Shannon divergence (base 2)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any


def jaccard(a: AbstractSet[Any], b: AbstractSet[Any]) -> float:
    """|a & b| / |a | b|; 0.0 when both are empty (never NaN)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def tie_survival(before: AbstractSet[Any], after: AbstractSet[Any]) -> float:
    """The share of `before` still in `after`; 0.0 when `before` is empty."""
    return len(before & after) / len(before) if before else 0.0


def signature(counts: Mapping[Any, int], top: int = 20) -> list[float]:
    """Shares of all interactions by alter rank (largest first), `top` long, zero padded."""
    total = sum(counts.values())
    ranked = sorted(counts.values(), reverse=True)[:top]
    shares = [c / total for c in ranked] if total else []
    return shares + [0.0] * (top - len(shares))


def jsd(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence in bits, in [0, 1]; each side is normalised to sum 1 first.

    Two empty (all-zero) sides are identical (0.0); one empty side is as far as can be (1.0)."""
    size = max(len(p), len(q))
    a = _normalised(list(p) + [0.0] * (size - len(p)))
    b = _normalised(list(q) + [0.0] * (size - len(q)))
    if a is None or b is None:
        return 0.0 if a is None and b is None else 1.0
    middle = [(x + y) / 2 for x, y in zip(a, b, strict=True)]
    return min(1.0, max(0.0, (_kl(a, middle) + _kl(b, middle)) / 2))


def _normalised(values: list[float]) -> list[float] | None:
    total = sum(values)
    return [v / total for v in values] if total > 0 else None


def _kl(p: list[float], q: list[float]) -> float:
    return sum(x * math.log2(x / y) for x, y in zip(p, q, strict=True) if x > 0)
