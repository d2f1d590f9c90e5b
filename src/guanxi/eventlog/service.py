"""Recording events inside a write, and publishing them once the write is committed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from guanxi.clock import Clock
from guanxi.db.database import Tx
from guanxi.eventlog import store
from guanxi.eventlog.event_type import EventType, P
from guanxi.realtime.broker import Broker
from guanxi.realtime.envelope import Envelope


@dataclass(frozen=True)
class Ref:
    """The object an event is about, when it may later change or go away (a message, a
    comment). `kind` is also the payload field that carries the object: the live event has it,
    the stored row does not, and a replay fills it in from the object as it is then."""

    kind: str
    id: int


class EventLog:
    def __init__(self, broker: Broker, clock: Clock) -> None:
        self.broker = broker
        self.clock = clock

    async def record(
        self,
        tx: Tx,
        type: EventType[P],
        payload: P,
        *,
        recipients: Iterable[int],
        conversation_id: int | None = None,
        user_id: int | None = None,
        ref: Ref | None = None,
    ) -> int:
        """Log an event in the unit's transaction; it goes live after the commit."""
        wire = cast(dict[str, Any], payload)  # a TypedDict is a plain dict at run time
        stored = wire
        if ref is not None:
            stored = {key: value for key, value in wire.items() if key != ref.kind}
        cursor = await store.insert_event(
            tx.conn,
            type=type.name,
            payload=stored,
            created_at=self.clock.now_ms(),
            user_id=user_id,
            conversation_id=conversation_id,
            ref=(ref.kind, ref.id) if ref is not None else None,
        )
        envelope = Envelope(cursor, type.name, wire, tuple(recipients))
        tx.on_commit(lambda: self.broker.publish(envelope))
        return cursor


def publish_control(
    broker: Broker, type: EventType[P], payload: P, *, recipients: Iterable[int]
) -> None:
    """Publish a control event (not `logged`) to the live feeds of every worker, past the log:
    cursor 0, never stored, never replayed (a `framed` one reaches live sockets as a frame)."""
    assert not type.logged, f"{type.name} belongs in the log: record it"
    broker.publish(Envelope(0, type.name, cast(dict[str, Any], payload), tuple(recipients)))
