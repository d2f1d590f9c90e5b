"""Stability over a whole log, vectorised: ego Jaccard and tie survival between consecutive
windows, and the social signature's self and reference divergence (INSIGHT.md §5).

Keys come packed as `pair * SLOTS + window` (pair = low * nodes + high) and, for the
signature, `(src * nodes + dst) * SLOTS + window` with the messages sent."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.analyze_pairs import SLOTS
from guanxi.insight.distinct import distinct_inverse, runs

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
JSD_BLOCK = 100_000
ROWS_PER_BLOCK = 2_000_000


def _has_next(sorted_keys: Ints, keys: Ints) -> NDArray[np.bool_]:
    """Whether key + 1 (the same thing one window later) is among sorted_keys."""
    at = np.minimum(np.searchsorted(sorted_keys, keys + 1), len(sorted_keys) - 1)
    found: NDArray[np.bool_] = (sorted_keys[at] == keys + 1) & (keys % SLOTS < SLOTS - 1)
    return found


def tie_survival_mean(active: Ints) -> float | None:
    """Mean over windows (with a next window) of the share of ties still active in the next."""
    if len(active) == 0:
        return None
    window = active % SLOTS
    last = int(window.max())
    survived = np.bincount(window, weights=_has_next(active, active), minlength=last + 1)
    total = np.bincount(window, minlength=last + 1)
    keep = total[:last] > 0
    shares = survived[:last][keep] / total[:last][keep]
    return float(shares.mean()) if len(shares) else None


def ego_jaccards(active: Ints, nodes: int, rows_per_block: int = ROWS_PER_BLOCK) -> Floats:
    """Jaccard of each ego's alters between consecutive windows where the ego is in both.

    Egos are taken a range at a time (each ego whole in one range), so the rows made from
    the pairs stay within about `rows_per_block`, whatever the log."""
    low, high, window = active // SLOTS // nodes, active // SLOTS % nodes, active % SLOTS
    blocks = max(1, -(-2 * len(active) // rows_per_block))
    bounds = np.linspace(0, nodes, blocks + 1).astype(np.int64)
    found = []
    for first, last in itertools.pairwise(bounds):
        as_low = (low >= first) & (low < last)
        as_high = (high >= first) & (high < last)
        ego = np.concatenate((low[as_low], high[as_high]))
        alter = np.concatenate((high[as_low], low[as_high]))
        found.append(
            _jaccards(ego, alter, np.concatenate((window[as_low], window[as_high])), nodes)
        )
    return np.concatenate(found)


def _jaccards(ego: Ints, alter: Ints, window: Ints, nodes: int) -> Floats:
    rows = np.sort((ego * nodes + alter) * SLOTS + window)
    if len(rows) == 0:
        return np.zeros(0)
    shared = _has_next(rows, rows)
    groups, inverse = distinct_inverse((rows // SLOTS // nodes) * SLOTS + rows % SLOTS)
    size = np.bincount(inverse, minlength=len(groups))
    inter = np.bincount(inverse, weights=shared, minlength=len(groups))
    follows = _has_next(groups, groups)
    after = np.minimum(np.searchsorted(groups, groups + 1), len(groups) - 1)
    both = inter[follows]
    result: Floats = both / (size[follows] + size[after[follows]] - both)
    return result


@dataclass(frozen=True, kw_only=True)
class Signatures:
    self_jsd: Floats
    reference_jsd: Floats


def signatures(
    sent: Ints,
    counts: Ints,
    nodes: int,
    *,
    top: int,
    min_alters: int,
    references: int,
    seed: int,
    rows_per_block: int = ROWS_PER_BLOCK,
) -> Signatures:
    """Self: an ego's signature in a window against its next. Reference: against `references`
    other egos' signatures in that next window (picked with `seed`). `sent` is sorted."""
    groups, matrix = _signature_matrix(sent, counts, nodes, top, min_alters, rows_per_block)
    follows = np.flatnonzero(_has_next(groups, groups)) if len(groups) else groups
    after = np.searchsorted(groups, groups[follows] + 1)
    rng = np.random.default_rng(seed)
    compared = [
        jsd_pairs(matrix, *_references(groups, follows[at : at + JSD_BLOCK], references, rng))
        for at in range(0, len(follows), JSD_BLOCK)
    ]
    return Signatures(
        self_jsd=jsd_pairs(matrix, follows, after),
        reference_jsd=np.concatenate(compared) if compared else np.zeros(0),
    )


