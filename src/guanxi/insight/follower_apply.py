"""Applying facts to pair states: pure, in memory, O(1) per fact (the pending list of a pair is
bounded). The live follower and `insight rebuild` both run every fact through `Tally.apply`, so
their results can only differ where their inputs differ.

Rules (docs/insight.md, "The server's statistics"):
- a message u→v counts for both sides (sent, received, its kind, the month) and waits in u's
  pending list for v's feedback;
- feedback from v (any message back to u, a reaction to u's message, a like or a comment on u's
  moment) strictly later than a pending message answers it: the delay goes into the feedback
  counters (1 h, 24 h, 7 d, ever) and, when within Δ, the message becomes an interaction (in its
  own week) and its score weight rises from "unanswered" to "answered";
- a reaction, like or comment is itself an interaction at its own time;
- a response (who answers, how fast) counts only within the feedback horizon (7 d): a message
  back weeks later is a new exchange, not an answer's delay;
- the score of each side is kept for every half-life a role may ask for, so a role's change
  needs no recomputation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from guanxi.insight.models import MESSAGE, Fact, PairState
from guanxi.insight.score import HALF_LIFE_DAYS, WEIGHTS, bump, decay
from guanxi.insight.stages import iso_week, iso_weeks

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
FEEDBACK_WINDOWS = {"1h": HOUR_MS, "24h": DAY_MS, "7d": 7 * DAY_MS}
RESPONSE_HORIZON_MS = FEEDBACK_WINDOWS["7d"]  # a later answer is not a response time
RESPONSE_BUCKETS_MS = (  # upper edges of the response-time histogram's buckets
    60_000, 300_000, 900_000, HOUR_MS, 3 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 3 * DAY_MS, 7 * DAY_MS,
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Tuning:
    window_ms: int  # Δ
    default_half_life_days: float
    pending_max: int
    start_gap_ms: int

    def half_lives(self) -> list[float]:
        """Every half-life a score is kept for: each role's, and the default."""
        return sorted({*HALF_LIFE_DAYS.values(), self.default_half_life_days})


def half_life_key(days: float) -> str:
    return format(days, "g")


def month_of(ms: int) -> int:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.year * 100 + moment.month


def response_bucket(delay_ms: int) -> str:
    for edge in RESPONSE_BUCKETS_MS:
        if delay_ms <= edge:
            return str(edge)
    return "inf"


