"""Account values handed between layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.clock import iso


@dataclass(frozen=True)
class User:
    id: int
    handle: str
    display_name: str
    bio: str
    is_placeholder: bool
    created_at: int
    moments_visible: str = "all"  # how far back friends see my moments: "3d", "6m", "all"

    @classmethod
    def from_row(cls, row: Any) -> User:
        return cls(
            row.id,
            row.handle,
            row.display_name,
            row.bio,
            bool(row.is_placeholder),
            row.created_at,
            row.moments_visible,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "bio": self.bio,
            "is_placeholder": self.is_placeholder,
            "created_at": iso(self.created_at),
        }

    def to_own_wire(self) -> dict[str, Any]:
        """The profile as its owner sees it: public fields and private settings."""
        return {**self.to_wire(), "moments_visible": self.moments_visible}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user and the session (device) they called with."""

    user: User
    session_id: int
