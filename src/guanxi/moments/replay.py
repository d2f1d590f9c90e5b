"""Comments and moments as they are now, for events that name them (a replay fills them in; a
deleted comment, or one of a deleted moment, or a deleted moment, is gone and its event is not
replayed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.clock import iso
from guanxi.moments import store, store_reactions
from guanxi.moments.rows import comment_from_row


async def load_comments(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = await store_reactions.list_comments_by_id(conn, ids)
    people = {row.user_id for row in rows} | {row.reply_to_user_id for row in rows}
    users = await accounts_store.list_users(conn, people - {None})
    return {row.id: comment_from_row(row, users).to_wire() for row in rows}


async def load_moments(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """A `moment.posted` names its moment by id and time only: the viewer reads it whole."""
    stamps = await store.list_moment_stamps(conn, ids)
    return {key: {"id": key, "created_at": iso(at)} for key, at in stamps.items()}
