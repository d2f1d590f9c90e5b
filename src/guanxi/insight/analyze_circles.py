"""Circles over a whole log: for each ego with at least `min_alters` reciprocated alters
(alters the ego both wrote to and heard from), 1-D optimal k-means over those alters, each
weighted by the messages both ways over the whole log; cumulative sizes, innermost first."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.distinct import runs
from guanxi.insight.kmeans import optimal_kmeans_1d

Ints = NDArray[np.int64]


def circle_sizes_by_ego(
    low: Ints, high: Ints, low_to_high: Ints, high_to_low: Ints, *, k: int, min_alters: int
) -> NDArray[np.float64]:
    """One row of k cumulative circle sizes per qualifying ego (egos in node order)."""
    both = (low_to_high > 0) & (high_to_low > 0)
    weight = (low_to_high + high_to_low)[both]
    ego = np.concatenate((low[both], high[both]))
    weights = np.concatenate((weight, weight))
    order = np.argsort(ego, kind="stable")
    ego, weights = ego[order], weights[order]
    starts, counts = runs(ego)
    rows = [
        _sizes(weights[start : start + count], k)
        for start, count in zip(starts, counts, strict=True)
        if count >= min_alters
    ]
    return np.asarray(rows, dtype=np.float64).reshape(-1, k)


def _sizes(weights: Ints, k: int) -> Ints:
    labels = optimal_kmeans_1d(weights.tolist(), k)
    return np.cumsum(np.bincount(labels, minlength=k))


def mean_sizes(rows: NDArray[np.float64], k: int) -> list[float]:
    if len(rows) == 0:
        return [0.0] * k
    return [round(float(x), 4) for x in rows.mean(axis=0)]
