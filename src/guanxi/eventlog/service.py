"""Recording events inside a write, and publishing them once the write is committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from guanxi.clock import Clock
from guanxi.db.database import Tx
from guanxi.eventlog import store
from guanxi.realtime.broker import Broker
from guanxi.realtime.envelope import Envelope


class EventLog:
    def __init__(self, broker: Broker, clock: Clock) -> None:
        self.broker = broker
        self.clock = clock

    async def record(
        self,
        tx: Tx,
        type: str,
        payload: dict[str, Any],
        *,
        recipients: Iterable[int],
        conversation_id: int | None = None,
        user_id: int | None = None,
    ) -> int:
        """Log an event in the unit's transaction; it goes live after the commit."""
        cursor = await store.insert_event(
            tx.conn,
            type=type,
            payload=payload,
            created_at=self.clock.now_ms(),
            user_id=user_id,
            conversation_id=conversation_id,
        )
        envelope = Envelope(cursor, type, payload, tuple(recipients))
        tx.on_commit(lambda: self.broker.publish(envelope))
        return cursor
