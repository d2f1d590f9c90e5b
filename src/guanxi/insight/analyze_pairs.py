"""What one part of the log says about its pairs, vectorised (no loop per message).

Feedback counts, the pairs' stages, the messages each way
of every pair, the windows in which each pair was active, and the messages each node sent
to each alter per signature window. Parts hold disjoint pairs, so their facts add up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.analyze_settings import AnalyzeSettings
from guanxi.insight.analyze_spill import Part
from guanxi.insight.distinct import distinct, distinct_counts, distinct_inverse
from guanxi.insight.feedback_log import answered_within, reply_gaps
from guanxi.insight.stages import DAY_MS, WEEK_MS

Ints = NDArray[np.int64]
_MONDAY_SHIFT_MS = 3 * DAY_MS  # as stages.week_index
# Window and week numbers are packed under a pair or an edge in this many slots (analyze.py
# refuses logs with too many nodes or windows for it).
SLOTS = 1 << 16


@dataclass(frozen=True, kw_only=True)
class PairFacts:
    messages: int
    answered: dict[str, int]  # feedback window label -> messages answered within it
    contact: int
    interacting: int
    relationship: int
    low: Ints  # one row per undirected pair: its nodes (low < high) ...
    high: Ints
    low_to_high: Ints  # ... and its messages each way
    high_to_low: Ints
    active: dict[int, Ints]  # window days -> unique pair * windows + window rows
    sent: Ints  # unique (src * nodes + dst) * windows + window, for the signature ...
    sent_count: Ints  # ... with its message count


def pair_facts(part: Part, nodes: int, t0: int, settings: AnalyzeSettings) -> PairFacts:
    src, dst, t = part.src, part.dst, part.t
    gaps = reply_gaps(src, dst, t)
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    pair = low * nodes + high
    interaction = answered_within(gaps, round(settings.delta_hours * 3_600_000))
    pairs, inverse = distinct_inverse(pair)
    forward = src < dst
    return PairFacts(
        messages=len(t),
        answered={
            label: int(answered_within(gaps, window).sum())
            for label, window in settings.feedback_windows().items()
        },
        contact=len(pairs),
        interacting=len(distinct(pair[interaction])),
        relationship=_relationships(pair[interaction], t[interaction], t0, settings),
        low=pairs // nodes,
        high=pairs % nodes,
        low_to_high=np.bincount(inverse, weights=forward, minlength=len(pairs)).astype(np.int64),
        high_to_low=np.bincount(inverse, weights=~forward, minlength=len(pairs)).astype(np.int64),
        active={days: _active(pair, t, t0, days) for days in settings.window_days},
        **_sent(src * nodes + dst, t, t0, settings.signature_window_days()),
    )


def _relationships(pair: Ints, t: Ints, t0: int, settings: AnalyzeSettings) -> int:
    """Pairs whose interactions fall in >= min_weeks weeks spanning >= min_span_days."""
    if len(t) == 0:
        return 0
    week = (t + _MONDAY_SHIFT_MS) // WEEK_MS - (t0 + _MONDAY_SHIFT_MS) // WEEK_MS
    pairs, weeks = distinct_counts(distinct(pair * SLOTS + week) // SLOTS)
    order = np.lexsort((t, pair))
    ordered, times = pair[order], t[order]
    first = times[np.searchsorted(ordered, pairs, side="left")]
    last = times[np.searchsorted(ordered, pairs, side="right") - 1]
    span_ok = last - first >= settings.min_span_days * DAY_MS
    return int(((weeks >= settings.min_weeks) & span_ok).sum())


def window_of(t: Ints, t0: int, days: int) -> Ints:
    """The window (0, 1, ...) of each time, windows of `days` laid from t0."""
    return (t - t0) // (days * DAY_MS)


def _active(pair: Ints, t: Ints, t0: int, days: int) -> Ints:
    return distinct(pair * SLOTS + window_of(t, t0, days))


def _sent(edge: Ints, t: Ints, t0: int, days: int) -> dict[str, Ints]:
    rows, counts = distinct_counts(edge * SLOTS + window_of(t, t0, days))
    return {"sent": rows, "sent_count": counts}
