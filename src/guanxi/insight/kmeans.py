"""Exact optimal k-means in one dimension by dynamic programming (Wang & Song, 2011).

The same objective as Jenks natural breaks: the least within-cluster sum of squares. Equal
values always share a cluster, so there are at most as many clusters as distinct values.
Deterministic: label 0 is the cluster of the largest values (the innermost circle)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
TABLE_LIMIT = 600  # distinct values; the (first, end) table then holds at most ~2.9 MB


def optimal_kmeans_1d(
    values: Sequence[float], k: int, *, table_limit: int = TABLE_LIMIT
) -> list[int]:
    """One label per value; label 0 holds the largest values, labels are consecutive.

    Up to `table_limit` distinct values, each step of the recurrence is one table operation
    over every (first, end) pair; above it, a loop over the ends (memory O(k m))."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if len(values) == 0:
        return []
    data = np.asarray(values, dtype=np.float64)
    distinct, inverse, counts = np.unique(-data, return_inverse=True, return_counts=True)
    label = _table_labels if len(distinct) <= table_limit else _group_labels
    group_label = label(-distinct, counts.astype(np.float64), min(k, len(distinct)))
    return [int(label) for label in group_label[inverse]]


def _sums(points: Floats, weights: Floats) -> tuple[Floats, Floats, Floats]:
    """Prefix sums of the weights, weighted points and weighted squares (0 first)."""
    w = np.concatenate(([0.0], np.cumsum(weights)))
    s = np.concatenate(([0.0], np.cumsum(weights * points)))
    q = np.concatenate(([0.0], np.cumsum(weights * points * points)))
    return w, s, q


def _table_labels(points: Floats, weights: Floats, k: int) -> NDArray[np.int64]:
    """As _group_labels, each cluster count in one operation over a (first, end) table."""
    m = len(points)
    w, s, q = _sums(points, weights)
    first, end = np.arange(m + 1)[:, None], np.arange(m + 1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        n = w[end] - w[first]
        total = s[end] - s[first]
        sse = np.where(first < end, np.maximum(q[end] - q[first] - total * total / n, 0.0), np.inf)
    cost = np.full((k + 1, m + 1), np.inf)
    start = np.zeros((k + 1, m + 1), dtype=np.int64)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        table = cost[c - 1][:, None] + sse
        start[c] = np.argmin(table, axis=0)
        cost[c] = table[start[c], np.arange(m + 1)]
    return _backtrack(start, k, m)


def _group_labels(points: Floats, weights: Floats, k: int) -> NDArray[np.int64]:
    """Cluster labels for distinct points sorted from the largest, each with its multiplicity."""
    m = len(points)
    w, s, q = _sums(points, weights)
    cost = np.full((k + 1, m + 1), np.inf)
    start = np.zeros((k + 1, m + 1), dtype=np.int64)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for end in range(c, m + 1):
            firsts = np.arange(c - 1, end)
            total = cost[c - 1, firsts] + _sse(w, s, q, firsts, end)
            best = int(np.argmin(total))
            cost[c, end] = total[best]
            start[c, end] = firsts[best]
    return _backtrack(start, k, m)


def _sse(w: Floats, s: Floats, q: Floats, firsts: NDArray[np.int64], end: int) -> Floats:
    """Within-cluster sum of squares of the points [first, end) for each first."""
    n = w[end] - w[firsts]
    total = s[end] - s[firsts]
    sse: Floats = np.maximum(q[end] - q[firsts] - total * total / n, 0.0)
    return sse


def _backtrack(start: NDArray[np.int64], k: int, m: int) -> NDArray[np.int64]:
    labels = np.zeros(m, dtype=np.int64)
    end = m
    for c in range(k, 0, -1):
        first = int(start[c, end])
        labels[first:end] = c - 1
        end = first
    return labels
