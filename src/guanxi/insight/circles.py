"""Circles of an ego network: 1-D optimal k-means over the alters' contact frequencies.

Circles are cumulative and innermost first: circle j holds every alter of clusters 0..j.
When the active alters have fewer distinct frequencies than k, the clusters fill the inner
circles and the outer circles repeat the whole active network, so there are always k lists."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from guanxi.insight.kmeans import optimal_kmeans_1d

K = TypeVar("K", bound=Hashable)

CIRCLE_NAMES = ("support clique", "sympathy group", "affinity group", "active network")


def circles(
    frequencies: Mapping[K, float], *, k: int = 4, min_per_year: float = 1.0
) -> list[list[K]]:
    """k cumulative circles, innermost first; each lists its alters by frequency, highest first."""
    active = [(alter, f) for alter, f in frequencies.items() if f >= min_per_year]
    active.sort(key=lambda item: -item[1])
    labels = optimal_kmeans_1d([f for _, f in active], k)
    return [
        [alter for (alter, _), label in zip(active, labels, strict=True) if label <= j]
        for j in range(k)
    ]


def circle_sizes(
    frequencies: Mapping[K, float], *, k: int = 4, min_per_year: float = 1.0
) -> list[int]:
    """The sizes of `circles(...)`, innermost first."""
    return [len(c) for c in circles(frequencies, k=k, min_per_year=min_per_year)]
