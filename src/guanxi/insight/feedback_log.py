"""Feedback in an interaction log, vectorised: for each message u->v at t, how long until the
first v->u message strictly after t (INSIGHT.md §1, as the analyzer counts it).

A message got feedback within Δ when that wait is at most Δ (a reply exactly Δ later counts);
a reply in the same instant does not count (it cannot answer what it did not see)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.distinct import distinct_inverse, firsts

Ints = NDArray[np.int64]
NO_REPLY = -1


def reply_gaps(src: Ints, dst: Ints, t: Ints) -> Ints:
    """Per message, ms until the first reverse message strictly later; NO_REPLY if none.

    `src` and `dst` are node numbers (no self-loops); `t` in ms. Sorted by (pair, time), the
    first later message each way is a suffix minimum; O(n log n), no loop per message."""
    n = len(t)
    gaps = np.full(n, NO_REPLY, dtype=np.int64)
    if n == 0:
        return gaps
    _, pair = distinct_inverse(np.minimum(src, dst) * (int(max(src.max(), dst.max())) + 1)
                               + np.maximum(src, dst))  # fmt: skip
    _, rank = distinct_inverse(t)
    span = np.int64(n + 1)  # pair * span + rank orders by pair, then time, within 63 bits
    order = np.argsort(pair * span + rank, kind="stable")
    key = (pair * span + rank)[order]
    after = _run_ends(key)  # the first position of a later instant (or another pair)
    upward = (src < dst)[order]
    pairs = pair[order]
    for direction in (True, False):
        later = _suffix_min(np.where(upward == direction, key, pairs * span + n))
        found = (upward != direction) & (after < n)
        nxt = later[after[found]]
        found[found] = (nxt // span == pairs[found]) & (nxt % span < n)
        gaps[order[found]] = _times(t, rank, later[after[found]] % span) - t[order[found]]
    return gaps


def _run_ends(key: Ints) -> Ints:
    """For each position of a sorted array, the position after its run of equal values."""
    starts = np.flatnonzero(firsts(key))
    ends = np.append(starts[1:], len(key))
    return np.repeat(ends, np.diff(np.append(starts, len(key))))


def _suffix_min(values: Ints) -> Ints:
    """At each position, the least value from there on; values carry their pair in their high
    part, so within a pair a later pair's values never win."""
    result: Ints = np.minimum.accumulate(values[::-1])[::-1]
    return result


def _times(t: Ints, rank: Ints, ranks: Ints) -> Ints:
    """The time of each time rank."""
    by_rank = np.empty(int(rank.max()) + 1, dtype=np.int64)
    by_rank[rank] = t
    return by_rank[ranks]


def answered_within(gaps: Ints, window_ms: int | None) -> NDArray[np.bool_]:
    """Which messages got feedback within `window_ms` (None: ever)."""
    if window_ms is None:
        return gaps >= 0
    return (gaps >= 0) & (gaps <= window_ms)
