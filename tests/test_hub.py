"""A device's live feed (realtime/hub.py): bounded however slowly the device reads, in order,
and ended by an overflow, a hang-up or its session ending."""

from __future__ import annotations

import asyncio

from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import QUEUE_LIMIT, SESSION_ENDED, Hub

USER, SESSION = 7, 1


def _envelope(cursor: int) -> Envelope:
    return Envelope(cursor, "message.created", {"n": cursor}, (USER,))


async def test_a_feed_nobody_reads_stops_growing_at_its_limit() -> None:
    feed = Hub().subscribe(USER, SESSION)
    for cursor in range(1, QUEUE_LIMIT + 500):
        feed.push(_envelope(cursor))
    assert feed.overflowed
    assert len(feed) == QUEUE_LIMIT + 1  # what fitted, then the end of the feed
    taken = [feed.take() for _ in range(QUEUE_LIMIT)]
    assert [e.cursor for e in taken if e is not None] == list(range(1, QUEUE_LIMIT + 1))
    assert await feed.get() is None  # the socket closes it (4408); the device resumes by cursor


async def test_a_waiting_socket_wakes_for_each_envelope_in_order() -> None:
    hub = Hub()
    feed = hub.subscribe(USER, SESSION)
    waiting = asyncio.ensure_future(feed.get())
    await asyncio.sleep(0)
    hub.deliver(_envelope(1))
    hub.deliver(_envelope(2))
    first = await waiting
    second = await feed.get()
    assert [first and first.cursor, second and second.cursor] == [1, 2]
    assert len(feed) == 0


async def test_the_end_of_its_session_ends_a_feed_and_no_other() -> None:
    hub = Hub()
    mine, other = hub.subscribe(USER, SESSION), hub.subscribe(USER, SESSION + 1)
    hub.deliver(Envelope(0, SESSION_ENDED, {"session_id": SESSION}, (USER,)))
    assert await mine.get() is None
    assert len(other) == 0
    other.hang_up()
    assert other.hung_up and await other.get() is None
