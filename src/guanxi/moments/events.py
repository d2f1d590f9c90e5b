"""The events of moments. A new post reaches the author and the friends who may see it in
their feed (its audience, the author's window, blocks and hide switches decide; a stranger or
a blocked user gets nothing). Likes and comments follow WeChat's rule: a like or a comment
reaches the author, the one who liked or commented, and that person's friends who may see the
moment.
Each is stored once, addressed to the moment's author (`user_id`): only the author's devices
get it again on replay; the others get it live only."""

from __future__ import annotations

from typing import Any, TypedDict

from guanxi.eventlog.event_type import EventType


class MomentPosted(TypedDict):
    moment_id: int
    author: str  # the author's handle
    moment: dict[str, Any]  # {id, created_at}; stored without it, Ref("moment", id): the
    # moment itself is read with GET /moments/{id}, as the viewer may see it


class MomentLiked(TypedDict):
    moment_id: int
    author: str  # the moment's author's handle
    like: dict[str, Any]  # Like.to_wire()


class MomentUnliked(TypedDict):
    moment_id: int
    author: str
    user: dict[str, Any]  # User.to_wire() of who took the like back


class MomentCommented(TypedDict):
    moment_id: int
    author: str
    comment: dict[str, Any]  # Comment.to_wire(); stored without it, Ref("comment", id)


class MomentCommentDeleted(TypedDict):
    moment_id: int
    author: str
    comment_id: int


class MomentDeleted(TypedDict):
    moment_id: int
    author: str


WHO_MAY_SEE = (
    "the author, who {did} it, and each of that person's friends who may see the moment "
    "(a reply: only those who also know the person replied to)"
)

MOMENT_POSTED = EventType(
    "moment.posted",
    MomentPosted,
    to="the author and each friend who may see the moment in their feed when it is posted",
)
MOMENT_LIKED = EventType("moment.liked", MomentLiked, to=WHO_MAY_SEE.format(did="liked"))
MOMENT_UNLIKED = EventType(
    "moment.unliked", MomentUnliked, to=WHO_MAY_SEE.format(did="liked") + ", as the like did"
)
MOMENT_COMMENTED = EventType(
    "moment.commented", MomentCommented, to=WHO_MAY_SEE.format(did="commented")
)
MOMENT_COMMENT_DELETED = EventType(
    "moment.comment_deleted",
    MomentCommentDeleted,
    to="those the comment reached, and the person deleting it",
)
MOMENT_DELETED = EventType(
    "moment.deleted",
    MomentDeleted,
    to="the author and everyone who may see the moment in their feed at that moment",
)

EVENTS: tuple[EventType[Any], ...] = (
    MOMENT_POSTED,
    MOMENT_LIKED,
    MOMENT_UNLIKED,
    MOMENT_COMMENTED,
    MOMENT_COMMENT_DELETED,
    MOMENT_DELETED,
)
