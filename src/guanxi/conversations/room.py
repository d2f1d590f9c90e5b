"""The cap on conversations per user: a chat list (and the work of paging it) stays bounded.

Checked wherever someone becomes an active member: opening a direct chat, creating a group,
joining one. Leaving a group makes room again.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import User
from guanxi.conversations import store_members
from guanxi.errors import Conflict


async def check_room(conn: AsyncConnection, joining: list[User], me_id: int, cap: int) -> None:
    """Refuse (409 too_many_conversations) if any of `joining` is in `cap` conversations."""
    full = set(await store_members.list_users_in_at_least(conn, [u.id for u in joining], cap))
    if me_id in full:
        raise Conflict(
            f"You are in {cap} conversations, the most one person may be in; leave a group"
            " to make room.",
            "too_many_conversations",
        )
    for user in joining:
        if user.id in full:
            raise Conflict(
                f"{user.handle} is in {cap} conversations, the most one person may be in.",
                "too_many_conversations",
            )
