"""Splitting a log by pair, so that each part fits in memory whatever the log's length.

Every measure of a pair (feedback, stage, windows of activity) needs only that pair's
messages: the spill sends both directions of a pair to the same part (a hash of the
unordered pair), held in memory when there is one part and in a file per part otherwise.
What crosses parts is only per-node and per-pair, never per-message."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from guanxi.insight.distinct import distinct

Ints = NDArray[np.int64]
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, kw_only=True)
class Part:
    """One part's messages (no self-loops), nodes numbered densely over the whole log."""

    src: Ints
    dst: Ints
    t: Ints


@dataclass(kw_only=True)
class Spill:
    parts: int
    folder: Path | None = None  # where the part files go when parts > 1
    messages: int = 0
    self_loops: int = 0
    t_min: int | None = None
    t_max: int | None = None
    nodes: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _held: list[Ints] = field(default_factory=list)

    def add(self, src: Ints, dst: Ints, t: Ints) -> None:
        """Take a chunk of messages (source node ids, times in ms)."""
        if len(t) == 0:
            return
        self.messages += len(t)
        self.nodes = distinct(np.concatenate((self.nodes, distinct(np.concatenate((src, dst))))))
        self.t_min = int(t.min()) if self.t_min is None else min(self.t_min, int(t.min()))
        self.t_max = int(t.max()) if self.t_max is None else max(self.t_max, int(t.max()))
        loop = src == dst
        self.self_loops += int(loop.sum())
        rows = np.column_stack((src[~loop], dst[~loop], t[~loop]))
        if self.parts == 1:
            self._held.append(rows)
            return
        part = _part_of(rows[:, 0], rows[:, 1], self.parts)
        for number in np.flatnonzero(np.bincount(part, minlength=self.parts)):
            with self._path(int(number)).open("ab") as out:
                rows[part == number].tofile(out)

    def read(self) -> Iterator[Part]:
        """Each part in turn, nodes renumbered 0..len(nodes)-1."""
        if self.parts == 1:
            rows = np.concatenate(self._held) if self._held else np.zeros((0, 3), np.int64)
            self._held = []
            yield self._part(rows)
            return
        for number in range(self.parts):
            path = self._path(number)
            if path.exists():
                yield self._part(np.fromfile(path, dtype=np.int64).reshape(-1, 3))
                path.unlink()

    def _part(self, rows: Ints) -> Part:
        src = np.searchsorted(self.nodes, rows[:, 0]).astype(np.int64)
        dst = np.searchsorted(self.nodes, rows[:, 1]).astype(np.int64)
        return Part(src=src, dst=dst, t=np.ascontiguousarray(rows[:, 2]))

    def _path(self, number: int) -> Path:
        assert self.folder is not None, "a spill of several parts needs a folder"
        return self.folder / f"part-{number:04d}.bin"


def _part_of(a: Ints, b: Ints, parts: int) -> Ints:
    low = np.minimum(a, b).astype(np.uint64)
    high = np.maximum(a, b).astype(np.uint64)
    mixed = (low * _MIX) ^ (high * _MIX >> np.uint64(17))
    return (mixed % np.uint64(parts)).astype(np.int64)
