"""`guanxi insight analyze`: the insight measures of a whole interaction log, no server.

The log streams into a spill by pair (analyze_spill.py); each part is measured on its own
(analyze_pairs.py) and what crosses parts — per node and per pair, never per message — is
joined at the end: reciprocity, triangles, circles, stability, signatures. The result is
`insight.json` (docs/insight.md lists every key)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.analyze_circles import circle_sizes_by_ego, mean_sizes
from guanxi.insight.analyze_graph import triangles
from guanxi.insight.analyze_pairs import SLOTS, PairFacts, pair_facts
from guanxi.insight.analyze_read import Chunk
from guanxi.insight.analyze_settings import AnalyzeSettings
from guanxi.insight.analyze_spill import Spill
from guanxi.insight.analyze_stability import ego_jaccards, signatures, tie_survival_mean
from guanxi.insight.stages import DAY_MS

Ints = NDArray[np.int64]
Progress = Callable[[str, int, int], None]  # (step, done, total)
MAX_NODES = 10_000_000  # packed keys (pair * SLOTS + window) stay inside 63 bits
PART_MESSAGES = 2_000_000  # about this many messages per part of the spill


def parts_for(estimated_messages: int) -> int:
    return max(1, math.ceil(estimated_messages / PART_MESSAGES))


def analyze(
    chunks: Iterable[Chunk],
    settings: AnalyzeSettings,
    *,
    parts: int = 1,
    folder: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every measure of the log the chunks hold (times in ms), as insight.json has them."""
    settings.check()
    report = progress or (lambda step, done, total: None)
    spill = Spill(parts=parts, folder=folder)
    for chunk in chunks:
        spill.add(chunk.src, chunk.dst, chunk.t)
        report("reading", chunk.bytes_read, 0)
    _check_size(spill, settings)
    facts = []
    for number, part in enumerate(spill.read()):
        facts.append(pair_facts(part, len(spill.nodes), spill.t_min or 0, settings))
        report("measuring pairs", number + 1, parts)
    report("joining", 0, 0)
    return _result(spill, facts, settings)


def _check_size(spill: Spill, settings: AnalyzeSettings) -> None:
    if len(spill.nodes) > MAX_NODES:
        raise ValueError(f"the log names {len(spill.nodes):,} nodes; at most {MAX_NODES:,}")
    span_days = ((spill.t_max or 0) - (spill.t_min or 0)) / DAY_MS
    if span_days / min(settings.window_days) >= SLOTS - 1:
        raise ValueError("the log spans too many windows; choose a longer --window-days")


def _result(spill: Spill, facts: list[PairFacts], settings: AnalyzeSettings) -> dict[str, Any]:
    nodes = len(spill.nodes)
    low, high = _joined(facts, "low"), _joined(facts, "high")
    return {
        "ingest": _ingest(spill, facts, low, high),
        "feedback_share": _feedback(facts, settings),
        "pairs": {
            name: sum(getattr(f, name) for f in facts)
            for name in ("contact", "interacting", "relationship")
        },
        "circles": _circles(facts, low, high, settings),
        "stability": [_stability(facts, nodes, days) for days in settings.window_days],
        "signature": _signature(facts, nodes, settings),
        "settings": settings.to_json(),
    }


def _joined(facts: list[PairFacts], name: str) -> Ints:
    arrays = [getattr(f, name) for f in facts]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _ingest(spill: Spill, facts: list[PairFacts], low: Ints, high: Ints) -> dict[str, Any]:
    up, down = _joined(facts, "low_to_high") > 0, _joined(facts, "high_to_low") > 0
    edges = int(up.sum() + down.sum())
    return {
        "nodes": len(spill.nodes),
        "messages": spill.messages,
        "directed_edges": edges,
        "reciprocity": 2 * int((up & down).sum()) / edges if edges else None,
        "triangles": triangles(low, high, len(spill.nodes)),
    }


def _feedback(facts: list[PairFacts], settings: AnalyzeSettings) -> dict[str, float | None]:
    messages = sum(f.messages for f in facts)
    return {
        label: sum(f.answered[label] for f in facts) / messages if messages else None
        for label in settings.feedback_windows()
    }


def _circles(
    facts: list[PairFacts], low: Ints, high: Ints, settings: AnalyzeSettings
) -> dict[str, Any]:
    rows = circle_sizes_by_ego(
        low, high, _joined(facts, "low_to_high"), _joined(facts, "high_to_low"),
        k=settings.k, min_alters=settings.min_alters,
    )  # fmt: skip
    return {
        "k": settings.k,
        "min_alters": settings.min_alters,
        "egos": len(rows),
        "mean_cumulative_sizes": mean_sizes(rows, settings.k),
    }


def _stability(facts: list[PairFacts], nodes: int, days: int) -> dict[str, Any]:
    active = np.sort(np.concatenate([f.active[days] for f in facts]))
    jaccards = ego_jaccards(active, nodes) if len(active) else np.zeros(0)
    return {
        "window_days": days,
        "median_ego_jaccard": _stat(np.median, jaccards),
        "mean_ego_jaccard": _stat(np.mean, jaccards),
        "mean_tie_survival": _round(tie_survival_mean(active)),
    }


def _signature(facts: list[PairFacts], nodes: int, settings: AnalyzeSettings) -> dict[str, Any]:
    sent = _joined(facts, "sent")
    order = np.argsort(sent, kind="stable")
    found = signatures(
        sent[order], _joined(facts, "sent_count")[order], nodes,
        top=settings.signature_top, min_alters=settings.signature_min_alters,
        references=settings.signature_references, seed=settings.seed,
    )  # fmt: skip
    return {
        "median_self_jsd": _stat(np.median, found.self_jsd),
        "median_reference_jsd": _stat(np.median, found.reference_jsd),
    }


def _stat(function: Callable[[Any], Any], values: NDArray[np.float64]) -> float | None:
    return _round(float(function(values))) if len(values) else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
