"""What a device missed since its cursor, in order, and the live feed after it."""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.conversations import store_members
from guanxi.conversations.models import Member
from guanxi.db.database import Database
from guanxi.eventlog import store as eventlog_store
from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub, Subscription

REPLAY_PAGE = 500


@dataclass(frozen=True)
class Replayed:
    cursor: int
    frame: str


class StreamService:
    def __init__(self, db: Database, hub: Hub) -> None:
        self.db = db
        self.hub = hub

    def subscribe(self, user_id: int, session_id: int) -> Subscription:
        """Start buffering live events; subscribe before replaying so nothing falls between."""
        return self.hub.subscribe(user_id, session_id)

    def unsubscribe(self, subscription: Subscription) -> None:
        self.hub.unsubscribe(subscription)

    async def head(self) -> int:
        async with self.db.read() as conn:
            return await eventlog_store.get_head(conn)

    async def replay(self, user_id: int, cursor: int) -> list[Replayed]:
        """One page of the user's events after `cursor`; empty when caught up."""
        async with self.db.read() as conn:
            windows = dict(await store_members.list_memberships(conn, user_id))
            rows = await eventlog_store.list_events_after(
                conn,
                user_id=user_id,
                conversation_ids=windows.keys(),
                cursor=cursor,
                limit=REPLAY_PAGE,
            )
        page: list[Replayed] = []
        for row in rows:
            if row.user_id is None and not _within(windows[row.conversation_id], row.id):
                page.append(Replayed(row.id, ""))  # skipped, but the cursor moves on
                continue
            envelope = Envelope(row.id, row.type, dict(row.payload), (user_id,))
            page.append(Replayed(row.id, envelope.frame))
        return page


def _within(member: Member, event_id: int) -> bool:
    return event_id > member.joined_event and (
        member.left_event is None or event_id <= member.left_event
    )
