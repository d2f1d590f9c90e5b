"""Relationship rows made into relationship values: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

from guanxi.accounts.models import User
from guanxi.relationships.models import Friend, FriendRequest


def friend_from_row(row: Any, user: User) -> Friend:
    """One side's friendship row; `user` is the friend it names."""
    return Friend(
        user=user,
        role=row.role,
        remark=row.remark,
        tags=list(row.tags),
        hide_my_moments=bool(row.hide_my_moments),
        hide_their_moments=bool(row.hide_their_moments),
        since=row.created_at,
    )


def friend_request_from_row(row: Any, users: dict[int, User]) -> FriendRequest:
    """`users`: at least the request's sender and recipient, by id."""
    return FriendRequest(
        id=row.id,
        sender=users[row.from_user_id],
        recipient=users[row.to_user_id],
        greeting=row.greeting,
        role=row.role,
        status=row.status,
        created_at=row.created_at,
    )
