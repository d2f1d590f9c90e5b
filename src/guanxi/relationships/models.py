"""Relationship values handed between layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.accounts.models import User
from guanxi.clock import iso

ROLES = (
    "family",
    "partner",
    "close_friend",
    "classmate",
    "colleague",
    "teacher",
    "student",
    "acquaintance",
)


@dataclass(frozen=True, kw_only=True)
class FriendRequest:
    id: int
    sender: User
    recipient: User
    greeting: str
    role: str
    status: str
    created_at: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.sender.to_wire(),
            "to": self.recipient.to_wire(),
            "greeting": self.greeting,
            "role": self.role,
            "status": self.status,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, kw_only=True)
class Friend:
    """One side's view of a friendship: the friend, and what this side chose."""

    user: User
    role: str
    remark: str
    tags: list[str]
    hide_my_moments: bool
    hide_their_moments: bool
    since: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "user": self.user.to_wire(),
            "role": self.role,
            "remark": self.remark,
            "tags": self.tags,
            "hide_my_moments": self.hide_my_moments,
            "hide_their_moments": self.hide_their_moments,
            "since": iso(self.since),
        }


@dataclass(frozen=True, kw_only=True)
class FriendPatch:
    """What one side changes of a friendship; None leaves a field as it is."""

    role: str | None = None
    remark: str | None = None
    tags: list[str] | None = None
    hide_my_moments: bool | None = None
    hide_their_moments: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Profile:
    """Someone's public profile as a given viewer sees it."""

    user: User
    is_friend: bool
    friend: Friend | None
    is_blocked: bool

    def to_wire(self) -> dict[str, Any]:
        return {
            "user": self.user.to_wire(),
            "is_friend": self.is_friend,
            "friend": self.friend.to_wire() if self.friend else None,
            "is_blocked": self.is_blocked,
        }
