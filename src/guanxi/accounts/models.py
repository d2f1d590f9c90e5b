"""Account values handed between layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.clock import iso


@dataclass(frozen=True, kw_only=True)
class User:
    id: int
    handle: str
    display_name: str
    bio: str
    is_placeholder: bool
    created_at: int
    moments_visible: str = "all"  # how far back friends see my moments: "3d", "6m", "all"
    is_disabled: bool = False
    is_deleted: bool = False
    placeholder_owner: int | None = None  # a placeholder: the importer it belongs to
    avatar_media_id: str | None = None  # the profile picture (relationships/avatars.py)

    def to_wire(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "bio": self.bio,
            "is_placeholder": self.is_placeholder,
            "is_deleted": self.is_deleted,
            "created_at": iso(self.created_at),
            # the picture's version (its item's id): GET /users/{handle}/avatar serves it
            "avatar": self.avatar_media_id,
        }

    def to_own_wire(self) -> dict[str, Any]:
        """The profile as its owner sees it: public fields and private settings."""
        return {**self.to_wire(), "moments_visible": self.moments_visible}


@dataclass(frozen=True, kw_only=True)
class Principal:
    """Who is calling: the user and the session (device) they called with."""

    user: User
    session_id: int


@dataclass(frozen=True, kw_only=True)
class Session:
    """One device's login."""

    id: int
    user_id: int
    device: str
    address: str
    created_at: int
    last_used_at: int

    def to_wire(self, current_id: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "device": self.device,
            "address": self.address,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
            "current": self.id == current_id,
        }


@dataclass(frozen=True, kw_only=True)
class Invite:
    """An invite code as its maker sees it: never the code itself (only its hash is kept)."""

    id: int
    note: str
    created_at: int
    expires_at: int | None
    max_uses: int
    uses: int
    revoked_at: int | None

    def state(self, now: int) -> str:
        """`revoked`, `used up`, `expired` or `open`."""
        if self.revoked_at is not None:
            return "revoked"
        if self.uses >= self.max_uses:
            return "used up"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "open"