def _signature_matrix(
    sent: Ints, counts: Ints, nodes: int, top: int, min_alters: int, rows_per_block: int
) -> tuple[Ints, Floats]:
    """The (ego, window) groups with at least min_alters alters, and their signatures; a
    range of egos at a time (`sent` is sorted, so a range of egos is a slice)."""
    blocks = max(1, -(-len(sent) // rows_per_block))
    egos = np.linspace(0, nodes, blocks + 1).astype(np.int64)
    bounds = np.searchsorted(sent, egos * nodes * SLOTS)
    found = [
        _block_matrix(sent[a:b], counts[a:b], nodes, top, min_alters)
        for a, b in itertools.pairwise(bounds)
    ]
    return np.concatenate([g for g, _ in found]), np.concatenate([m for _, m in found])


def _block_matrix(
    sent: Ints, counts: Ints, nodes: int, top: int, min_alters: int
) -> tuple[Ints, Floats]:
    group = (sent // SLOTS // nodes) * SLOTS + sent % SLOTS
    order = np.lexsort((-counts, group))
    group, counts = group[order], counts[order]
    starts, sizes = runs(group)
    rank = np.arange(len(group)) - np.repeat(starts, sizes)
    totals = np.add.reduceat(counts, starts) if len(starts) else counts
    matrix = np.zeros((len(starts), top))
    shown = rank < top
    row = np.repeat(np.arange(len(starts)), sizes)
    matrix[row[shown], rank[shown]] = counts[shown] / totals[row[shown]]
    keep = sizes >= min_alters
    return group[starts][keep], matrix[keep]


def jsd_pairs(matrix: Floats, first: Ints, second: Ints) -> Floats:
    """jsd_rows of matrix[first] against matrix[second], a block of rows at a time (the
    reference comparisons alone can be tens of millions of rows)."""
    blocks = [
        jsd_rows(matrix[first[at : at + JSD_BLOCK]], matrix[second[at : at + JSD_BLOCK]])
        for at in range(0, len(first), JSD_BLOCK)
    ]
    return np.concatenate(blocks) if blocks else np.zeros(0)


def _references(
    groups: Ints, egos: Ints, references: int, rng: np.random.Generator
) -> tuple[Ints, Ints]:
    """For each ego-window, `references` random groups of other egos in the next window."""
    window = groups % SLOTS
    by_window = np.argsort(window, kind="stable")
    first = np.searchsorted(window[by_window], window[egos] + 1, side="left")
    last = np.searchsorted(window[by_window], window[egos] + 1, side="right")
    draws = rng.random((len(egos), references))
    offsets = (draws * (last - first)[:, None]).astype(np.int64)
    picked = by_window[np.minimum(first[:, None] + offsets, len(by_window) - 1)]
    source = np.repeat(egos, references)
    target = picked.reshape(-1)
    other = (groups[source] // SLOTS != groups[target] // SLOTS) & np.repeat(
        last > first, references
    )
    return source[other], target[other]


def jsd_rows(p: Floats, q: Floats) -> Floats:
    """Jensen-Shannon divergence (bits) of each row pair, each row normalised to sum 1."""
    p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-300)
    q = q / np.maximum(q.sum(axis=1, keepdims=True), 1e-300)
    middle = (p + q) / 2
    result: Floats = np.clip((_kl(p, middle) + _kl(q, middle)) / 2, 0.0, 1.0)
    return result


def _kl(p: Floats, m: Floats) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1) / np.where(m > 0, m, 1)), 0.0)
    total: Floats = terms.sum(axis=1)
    return total
