"""Subscriptions of connected devices, and delivery of envelopes to them."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable

from guanxi.errors import RateLimited
from guanxi.realtime.envelope import Envelope

QUEUE_LIMIT = 10_000
SESSION_ENDED = "session.ended"  # a control envelope: closes that session's live feeds
# Put in every live feed when envelopes may have been lost on the way (realtime/sequencer.py):
# the socket reads what it missed from the log before it sends anything newer.
GAP = Envelope(0, "stream.gap", {}, ())


def too_many_for_user(held: int) -> RateLimited:
    return RateLimited(f"You have {held} connections open; close one first.", "too_many_sockets")


def too_many_for_session(held: int) -> RateLimited:
    return RateLimited(
        f"This login has {held} connections open; close one first.", "too_many_sockets"
    )


class Subscription:
    """One device's live feed. Overflowing it closes it; the device resumes by cursor.

    An idle device's feed holds no queue and no future: the deque is made by the first
    envelope and dropped when emptied, the future only while the socket waits on it — an idle
    socket costs little (thousands of them per process: docs/performance.md)."""

    __slots__ = ("_items", "_waiter", "hung_up", "overflowed", "session_id", "user_id")

    def __init__(self, user_id: int, session_id: int) -> None:
        self.user_id = user_id
        self.session_id = session_id
        self.overflowed = False
        self.hung_up = False  # the device went away
        self._items: deque[Envelope | None] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def push(self, envelope: Envelope) -> None:
        if envelope.type == SESSION_ENDED:
            if envelope.payload.get("session_id") == self.session_id:
                self.close()
            return
        if self.overflowed:
            return
        if len(self) >= QUEUE_LIMIT:
            self.overflowed = True
            self._put(None)
            return
        self._put(envelope)

    def close(self) -> None:
        self._put(None)

    def gap(self) -> None:
        if not self.overflowed:
            self._put(GAP)

    def hang_up(self) -> None:
        """The device went away: wake whoever waits on the feed, to stop."""
        self.hung_up = True
        self._put(None)

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else 0

    def take(self) -> Envelope | None:
        """The next envelope (None: the feed ended); `IndexError` when there is none."""
        if self._items is None:
            raise IndexError("the feed is empty")
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item

    async def get(self) -> Envelope | None:
        """The next envelope, waiting for one; None when the feed ended."""
        while self._items is None:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self.take()

    def _put(self, item: Envelope | None) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class Hub:
    """The live feeds of this process, at most `per_user` for a user and `per_session` for one
    session (one login) of theirs."""

    def __init__(self, per_user: int | None = None, per_session: int | None = None) -> None:
        self._subscriptions: dict[int, set[Subscription]] = defaultdict(set)
        self.per_user = per_user
        self.per_session = per_session
        self._on_session_ended: list[Callable[[int], None]] = []

    def on_session_ended(self, callback: Callable[[int], None]) -> None:
        """Call `callback(session_id)` for every `session.ended`, from whichever worker (the
        session cache forgets it: a token logged out anywhere is refused here at once)."""
        self._on_session_ended.append(callback)

    def subscribe(self, user_id: int, session_id: int) -> Subscription:
        """A new live feed, or `RateLimited` (`too_many_sockets`) past a cap."""
        subs = self._subscriptions.get(user_id, set())
        if self.per_user is not None and len(subs) >= self.per_user:
            raise too_many_for_user(len(subs))
        if self.per_session is not None:
            mine = sum(1 for sub in subs if sub.session_id == session_id)
            if mine >= self.per_session:
                raise too_many_for_session(mine)
        subscription = Subscription(user_id, session_id)
        self._subscriptions[user_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subs = self._subscriptions.get(subscription.user_id)
        if subs is None:
            return
        subs.discard(subscription)
        if not subs:
            del self._subscriptions[subscription.user_id]

    def deliver(self, envelope: Envelope) -> None:
        if envelope.type == SESSION_ENDED:
            for callback in self._on_session_ended:
                callback(envelope.payload["session_id"])
        for user_id in envelope.recipients:
            for subscription in self._subscriptions.get(user_id, ()):
                subscription.push(envelope)

    def gap(self) -> None:
        """Envelopes may have been lost: every live feed reads the log before going on."""
        for subs in self._subscriptions.values():
            for subscription in subs:
                subscription.gap()
