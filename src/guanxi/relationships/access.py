"""May this viewer see this user? The one answer every domain asks for (Zulip's `access_user`).

Someone who blocked the viewer does not exist for them: every purpose answers "No such user."
The purposes differ only in which accounts count as there at all:

- `Purpose.SEE`: to look at them — their profile, their moments page, their row in my friend
  list, a block. Every account is there: a placeholder (known from imported history) and a
  deleted account (shown as what is left of it, "Deleted account") have a profile too — but a
  placeholder only for the user whose import made it: to anyone else it does not exist.
- `Purpose.REACH`: to reach them — a friend request, a direct chat, adding them to a group. A
  placeholder and a deleted account have no one behind them to reach, so they are not there
  (a friend request to a deleted account had been accepted, to wait for no one).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.errors import NotFound
from guanxi.relationships import store


class Purpose(Enum):
    SEE = "see"
    REACH = "reach"


def admits(user: User, *, viewer_id: int, blocks_viewer: bool, purpose: Purpose) -> bool:
    """Whether the viewer may have `user` for this purpose (the pure rule)."""
    if blocks_viewer or (user.is_placeholder and user.placeholder_owner != viewer_id):
        return False
    return purpose is Purpose.SEE or not (user.is_placeholder or user.is_deleted)


async def access_user(conn: AsyncConnection, viewer_id: int, handle: str, purpose: Purpose) -> User:
    """The user with this handle, if the viewer may have them for `purpose`; else not found."""
    user = await accounts_store.get_user_by_handle(conn, handle)
    if user is None or not await _admits(conn, viewer_id, user, purpose):
        raise NotFound("No such user.")
    return user


async def access_users(
    conn: AsyncConnection, viewer_id: int, handles: Sequence[str], purpose: Purpose
) -> list[User]:
    """The users behind these handles (each once, in order), as `access_user`; the first one
    the viewer may not have is named in the not-found error."""
    found = await accounts_store.list_users_by_handle(conn, handles)
    users: list[User] = []
    for handle in dict.fromkeys(handles):
        user = found.get(handle)
        if user is None or not await _admits(conn, viewer_id, user, purpose):
            raise NotFound(f"No such user: {handle}.")
        users.append(user)
    return users


async def _admits(conn: AsyncConnection, viewer_id: int, user: User, purpose: Purpose) -> bool:
    blocks_viewer = await store.exists_block(conn, user.id, viewer_id)
    return admits(user, viewer_id=viewer_id, blocks_viewer=blocks_viewer, purpose=purpose)
