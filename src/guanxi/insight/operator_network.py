"""The community's network figures from the per-pair sums: stability over windows, circle
sizes and who is in whose inner circle. The formulas are insight's (stability.py,
circles.py); this file only gathers their inputs per ego."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from statistics import mean, median
from typing import Any

import numpy as np

from guanxi.insight.circles import CIRCLE_NAMES, circles
from guanxi.insight.operator_pairs import DirectPairs, PairStats, WindowCounts
from guanxi.insight.stability import jaccard, jsd, signature, tie_survival

YEAR_MS = 365.25 * 86_400_000
MIN_LIFETIME_MS = 30 * 86_400_000  # a pair younger than a month counts as a month old
SIZE_BINS = ((1, 1), (2, 2), (3, 5), (6, 15), (16, 50), (51, 150), (151, None))


def _median(values: list[float]) -> float | None:
    return median(values) if values else None


def _mean(values: list[float]) -> float | None:
    return mean(values) if values else None


def stability(pairs: DirectPairs, windows: WindowCounts) -> dict[str, Any]:
    """Ego Jaccard and signature JSD between consecutive windows, tie survival."""
    alters: dict[tuple[int, int], set[int]] = defaultdict(set)
    sent: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    ties: dict[int, set[int]] = defaultdict(set)
    for p, from_low, window, n in windows.entries():
        low, high = int(pairs.low[p]), int(pairs.high[p])
        alters[(low, window)].add(high)
        alters[(high, window)].add(low)
        ego, alter = (low, high) if from_low else (high, low)
        sent[(ego, window)][alter] = n
        ties[window].add(p)
    egos = [
        jaccard(alters[(ego, w)], alters[(ego, w + 1)])
        for ego, w in sorted(alters)
        if (ego, w + 1) in alters
    ]
    last = max(ties, default=0)
    survival = [tie_survival(ties[w], ties.get(w + 1, set())) for w in sorted(ties) if w < last]
    return {
        "window_days": windows.length_ms // 86_400_000,
        "windows": last + 1 if ties else 0,
        "median_ego_jaccard": _median(egos),
        "mean_ego_jaccard": _mean(egos),
        "mean_tie_survival": _mean(survival),
        **_signatures(sent),
    }


def _signatures(sent: dict[tuple[int, int], dict[int, int]]) -> dict[str, float | None]:
    """Median JSD of an ego's signatures in consecutive windows (self), and of two egos'
    signatures in the same window (reference: each ego with the next by id)."""
    shapes = {key: signature(counts) for key, counts in sent.items()}
    own = [
        jsd(shape, shapes[(ego, w + 1)])
        for (ego, w), shape in shapes.items()
        if (ego, w + 1) in shapes
    ]
    by_window: dict[int, list[list[float]]] = defaultdict(list)
    for (_, w), shape in sorted(shapes.items(), key=lambda item: (item[0][1], item[0][0])):
        by_window[w].append(shape)
    others = [jsd(a, b) for row in by_window.values() for a, b in pairwise(row)]
    return {"median_self_jsd": _median(own), "median_reference_jsd": _median(others)}


def frequencies(pairs: DirectPairs, stats: PairStats, now_ms: int) -> dict[int, dict[int, float]]:
    """Per ego, each alter's interactions per year of the pair's life (first interaction to
    now, at least a month)."""
    result: dict[int, dict[int, float]] = defaultdict(dict)
    for p in np.flatnonzero(stats.interactions > 0).tolist():
        life = max(now_ms - int(stats.first_interaction[p]), MIN_LIFETIME_MS)
        per_year = float(stats.interactions[p]) * YEAR_MS / life
        low, high = int(pairs.low[p]), int(pairs.high[p])
        result[low][high] = per_year
        result[high][low] = per_year
    return result


def circle_figures(
    per_ego: dict[int, dict[int, float]],
) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    """The distribution of each circle's size over egos with an active network, and the
    (ego, alter) pairs of every support clique."""
    sizes: list[list[int]] = [[] for _ in CIRCLE_NAMES]
    inner: set[tuple[int, int]] = set()
    for ego, alters in sorted(per_ego.items()):
        rings = circles(alters, k=len(CIRCLE_NAMES))
        if not rings[-1]:
            continue
        for j, ring in enumerate(rings):
            sizes[j].append(len(ring))
        inner.update((ego, alter) for alter in rings[0])
    return [
        _distribution(name, found) for name, found in zip(CIRCLE_NAMES, sizes, strict=True)
    ], inner


def _bin_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}" if low == high else f"{low}-{high}"


def _distribution(name: str, sizes: list[int]) -> dict[str, Any]:
    return {
        "name": name,
        "egos": len(sizes),
        "mean": _mean([float(s) for s in sizes]),
        "median": _median([float(s) for s in sizes]),
        "histogram": [
            {
                "sizes": f"{low}"
                if low == high
                else f"{low}+"
                if high is None
                else f"{low}-{high}",
                "egos": sum(1 for s in sizes if s >= low and (high is None or s <= high)),
            }
            for low, high in SIZE_BINS
        ],
    }
