"""Triangles of the undirected simple graph, vectorised.

Each edge points from the endpoint of lower (degree, id) to the higher one, so every node
has few out-neighbours (O(E^1.5) paths in all); a triangle u->v->w is counted once, when u->w
is an edge. Paths are made a block of edges at a time, so memory stays bounded."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
PATHS_PER_BLOCK = 4_000_000


def triangles(low: Ints, high: Ints, nodes: int) -> int:
    """Triangles of the graph with these undirected edges (each once, low != high)."""
    if len(low) == 0:
        return 0
    degree = np.bincount(np.concatenate((low, high)), minlength=nodes)
    rank = np.empty(nodes, dtype=np.int64)
    rank[np.lexsort((np.arange(nodes), degree))] = np.arange(nodes)
    first = np.where(rank[low] < rank[high], low, high)
    second = np.where(rank[low] < rank[high], high, low)
    keys = np.sort(first * nodes + second)
    tails, heads = keys // nodes, keys % nodes
    starts = np.searchsorted(tails, np.arange(nodes + 1))
    out_degree = np.diff(starts)
    paths = out_degree[heads]
    total = 0
    for block in _blocks(paths):
        total += _closed(tails[block], heads[block], paths[block], starts, heads, keys, nodes)
    return total


def _blocks(paths: Ints) -> list[slice]:
    """Consecutive edge ranges holding about PATHS_PER_BLOCK two-paths each."""
    ends = np.searchsorted(
        np.cumsum(paths), np.arange(1, 1 + int(paths.sum()) // PATHS_PER_BLOCK) * PATHS_PER_BLOCK
    )
    bounds = [0, *sorted(set(int(e) + 1 for e in ends)), len(paths)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds) if a < b]


def _closed(
    tails: Ints, mids: Ints, counts: Ints, starts: Ints, heads: Ints, keys: Ints, nodes: int
) -> int:
    """How many paths tail->mid->w of these edges close into a triangle (tail->w an edge)."""
    total = int(counts.sum())
    if total == 0:
        return 0
    offsets = np.repeat(starts[mids] - np.cumsum(counts) + counts, counts) + np.arange(total)
    ends = heads[offsets]
    probe = np.repeat(tails, counts) * nodes + ends
    at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
    return int((keys[at] == probe).sum())
