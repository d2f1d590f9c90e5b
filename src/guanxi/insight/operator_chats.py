"""Feedback in direct chats, page by page: which message got an answer, and how soon.

Rows arrive ordered by conversation, then seq. A *run* is a stretch of messages by one sender;
every message of a run is answered by the first message of the next run in the same chat
(the other person's), so one pass of numpy over a page finds each message's answer. The last
run of a page may be answered on the next page: `ChatStream` holds it back and puts it in
front of the next page (its memory is a page plus the longest monologue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
FEEDBACK_WINDOWS = {"1h": HOUR_MS, "24h": DAY_MS, "7d": 7 * DAY_MS}
INTERACTION_MS = DAY_MS  # a message answered within this is an interaction (INSIGHT.md §1)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Messages:
    """Messages ordered by conversation then seq, with the delay of each one's answer (NaN:
    none)."""

    conversation: Ints
    sender: Ints
    at: Ints
    delay: Floats

    def __len__(self) -> int:
        return len(self.at)


def _arrays(rows: Sequence[Any]) -> tuple[Ints, Ints, Ints]:
    if not rows:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), empty.copy()
    table = np.array([(r[0], r[2], r[3]) for r in rows], dtype=np.int64)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()


def _starts_run(conversation: Ints, sender: Ints) -> npt.NDArray[np.bool_]:
    start = np.ones(len(conversation), dtype=bool)
    start[1:] = (conversation[1:] != conversation[:-1]) | (sender[1:] != sender[:-1])
    return start


def run_starts(conversation: Ints, sender: Ints) -> Ints:
    """The index of the first message of each run."""
    return np.flatnonzero(_starts_run(conversation, sender))


def answer_delays(conversation: Ints, sender: Ints, at: Ints) -> Floats:
    """Per message, milliseconds until the next message by the other person in the same chat
    (never below 0; NaN when there is none among these rows)."""
    if len(at) == 0:
        return np.zeros(0, np.float64)
    mask = _starts_run(conversation, sender)
    starts = np.flatnonzero(mask)
    run = np.cumsum(mask) - 1
    answer = np.full(len(starts), -1, dtype=np.int64)
    answer[:-1] = starts[1:]
    answer[:-1][conversation[starts[1:]] != conversation[starts[:-1]]] = -1
    index = answer[run]
    delay: Floats = np.maximum(at[np.maximum(index, 0)] - at, 0).astype(np.float64)
    delay[index < 0] = np.nan
    return delay


@dataclass
class ChatStream:
    """Turns pages of direct messages into `Messages` whose answers are known."""

    _held: tuple[Ints, Ints, Ints] = field(default_factory=lambda: _arrays([]))

    def feed(self, rows: Sequence[Any], *, last: bool) -> Messages:
        """A page (conversation_id, seq, sender_id, created_at); `last`: no page follows."""
        fresh = _arrays(rows)
        conversation, sender, at = (
            np.concatenate([held, new]) for held, new in zip(self._held, fresh, strict=True)
        )
        cut = len(at) if last or len(at) == 0 else int(run_starts(conversation, sender)[-1])
        delay = answer_delays(conversation, sender, at)  # the held run answers the one before
        self._held = (conversation[cut:], sender[cut:], at[cut:])
        return Messages(
            conversation=conversation[:cut], sender=sender[:cut], at=at[:cut], delay=delay[:cut]
        )


@dataclass
class FeedbackCurve:
    """How many messages got an answer within each window, and at all."""

    messages: int = 0
    answered: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys([*FEEDBACK_WINDOWS, "ever"], 0)
    )

    def add(self, delay: Floats) -> None:
        self.messages += len(delay)
        known = delay[~np.isnan(delay)]
        for name, window in FEEDBACK_WINDOWS.items():
            self.answered[name] += int(np.count_nonzero(known <= window))
        self.answered["ever"] += len(known)

    def shares(self) -> dict[str, float | None]:
        if self.messages == 0:
            return dict.fromkeys(self.answered)
        return {name: n / self.messages for name, n in self.answered.items()}
