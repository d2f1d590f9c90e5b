"""Envelopes from every worker handed to the hub in cursor order, each once.

Event ids are gap-free and given in commit order (the writer lock; eventlog/store.py), but
each worker publishes its own after its commit, so through Redis a later event of one worker
can arrive before an earlier one of another. A socket skips what is at or below the cursor it
last sent, so handing them on as they came would drop the earlier one for good. The sequencer
holds an envelope until every cursor below it has passed; if one has not come within
`GAP_SECONDS` (its worker died between commit and publish, Redis dropped it, or a command
line process wrote it without publishing), the waiting envelopes go on after a *gap* mark,
and each socket reads what it missed from the log (which has it: ids are in commit order)
before it sends anything newer.
"""

from __future__ import annotations

import asyncio
import logging

from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub

GAP_SECONDS = 1.0
WAITING_MAX = 10_000  # past this many held back, the gap is given up at once
log = logging.getLogger(__name__)


class Sequencer:
    def __init__(self, hub: Hub, gap_seconds: float = GAP_SECONDS) -> None:
        self.hub = hub
        self.gap_seconds = gap_seconds
        self.passed: int | None = None  # the cursor every envelope up to which has passed
        self._waiting: dict[int, Envelope] = {}
        self._timer: asyncio.TimerHandle | None = None

    def start_at(self, head: int) -> None:
        """Everything up to `head` is in the log before any socket of this worker replays:
        those envelopes are not needed, the next one is `head + 1`."""
        self.passed = head
        for cursor in [c for c in self._waiting if c <= head]:
            del self._waiting[cursor]
        self._pass_ready()

    def restart_at(self, head: int) -> None:
        """Subscribed again after the connection dropped: what was published meanwhile will
        not come. Every socket reads the log first (to `head` and past), then envelopes after
        `head` go on as before."""
        self.hub.gap()
        self.start_at(max(head, self.passed or 0))

    def take(self, envelope: Envelope) -> None:
        if envelope.cursor == 0:  # a control envelope: not in the log, no order to keep
            self.hub.deliver(envelope)
            return
        if self.passed is not None and envelope.cursor <= self.passed:
            return  # passed already (given up as a gap, or before this worker started)
        self._waiting[envelope.cursor] = envelope
        if self.passed is not None:
            self._pass_ready()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _pass_ready(self) -> None:
        """Hand on what follows without a gap; a gap left gets `gap_seconds` from the moment
        the envelopes before it passed (new arrivals behind it do not put it off)."""
        assert self.passed is not None
        before = self.passed
        while (envelope := self._waiting.pop(self.passed + 1, None)) is not None:
            self.hub.deliver(envelope)
            self.passed += 1
        if self.passed != before or not self._waiting:
            self.stop()
        if len(self._waiting) > WAITING_MAX:
            self._give_up_gap()
        elif self._waiting and self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self.gap_seconds, self._give_up_gap)

    def _give_up_gap(self) -> None:
        """The missing envelopes are not coming: the sockets read them from the log."""
        self.stop()
        if self._waiting and self.passed is not None:
            log.info(
                "events after %d did not come through Redis in time: the live feeds read"
                " them from the log (%d waiting)",
                self.passed,
                len(self._waiting),
            )
        self.hub.gap()
        for cursor in sorted(self._waiting):
            self.hub.deliver(self._waiting.pop(cursor))
            self.passed = cursor
