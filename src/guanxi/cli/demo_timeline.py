"""Playing the demo's history in time order, through the services, as fast as they allow.

Everything the demo community does is an act at a moment: a message (`Say`) or any other
call (`Do`: a reaction, a moment, a like, a friend request). Acts run in time order, so the
event log reads like a half year lived in order. Messages between two other acts are sent
together: each through a copy of the message service with its own fixed clock, all waiting
for one commit of the database's writer (one transaction instead of a thousand).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from guanxi.accounts.models import Principal
from guanxi.clock import FixedClock
from guanxi.conversations.service_messages import Draft, MessageService
from guanxi.services import Services

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


class DemoClock(FixedClock):
    """Set back to each scripted moment; never later than when the demo was made."""

    def __init__(self, start_ms: int) -> None:
        super().__init__(start_ms)
        self.start = start_ms

    def now_ms(self) -> int:
        return min(self.current, self.start)

    @property
    def today(self) -> int:
        """Midnight (UTC) of the day the demo is made."""
        return self.start - self.start % DAY_MS


@dataclass
class Demo:
    services: Services
    clock: DemoClock
    people: dict[str, Principal] = field(default_factory=dict)
    chats: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)  # client_id -> seq
    moments: dict[str, int] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)

    def ms(self, days_ago: float, hour: float) -> int:
        return int(self.clock.today - days_ago * DAY_MS + hour * HOUR_MS)

    def at(self, days_ago: float, hour: float) -> None:
        self.clock.current = self.ms(days_ago, hour)


@dataclass(frozen=True, kw_only=True)
class Say:
    at_ms: int
    chat: str  # a group key or "dm:a:b"
    sender: str
    draft: Draft


@dataclass(frozen=True, kw_only=True)
class Do:
    at_ms: int
    step: Callable[[], Awaitable[object]]


Act = Say | Do


async def play(demo: Demo, acts: list[Act]) -> None:
    """Run the acts in time order (a stable sort: acts at one moment keep their order)."""
    batch: list[Say] = []
    for act in sorted(acts, key=lambda a: a.at_ms):
        if isinstance(act, Say) and act.draft.media_id is None:
            batch.append(act)
            continue
        await _send(demo, batch)
        batch = []
        demo.clock.current = act.at_ms
        if isinstance(act, Say):  # with a picture: its check reads first, so it goes alone
            await _send(demo, [act])
        else:
            await act.step()
    await _send(demo, batch)


async def _send(demo: Demo, batch: list[Say]) -> None:
    for say in batch:  # a direct chat opens when its first message is sent
        if say.chat not in demo.chats:
            demo.clock.current = say.at_ms
            demo.chats[say.chat] = await open_chat(demo, say.chat)
    sends = [
        messages_at(demo.services.messages, min(say.at_ms, demo.clock.start)).send_message(
            demo.people[say.sender], demo.chats[say.chat], say.draft
        )
        for say in batch
    ]
    for say, (message, _) in zip(batch, await asyncio.gather(*sends), strict=True):
        if say.draft.client_id is not None:
            demo.sent[say.draft.client_id] = message.seq


async def open_chat(demo: Demo, key: str) -> int:
    _, a, b = key.split(":")
    conversation, _ = await demo.services.conversations.open_direct(demo.people[a], b)
    return conversation.id


def messages_at(messages: MessageService, at_ms: int) -> MessageService:
    """The message service with a clock of its own that reads `at_ms` (and so does the
    copy of its event log): messages of different moments can then share one commit."""
    clock = FixedClock(at_ms)
    timed = copy.copy(messages)
    timed.clock = clock
    timed.events = copy.copy(messages.events)
    timed.events.clock = clock
    return timed
