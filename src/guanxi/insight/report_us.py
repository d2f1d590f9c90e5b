""" "Us": two people's shared history as one user holds it, as one HTML page.

From their direct chat (read a page at a time): messages per month each way, who writes
first (the first message after `SESSION_GAP_MS` of silence starts a conversation), how soon
each answers the other (the median wait for the other's next message, answers within a week
only), the kinds of messages each sends; and what else they share (groups, moments).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guanxi.insight import charts, report_html
from guanxi.insight.operator_chats import FEEDBACK_WINDOWS, HOUR_MS, ChatStream, Floats

SESSION_GAP_MS = 6 * HOUR_MS
ANSWER_MS = FEEDBACK_WINDOWS["7d"]
CHART_MONTHS = 60  # the chart shows the last five years; the table counts everything
ME, THEM = "me", "them"


def month_label(month: int) -> str:
    return f"{1970 + month // 12}-{month % 12 + 1:02d}"


@dataclass
class UsTally:
    me: int
    first_at: int | None = None
    last_at: int | None = None
    months: dict[str, Counter[int]] = field(
        default_factory=lambda: {ME: Counter(), THEM: Counter()}
    )
    starts: Counter[str] = field(default_factory=lambda: Counter({ME: 0, THEM: 0}))
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: {ME: Counter(), THEM: Counter()})
    waits: dict[str, list[Floats]] = field(default_factory=lambda: {ME: [], THEM: []})
    stream: ChatStream = field(default_factory=ChatStream)

    def take(self, rows: list[Any], *, last: bool) -> None:
        """A page of (conversation_id, seq, sender_id, created_at, kind) rows of the chat."""
        at = np.array([r.created_at for r in rows], dtype=np.int64)
        mine = np.array([r.sender_id == self.me for r in rows], dtype=bool)
        if len(rows):
            self._count(rows, at, mine)
        batch = self.stream.feed(rows, last=last)
        answered = batch.delay <= ANSWER_MS
        by_me = batch.sender == self.me
        self.waits[THEM].append(batch.delay[answered & by_me])  # they answered me
        self.waits[ME].append(batch.delay[answered & ~by_me])

    def _count(self, rows: list[Any], at: Any, mine: Any) -> None:
        months = at.astype("datetime64[ms]").astype("datetime64[M]").astype(np.int64)
        previous = np.concatenate([[self.last_at if self.last_at is not None else -1], at[:-1]])
        opens = (previous < 0) | (at - previous >= SESSION_GAP_MS)
        kinds = np.array([r.kind for r in rows])
        for who, side in ((ME, mine), (THEM, ~mine)):
            values, counts = np.unique(months[side], return_counts=True)
            self.months[who].update(dict(zip(values.tolist(), counts.tolist(), strict=True)))
            self.starts[who] += int(np.count_nonzero(opens & side))
            names, counts = np.unique(kinds[side], return_counts=True)
            self.kinds[who].update(dict(zip(names.tolist(), counts.tolist(), strict=True)))
        self.first_at = int(at[0]) if self.first_at is None else self.first_at
        self.last_at = int(at[-1])

    def median_wait(self, who: str) -> float | None:
        waits = np.concatenate(self.waits[who]) if self.waits[who] else np.zeros(0)
        return float(np.median(waits)) if len(waits) else None


@dataclass(frozen=True, kw_only=True)
class Shared:
    groups: list[str]
    likes: dict[str, int]  # given by me / by them on the other's moments
    comments: dict[str, int]


def render(me_name: str, them_name: str, tally: UsTally, shared: Shared) -> str:
    """The page (charts drawn here: call it in a thread)."""
    h = report_html
    sent, received = sum(tally.months[ME].values()), sum(tally.months[THEM].values())
    since = "-" if tally.first_at is None else np.datetime64(tally.first_at, "ms").astype(str)[:10]
    parts = [
        h.paragraph(f"{me_name} and {them_name}, as {me_name} holds it; times in UTC."),
        h.table(
            ["", me_name, them_name],
            [
                ["messages written", sent, received],
                ["conversations started", tally.starts[ME], tally.starts[THEM]],
                [
                    "median time to answer",
                    h.duration(tally.median_wait(ME)),
                    h.duration(tally.median_wait(THEM)),
                ],
                ["likes on the other's moments", shared.likes[ME], shared.likes[THEM]],
                ["comments on the other's moments", shared.comments[ME], shared.comments[THEM]],
            ],
        ),
        h.paragraph(f"Our direct chat since {since}."),
    ]
    parts += _history(tally, me_name, them_name)
    kinds = sorted(set(tally.kinds[ME]) | set(tally.kinds[THEM]))
    parts += [
        h.heading("What we send"),
        h.table(
            ["kind", me_name, them_name],
            [[k, tally.kinds[ME][k], tally.kinds[THEM][k]] for k in kinds],
        ),
        h.heading("Groups we are both in"),
        h.paragraph(
            ", ".join(shared.groups) if shared.groups else "None.", muted=not shared.groups
        ),
    ]
    return h.page("Us", parts)


def _history(tally: UsTally, me_name: str, them_name: str) -> list[str]:
    h = report_html
    known = set(tally.months[ME]) | set(tally.months[THEM])
    if not known:
        return [h.heading("Our history"), h.paragraph("No direct messages yet.", muted=True)]
    months = list(range(max(min(known), max(known) - CHART_MONTHS + 1), max(known) + 1))
    chart = charts.bars(
        [month_label(m) for m in months],
        {
            "me": [tally.months[ME][m] for m in months],
            "them": [tally.months[THEM][m] for m in months],
        },
        "Messages per month",
        "messages",
    )
    return [
        h.heading("Our history"),
        h.image(chart, "messages per month"),
        h.paragraph(f"In the chart: me = {me_name}, them = {them_name}.", muted=True),
    ]
