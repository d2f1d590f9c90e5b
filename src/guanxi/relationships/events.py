"""The events of friend requests and friendships: each addressed to one user (stored with
`user_id`), so every one of them replays to that user's devices."""

from __future__ import annotations

from typing import Any, TypedDict

from guanxi.eventlog.event_type import EventType


class FriendRequestPayload(TypedDict):
    request: dict[str, Any]  # FriendRequest.to_wire()


class FriendRemoved(TypedDict):
    handle: str  # the friend removed


FRIEND_REQUEST_RECEIVED = EventType(
    "friend_request.received", FriendRequestPayload, to="the person asked"
)
FRIEND_REQUEST_ACCEPTED = EventType(
    "friend_request.accepted",
    FriendRequestPayload,
    to="both people of the request (one event for each, addressed to each)",
)
FRIEND_REMOVED = EventType(
    "friend.removed", FriendRemoved, to="the remover's own devices (the other is not told)"
)

EVENTS: tuple[EventType[Any], ...] = (
    FRIEND_REQUEST_RECEIVED,
    FRIEND_REQUEST_ACCEPTED,
    FRIEND_REMOVED,
)
