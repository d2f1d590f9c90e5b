"""A conversation's members, a page at a time, in the order they joined."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.conversations import store_members
from guanxi.db import keyset
from guanxi.db.keyset import Page

LIST = "members"


def members_cursor(cursor: str | None) -> tuple[int, int] | None:
    """The (joined_at, user_id) a page continues after."""
    return keyset.decode_pair(cursor, LIST)


async def members_page(
    conn: AsyncConnection, conversation_id: int, after: tuple[int, int] | None, limit: int
) -> Page[tuple[User, str]]:
    rows = await store_members.list_active_members_page(conn, conversation_id, after, limit + 1)
    page = keyset.page_of(rows, limit, LIST, lambda r: (r.joined_at, r.user_id))
    users = await accounts_store.list_users(conn, [r.user_id for r in page.items])
    return Page([(users[r.user_id], r.role) for r in page.items], page.next_cursor)
