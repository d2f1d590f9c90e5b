"""The operator's figures about the whole community (`GET /api/v1/admin/insight`,
`guanxi insight report`): the feedback curve, the funnel, stability, circle sizes and
retention by asset level.

One pass over the direct chats' messages in `(conversation_id, seq)` order, a page at a
time (operator_rows.py), each page aggregated with numpy into per-pair arrays; then the
friend requests and the people by id. Memory grows with pairs, windows and people, not with
messages. The web edge serves the figures it computed last for
`insight_operator_cache_seconds`, computing again (one computation at a time) after that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.db.database import Database
from guanxi.db.keyset import let_others_run
from guanxi.insight import operator_rows
from guanxi.insight.operator_access import access_operator
from guanxi.insight.operator_chats import DAY_MS, ChatStream, FeedbackCurve, Messages
from guanxi.insight.operator_network import circle_figures, frequencies, stability
from guanxi.insight.operator_pairs import DirectPairs, PairStats, WindowCounts
from guanxi.insight.operator_people import People, Requests, funnel, retention
from guanxi.insight.report_operator import render
from guanxi.settings import Settings

SERVER_PAGE = 5_000  # rows per read unless told (the server: `insight_read_rows`)
COMMAND_PAGE_FACTOR = 10  # a command has the process to itself: it reads more at once
WINDOW_DAYS = (28, 90)
Progress = Callable[[int, int], Awaitable[None]]


async def _pages(
    db: Database, read: Callable[..., Awaitable[list[Any]]], key: str, page: int
) -> Any:
    """Every row of a by-id list, a page per read."""
    after = 0
    while True:
        async with db.read() as conn:
            rows = await read(conn, after, page)
        if rows:
            yield rows
            after = getattr(rows[-1], key)
        if len(rows) < page:
            return
        await let_others_run()


class Pass:
    """The one pass over direct messages and what it adds up."""

    def __init__(self, pairs: DirectPairs, start_ms: int) -> None:
        self.pairs = pairs
        self.stats = PairStats(len(pairs))
        self.curve = FeedbackCurve()
        self.windows = [WindowCounts(start_ms, days * DAY_MS) for days in WINDOW_DAYS]

    def take(self, batch: Messages) -> None:
        if len(self.pairs) == 0:  # no direct chat with two members: nothing to measure
            return
        pair = self.pairs.index(batch.conversation)
        self.curve.add(batch.delay[pair >= 0])
        self.stats.add(pair, batch)
        from_low = self.pairs.low[np.maximum(pair, 0)] == batch.sender
        for counts in self.windows:
            counts.add(pair, from_low, batch.at)


async def _messages(
    db: Database, run: Pass, total: int, progress: Progress | None, page: int
) -> None:
    stream, after, done = ChatStream(), (0, 0), 0
    while True:
        async with db.read() as conn:
            rows = await operator_rows.list_direct_messages(conn, after, page)
        last = len(rows) < page
        if rows:
            after = (rows[-1].conversation_id, rows[-1].seq)
        run.take(stream.feed(rows, last=last))
        done += len(rows)
        if progress is not None:
            await progress(done, total)
        if last:
            return
        await let_others_run()


async def compute_figures(
    db: Database, now_ms: int, progress: Progress | None = None, *, page: int = SERVER_PAGE
) -> dict[str, Any]:
    """Every figure, as of `now_ms`; `progress(done, total)` after each page of messages."""
    async with db.read() as conn:
        total, first = await operator_rows.count_direct_messages(conn)
    found: list[tuple[int, int, int]] = []
    async for rows in _pages(db, operator_rows.list_direct_pairs, "conversation_id", page):
        found += [(r.conversation_id, r.low, r.high) for r in rows]
    run = Pass(DirectPairs.of(found), first if first is not None else now_ms)
    await _messages(db, run, total, progress, page)
    requests, people = Requests(), People()
    async for rows in _pages(db, operator_rows.list_friend_requests, "id", page):
        requests.add(rows)
    async for rows in _pages(db, operator_rows.list_people, "id", page):
        people.add_people(rows)
    async with db.read() as conn:
        people.add_activity(await operator_rows.list_activity(conn))
    return await asyncio.to_thread(_figures, run, requests, people, now_ms)


def _figures(run: Pass, requests: Requests, people: People, now_ms: int) -> dict[str, Any]:
    """The figures from the sums (pure Python over pairs and egos: in a thread)."""
    circles, inner = circle_figures(frequencies(run.pairs, run.stats, now_ms))
    return {
        "computed_at": now_ms,
        "messages": run.curve.messages,
        "feedback_share": run.curve.shares(),
        "funnel": funnel(requests, run.pairs, run.stats, inner),
        "stability": {"windows": [stability(run.pairs, counts) for counts in run.windows]},
        "circles": circles,
        "retention": retention(people, now_ms),
    }


class OperatorInsight:
    """The operator's figures for the web edge: the last computed, or computed now."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self._figures: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def figures(self, principal: Principal) -> dict[str, Any]:
        access_operator(principal, self.settings)
        async with self._lock:  # one computation at a time; those waiting get its result
            now = self.clock.now_ms()
            keep_ms = self.settings.insight_operator_cache_seconds * 1000
            if self._figures is None or now - self._figures["computed_at"] >= keep_ms:
                page = self.settings.insight_read_rows
                self._figures = await compute_figures(self.db, now, page=page)
            return self._figures

    async def report(self, principal: Principal) -> str:
        """The same figures as the operator's HTML report."""
        return await asyncio.to_thread(render, await self.figures(principal))
