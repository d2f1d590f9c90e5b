"""Account rows made into account values: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

from guanxi.accounts.models import Invite, Session, User
from guanxi.accounts.rules import placeholder_owner


def user_from_row(row: Any) -> User:
    return User(
        id=row.id,
        handle=row.handle,
        display_name=row.display_name,
        bio=row.bio,
        is_placeholder=bool(row.is_placeholder),
        created_at=row.created_at,
        moments_visible=row.moments_visible,
        is_disabled=bool(row.is_disabled),
        is_deleted=row.deleted_at is not None,
        placeholder_owner=placeholder_owner(row.origin) if row.is_placeholder else None,
        avatar_media_id=row.avatar_media_id,
    )


def invite_from_row(row: Any) -> Invite:
    return Invite(
        id=row.id,
        note=row.note,
        created_at=row.created_at,
        expires_at=row.expires_at,
        max_uses=row.max_uses,
        uses=row.uses,
        revoked_at=row.revoked_at,
    )


def session_from_row(row: Any, prefix: str = "") -> Session:
    """`prefix`: what the query put before each session column (beside a joined user's)."""
    return Session(
        id=getattr(row, f"{prefix}id"),
        user_id=getattr(row, f"{prefix}user_id"),
        device=getattr(row, f"{prefix}device"),
        address=getattr(row, f"{prefix}address"),
        created_at=getattr(row, f"{prefix}created_at"),
        last_used_at=getattr(row, f"{prefix}last_used_at"),
    )
