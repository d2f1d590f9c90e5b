"""The accounts' one event, a control event: it goes to the live feeds past the log."""

from __future__ import annotations

from typing import Any, TypedDict

from guanxi.eventlog.event_type import EventType
from guanxi.realtime import hub


class SessionEnded(TypedDict):
    session_id: int


# The hub recognises it by name (realtime sits below the event log and the domains).
SESSION_ENDED = EventType(
    hub.SESSION_ENDED,
    SessionEnded,
    to="the sockets of that session, on every worker: they close (4401), no frame is sent",
    logged=False,
)

EVENTS: tuple[EventType[Any], ...] = (SESSION_ENDED,)
