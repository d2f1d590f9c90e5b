""" "My year": one user's year in their chats and moments, as one HTML page.

The year's held messages are read a page at a time (report_rows.py) and added up with numpy:
a weekday x hour grid of what the user sent, messages per month with each direct contact,
and interactions (a message answered within 24 h, either way) per contact, which place the
contacts in circles (circles.py). Times are UTC.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from guanxi.insight import charts, report_html
from guanxi.insight.circles import CIRCLE_NAMES, circles
from guanxi.insight.operator_chats import DAY_MS, HOUR_MS, INTERACTION_MS, ChatStream, Ints

TOP = 5  # relationships drawn over the months
NAMES_PER_CIRCLE = 30  # people listed by name per circle (the rest are counted)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def year_span(year: int) -> tuple[int, int]:
    """[1 January, next 1 January) of a UTC year, in ms."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def month_of(at: Ints, year: int) -> Ints:
    """0-11: each time's month within the year."""
    months = at.astype("datetime64[ms]").astype("datetime64[M]").astype(np.int64)
    result: Ints = months - (year - 1970) * 12
    return result


@dataclass
class YearTally:
    me: int
    year: int
    direct: dict[int, int]  # direct conversation -> the other person
    heat: Ints = field(default_factory=lambda: np.zeros((7, 24), np.int64))
    by_peer: dict[int, Ints] = field(default_factory=dict)
    interactions: Counter[int] = field(default_factory=Counter)
    sent: int = 0
    received: int = 0
    stream: ChatStream = field(default_factory=ChatStream)

    def take(self, rows: list[Any], *, last: bool) -> None:
        """A page of (conversation_id, seq, sender_id, created_at, kind) rows."""
        at = np.array([r.created_at for r in rows], dtype=np.int64)
        conversation = np.array([r.conversation_id for r in rows], dtype=np.int64)
        mine = np.array([r.sender_id == self.me for r in rows], dtype=bool)
        self.sent += int(mine.sum())
        self.received += len(rows) - int(mine.sum())
        weekday, hour = (at[mine] // DAY_MS + 3) % 7, (at[mine] // HOUR_MS) % 24
        np.add.at(self.heat, (weekday, hour), 1)
        month = month_of(at, self.year)
        for c in np.unique(conversation).tolist():
            if c in self.direct:
                counts = np.bincount(month[conversation == c], minlength=12)
                peer = self.direct[c]
                self.by_peer[peer] = self.by_peer.get(peer, np.zeros(12, np.int64)) + counts
        self._answers([r for r in rows if r.conversation_id in self.direct], last=last)

    def _answers(self, rows: list[Any], *, last: bool) -> None:
        batch = self.stream.feed(rows, last=last)
        answered = batch.conversation[batch.delay <= INTERACTION_MS]
        for c, n in zip(*np.unique(answered, return_counts=True), strict=True):
            self.interactions[self.direct[int(c)]] += int(n)

    def top(self) -> list[int]:
        totals = sorted(self.by_peer.items(), key=lambda item: (-int(item[1].sum()), item[0]))
        return [peer for peer, counts in totals[:TOP] if counts.sum() > 0]

    def rings(self) -> list[list[int]]:
        return circles(dict(self.interactions), k=len(CIRCLE_NAMES))

    def people_to_name(self) -> list[int]:
        wanted = set(self.top())
        for ring in self.rings():
            wanted.update(ring[:NAMES_PER_CIRCLE])
        return sorted(wanted)


@dataclass(frozen=True, kw_only=True)
class Moments:
    posted: Ints
    likes: Ints
    comments: Ints
    likes_given: int
    comments_given: int

    @classmethod
    def of(cls, rows: list[Any], year: int, given: tuple[int, int]) -> Moments:
        at = np.array([r[0] for r in rows], dtype=np.int64)
        month = month_of(at, year)
        weights = [np.array([r[i] for r in rows], dtype=np.float64) for i in (1, 2)]
        return cls(
            posted=np.bincount(month, minlength=12),
            likes=np.bincount(month, weights=weights[0], minlength=12).astype(np.int64),
            comments=np.bincount(month, weights=weights[1], minlength=12).astype(np.int64),
            likes_given=given[0],
            comments_given=given[1],
        )


def person(names: dict[int, tuple[str, str]], user_id: int) -> str:
    handle, display_name = names.get(user_id, ("?", "someone"))
    return f"{display_name} (@{handle})"


def render(
    title_name: str,
    tally: YearTally,
    moments: Moments,
    names: dict[int, tuple[str, str]],
) -> str:
    """The page (charts drawn here: call it in a thread)."""
    h = report_html
    year = tally.year
    top = tally.top()
    parts = [
        h.paragraph(f"{title_name} — {year}, in UTC."),
        h.table(
            ["", "count"],
            [
                ["messages sent", tally.sent],
                ["messages received", tally.received],
                ["people in direct chats", len(tally.by_peer)],
                ["moments posted", int(moments.posted.sum())],
                ["likes received / given", f"{int(moments.likes.sum())} / {moments.likes_given}"],
                [
                    "comments received / given",
                    f"{int(moments.comments.sum())} / {moments.comments_given}",
                ],
            ],
        ),
        h.heading("When I write"),
        h.image(
            charts.heat_map(tally.heat.tolist(), "Messages sent by weekday and hour"), "heat map"
        ),
        h.heading("My closest over the year"),
    ]
    if top:
        series = [tally.by_peer[p].tolist() for p in top]
        parts.append(h.image(charts.lines(MONTHS, series, "Messages per month"), "top contacts"))
        rows = [
            [f"#{n}", person(names, p), int(tally.by_peer[p].sum())] for n, p in enumerate(top, 1)
        ]
        parts.append(h.table(["", "who", "messages"], rows))
    else:
        parts.append(h.paragraph("No direct chats this year.", muted=True))
    parts += _circles(tally, names)
    parts += [
        h.heading("Moments"),
        h.image(
            charts.bars(
                MONTHS,
                {
                    "moments": moments.posted.tolist(),
                    "likes received": moments.likes.tolist(),
                    "comments received": moments.comments.tolist(),
                },
                "Moments and their engagement",
                "count",
            ),
            "moments engagement",
        ),
    ]
    return h.page(f"My year {year}", parts)


def _circles(tally: YearTally, names: dict[int, tuple[str, str]]) -> list[str]:
    h = report_html
    rings = tally.rings()
    parts = [h.heading("My circles")]
    if not rings[-1]:
        return [*parts, h.paragraph("No interactions this year yet.", muted=True)]
    sizes = [len(ring) for ring in rings]
    parts.append(h.image(charts.rings(sizes, CIRCLE_NAMES), "circles"))
    rows = []
    for j, ring in enumerate(rings):
        new = [p for p in ring if j == 0 or p not in rings[j - 1]]
        shown = ", ".join(person(names, p) for p in new[:NAMES_PER_CIRCLE])
        more = len(new) - NAMES_PER_CIRCLE
        rows.append([CIRCLE_NAMES[j], len(ring), shown + (f" and {more} more" if more > 0 else "")])
    parts.append(h.table(["circle", "size", "new in this circle"], rows))
    return parts