@dataclass
class Tally:
    """Pair states, the known (owner, alter, week) triples and month counts of one batch (the
    follower) or of all history (a rebuild)."""

    tuning: Tuning
    pairs: dict[tuple[int, int], PairState] = field(default_factory=dict)
    weeks: set[tuple[int, int, int]] = field(default_factory=set)
    new_weeks: list[tuple[int, int, int]] = field(default_factory=list)
    months: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)
    marks: set[tuple[str, int, int, int, int]] = field(default_factory=set)

    def apply_all(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.apply(fact)

    def apply(self, fact: Fact) -> None:
        if fact.actor == fact.target:
            return
        if fact.mark is not None:
            self.marks.add((*fact.mark, fact.actor, fact.target))
        mine = self._pair(fact.actor, fact.target, fact.at)
        theirs = self._pair(fact.target, fact.actor, fact.at)
        for side in (mine, theirs):
            side.last_at = max(side.last_at, fact.at)
            side.first_at = min(side.first_at, fact.at)
        self._answer(theirs, mine, fact.at)
        if fact.kind == MESSAGE:
            self._message(mine, theirs, fact)
        else:
            self._kind(mine, theirs, fact.kind)
            self._interaction(mine, theirs, fact.at, WEIGHTS[fact.kind])

    def _pair(self, user_id: int, alter_id: int, at: int) -> PairState:
        key = (user_id, alter_id)
        state = self.pairs.get(key)
        if state is None:
            state = PairState(user_id=user_id, alter_id=alter_id, first_at=at, last_at=at)
            state.scores = {half_life_key(h): 0.0 for h in self.tuning.half_lives()}
            state.score_at = at
            state.feedback = {"sent": 0, **{name: 0 for name in FEEDBACK_WINDOWS}, "ever": 0}
            self.pairs[key] = state
        return state

    def _message(self, mine: PairState, theirs: PairState, fact: Fact) -> None:
        mine.sent += 1
        theirs.received += 1
        self._kind(mine, theirs, fact.message_kind)
        self._count_month(mine, fact.at, sent=True)
        self._count_month(theirs, fact.at, sent=False)
        last = mine.last_message_at
        if last is None or fact.at - last > self.tuning.start_gap_ms:
            mine.starts_me += 1
            theirs.starts_them += 1
        for side in (mine, theirs):
            side.last_message_at = fact.at if last is None else max(last, fact.at)
        mine.feedback["sent"] += 1
        mine.pending.append(fact.at)
        mine.pending.sort()
        del mine.pending[: -self.tuning.pending_max]
        weight = WEIGHTS["reply"] if fact.reply else WEIGHTS["unanswered"]
        self._score(mine, theirs, fact.at, weight)

    def _answer(self, waiting: PairState, answering: PairState, at: int) -> None:
        """`answering`'s owner gives feedback at `at` to `waiting`'s owner: every message of
        theirs still pending from strictly before is answered."""
        answered = [sent for sent in waiting.pending if sent < at]
        if not answered:
            return
        waiting.pending = [sent for sent in waiting.pending if sent >= at]
        first = answered[0]
        if at - first <= RESPONSE_HORIZON_MS:
            bucket = response_bucket(at - first)
            waiting.response_them[bucket] = waiting.response_them.get(bucket, 0) + 1
            answering.response_me[bucket] = answering.response_me.get(bucket, 0) + 1
        extra = WEIGHTS["answered"] - WEIGHTS["unanswered"]
        for sent in answered:
            delay = at - sent
            waiting.feedback["ever"] += 1
            for name, window in FEEDBACK_WINDOWS.items():
                waiting.feedback[name] += delay <= window
            if delay <= self.tuning.window_ms:
                self._interaction(waiting, answering, sent, extra)

    def _interaction(self, a: PairState, b: PairState, at: int, weight: float) -> None:
        week = iso_week(at)
        for side in (a, b):
            side.interactions += 1
            first, last = side.first_interaction_at, side.last_interaction_at
            side.first_interaction_at = at if first is None else min(first, at)
            side.last_interaction_at = at if last is None else max(last, at)
            triple = (side.user_id, side.alter_id, week)
            if triple not in self.weeks:
                self.weeks.add(triple)
                self.new_weeks.append(triple)
                side.distinct_weeks += 1
        self._score(a, b, at, weight)

    def _score(self, a: PairState, b: PairState, at: int, weight: float) -> None:
        for side in (a, b):
            for name, score in side.scores.items():
                side.scores[name] = _add(score, side.score_at, at, weight, float(name))
            side.score_at = max(side.score_at, at)

    def _kind(self, a: PairState, b: PairState, kind: str) -> None:
        for side in (a, b):
            side.kinds[kind] = side.kinds.get(kind, 0) + 1

    def _count_month(self, side: PairState, at: int, *, sent: bool) -> None:
        counts = self.months.setdefault((side.user_id, side.alter_id, month_of(at)), [0, 0])
        counts[0 if sent else 1] += 1


def _add(score: float, score_at: int, at: int, weight: float, half_life_days: float) -> float:
    """The score at max(score_at, at) after a weight at `at`; an event older than the score's
    time (imported history) is added decayed to the score's time."""
    if at >= score_at:
        return bump(score, score_at, at, weight, half_life_days)
    return score + decay(weight, at, score_at, half_life_days)


def weeks_of(states: Iterable[PairState], facts: Iterable[Fact]) -> set[int]:
    """Every week a batch may touch: its facts' and the pending messages' it may answer."""
    times = [fact.at for fact in facts]
    for state in states:
        times += state.pending
    return iso_weeks(times)


def median_of_histogram(histogram: dict[str, int]) -> int | None:
    """The upper edge of the bucket holding the median delay (ms); None without answers."""
    total = sum(histogram.values())
    if total == 0:
        return None
    seen = 0
    for edge in [*map(str, RESPONSE_BUCKETS_MS), "inf"]:
        seen += histogram.get(edge, 0)
        if seen * 2 >= total:
            return None if edge == "inf" else int(edge)
    return None
