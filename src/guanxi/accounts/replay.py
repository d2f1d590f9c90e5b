"""Profiles as they are now, for events that name a user (a replay of `user.updated` fills
them in, so an older change never shows an older name or picture)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store


async def load_users(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    return {uid: user.to_wire() for uid, user in (await store.list_users(conn, ids)).items()}
