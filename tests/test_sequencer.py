"""The sequencer hands envelopes from every worker to the hub in cursor order, each once, and
gives up a hole that does not fill with a gap mark (realtime/sequencer.py)."""

from __future__ import annotations

from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import GAP, Hub, Subscription
from guanxi.realtime.sequencer import Sequencer

USER = 7


def _envelope(cursor: int) -> Envelope:
    return Envelope(cursor, "message.created", {"n": cursor}, (USER,))


def _feed(gap_seconds: float = 3600) -> tuple[Sequencer, Subscription]:
    hub = Hub()
    return Sequencer(hub, gap_seconds), hub.subscribe(USER, 1)


def _queued(subscription: Subscription) -> list[int]:
    taken = []
    while len(subscription):
        envelope = subscription.take()
        assert envelope is not None
        taken.append(-1 if envelope is GAP else envelope.cursor)
    return taken


async def test_envelopes_out_of_order_are_handed_on_in_order() -> None:
    sequencer, feed = _feed()
    sequencer.start_at(10)
    for cursor in (13, 11, 14, 12, 12, 9):  # a duplicate, and one the log had at the start
        sequencer.take(_envelope(cursor))
    assert _queued(feed) == [11, 12, 13, 14]
    sequencer.stop()


async def test_what_came_before_the_start_waits_for_it() -> None:
    sequencer, feed = _feed()
    sequencer.take(_envelope(5))
    sequencer.take(_envelope(6))
    assert _queued(feed) == []
    sequencer.start_at(5)  # 5 is in the log: the sockets' replays have it
    assert _queued(feed) == [6]
    sequencer.stop()


async def test_a_hole_that_does_not_fill_is_given_up_with_a_gap_mark() -> None:
    sequencer, feed = _feed(gap_seconds=0.01)
    sequencer.start_at(0)
    sequencer.take(_envelope(2))
    sequencer.take(_envelope(3))
    assert _queued(feed) == []
    marks = [await feed.get() for _ in range(3)]
    assert [m is GAP or (m is not None and m.cursor) for m in marks] == [True, 2, 3]
    sequencer.take(_envelope(1))  # too late: the sockets read it from the log
    sequencer.take(_envelope(4))
    assert _queued(feed) == [4]
    sequencer.stop()


async def test_control_envelopes_pass_at_once() -> None:
    sequencer, feed = _feed()
    sequencer.start_at(0)
    sequencer.take(_envelope(2))
    typing = Envelope(0, "typing.started", {}, (USER,))
    sequencer.take(typing)
    assert feed.take() is typing
    sequencer.stop()
