"""Per direct chat (a pair of people): messages, interactions and when the pair became a
relationship; per pair and window: who wrote how much. Arrays indexed by pair, so memory grows
with the number of direct chats and windows, never with the number of messages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from guanxi.insight.operator_chats import INTERACTION_MS, Ints, Messages
from guanxi.insight.stages import is_relationship, week_index

DAY_MS = 86_400_000
NONE = -1  # "no time yet" in the time arrays
WINDOW_BITS = 24  # a window number fits below this many bits of a window key


@dataclass
class DirectPairs:
    """Direct chats, sorted by conversation id, with their two members (low id, high id)."""

    conversation: Ints
    low: Ints
    high: Ints

    @classmethod
    def of(cls, rows: list[tuple[int, int, int]]) -> DirectPairs:
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return cls(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy())

    def __len__(self) -> int:
        return len(self.conversation)

    def index(self, conversation: Ints) -> Ints:
        """The pair of each conversation; -1 for a chat not listed (it lost a member)."""
        at = np.searchsorted(self.conversation, conversation)
        at = np.minimum(at, max(len(self) - 1, 0))
        found = len(self) > 0
        hit = self.conversation[at] == conversation if found else np.zeros(len(at), bool)
        return np.where(hit, at, -1)


def _weeks(at: Ints) -> Ints:
    """Each time's week (stages.week_index), worked out once per distinct day."""
    days, back = np.unique(at // DAY_MS, return_inverse=True)
    weeks = np.array([week_index(int(day) * DAY_MS) for day in days], dtype=np.int64)
    return weeks[back.reshape(-1)]


@dataclass
class PairStats:
    size: int
    messages: Ints = field(init=False)
    interactions: Ints = field(init=False)
    first_interaction: Ints = field(init=False)
    weeks: Ints = field(init=False)
    last_week: Ints = field(init=False)
    relationship_at: Ints = field(init=False)

    def __post_init__(self) -> None:
        for name in ("messages", "interactions", "weeks"):
            setattr(self, name, np.zeros(self.size, np.int64))
        for name in ("first_interaction", "last_week", "relationship_at"):
            setattr(self, name, np.full(self.size, NONE, np.int64))

    def add(self, pair: Ints, batch: Messages) -> None:
        """A batch's messages; `pair` holds each message's pair (-1: none)."""
        known = pair >= 0
        np.add.at(self.messages, pair[known], 1)
        answered = known & (batch.delay <= INTERACTION_MS)
        pair, at = pair[answered], batch.at[answered]
        if len(pair) == 0:
            return
        bounds = np.flatnonzero(np.diff(pair)) + 1
        for start, end in zip(
            np.concatenate([[0], bounds]), np.concatenate([bounds, [len(pair)]]), strict=True
        ):
            self._interactions(int(pair[start]), at[start:end])

    def _interactions(self, p: int, at: Ints) -> None:
        """One pair's next interactions, in order: counts, distinct weeks, the stage rule."""
        if self.first_interaction[p] == NONE:
            self.first_interaction[p] = at[0]
        self.interactions[p] += len(at)
        weeks = _weeks(at)
        new = weeks != np.concatenate([[self.last_week[p]], weeks[:-1]])
        distinct = self.weeks[p] + np.cumsum(new)
        self.weeks[p], self.last_week[p] = distinct[-1], weeks[-1]
        if self.relationship_at[p] == NONE:
            self._became_relationship(p, distinct, at)

    def _became_relationship(self, p: int, distinct: Ints, at: Ints) -> None:
        """The first interaction at which the stage rule holds (it only grows: bisect)."""
        first = int(self.first_interaction[p])

        def holds(j: int) -> bool:
            return is_relationship(int(distinct[j]), first, int(at[j]))

        if not holds(len(at) - 1):
            return
        low, high = 0, len(at) - 1
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if holds(middle) else (middle + 1, high)
        self.relationship_at[p] = at[low]


@dataclass
class WindowCounts:
    """Messages per (pair, sender side, window) for one window length."""

    start_ms: int
    length_ms: int
    counts: Counter[int] = field(default_factory=Counter)

    def add(self, pair: Ints, from_low: np.ndarray, at: Ints) -> None:
        known = pair >= 0
        window = (at[known] - self.start_ms) // self.length_ms
        side = from_low[known].astype(np.int64)
        keys = ((pair[known] * 2 + side) << WINDOW_BITS) | np.maximum(window, 0)
        values, counts = np.unique(keys, return_counts=True)
        self.counts.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))

    def entries(self) -> list[tuple[int, bool, int, int]]:
        """(pair, sent by the low id?, window, messages)."""
        mask = (1 << WINDOW_BITS) - 1
        return [
            (key >> (WINDOW_BITS + 1), bool((key >> WINDOW_BITS) & 1), key & mask, n)
            for key, n in sorted(self.counts.items())
        ]
