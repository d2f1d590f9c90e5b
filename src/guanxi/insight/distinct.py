"""Distinct values of integer arrays by sorting: numpy 2's hash-based `np.unique` is several
times slower than a sort on the analyzer's arrays (millions of 64-bit keys)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]


def firsts(ordered: Ints) -> NDArray[np.bool_]:
    """True where a sorted array's value differs from the one before it."""
    mask = np.empty(len(ordered), dtype=np.bool_)
    mask[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=mask[1:])
    return mask


def distinct(values: Ints) -> Ints:
    ordered = np.sort(values)
    return ordered[firsts(ordered)]


def distinct_counts(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values, sorted, and how often each occurs."""
    ordered = np.sort(values)
    mask = firsts(ordered)
    starts = np.flatnonzero(mask)
    return ordered[mask], np.diff(np.append(starts, len(ordered))).astype(np.int64)


def distinct_inverse(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values, sorted, and for each input its value's position among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    mask = firsts(ordered)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(mask) - 1
    return ordered[mask], inverse


def runs(ordered: Ints) -> tuple[Ints, Ints]:
    """For a sorted array: where each run of equal values starts, and its length."""
    starts = np.flatnonzero(firsts(ordered))
    return starts, np.diff(np.append(starts, len(ordered))).astype(np.int64)


def member(ordered: Ints, values: Ints) -> NDArray[np.bool_]:
    """Which values are in the sorted array `ordered`."""
    if len(ordered) == 0:
        return np.zeros(len(values), dtype=np.bool_)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    found: NDArray[np.bool_] = ordered[at] == values
    return found
