"""The accounts' events: a session's end (a control event, to the live feeds past the log)
and a profile's change (recorded where it is known who sees the profile:
conversations/profiles.py)."""

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


class UserUpdated(TypedDict):
    user: dict[str, Any]  # User.to_wire(); stored without it, Ref("user", id): a replay reads
    # the profile as it is then


USER_UPDATED = EventType(
    "user.updated",
    UserUpdated,
    to="the user's own devices, and live everyone who may see the profile and has it in view: "
    "who keeps them as a friend and the members of a chat they are in, never someone they "
    "blocked; stored once, for the user's own devices (the others reload on reconnecting)",
)

EVENTS: tuple[EventType[Any], ...] = (SESSION_ENDED, USER_UPDATED)
