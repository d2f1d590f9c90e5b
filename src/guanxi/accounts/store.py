"""SQL for users and sessions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import User
from guanxi.accounts.rows import user_from_row
from guanxi.accounts.tables import users


async def insert_user(
    conn: AsyncConnection,
    *,
    handle: str,
    display_name: str,
    password_hash: str | None,
    created_at: int,
    is_placeholder: bool = False,
    origin: str | None = None,
) -> User:
    result = await conn.execute(
        sa.insert(users)
        .values(
            handle=handle,
            display_name=display_name,
            bio="",
            password_hash=password_hash,
            created_at=created_at,
            is_placeholder=is_placeholder,
            origin=origin,
        )
        .returning(users)
    )
    return user_from_row(result.one())


async def get_user(conn: AsyncConnection, user_id: int) -> User | None:
    row = (await conn.execute(sa.select(users).where(users.c.id == user_id))).first()
    return user_from_row(row) if row else None


async def get_user_by_handle(conn: AsyncConnection, handle: str) -> User | None:
    row = (await conn.execute(sa.select(users).where(users.c.handle == handle))).first()
    return user_from_row(row) if row else None


async def get_password_hash(
    conn: AsyncConnection, handle: str
) -> tuple[int, str | None, bool] | None:
    """(id, password hash, is disabled) of the user with this handle."""
    query = sa.select(users.c.id, users.c.password_hash, users.c.is_disabled).where(
        users.c.handle == handle
    )
    row = (await conn.execute(query)).first()
    return (row.id, row.password_hash, bool(row.is_disabled)) if row else None


async def get_password_hash_by_id(conn: AsyncConnection, user_id: int) -> str | None:
    query = sa.select(users.c.password_hash).where(users.c.id == user_id)
    found: str | None = (await conn.execute(query)).scalar()
    return found


async def exists_handle(conn: AsyncConnection, handle: str) -> bool:
    query = sa.select(sa.literal(1)).where(users.c.handle == handle)
    return (await conn.execute(query)).first() is not None


async def count_users(conn: AsyncConnection) -> int:
    return int((await conn.execute(sa.select(sa.func.count()).select_from(users))).scalar_one())


async def list_users(conn: AsyncConnection, user_ids: Iterable[int]) -> dict[int, User]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = (await conn.execute(sa.select(users).where(users.c.id.in_(ids)))).all()
    return {row.id: user_from_row(row) for row in rows}


async def list_users_by_handle(conn: AsyncConnection, handles: Iterable[str]) -> dict[str, User]:
    wanted = list(set(handles))
    if not wanted:
        return {}
    rows = (await conn.execute(sa.select(users).where(users.c.handle.in_(wanted)))).all()
    return {row.handle: user_from_row(row) for row in rows}


async def update_user(conn: AsyncConnection, user_id: int, **values: Any) -> User:
    result = await conn.execute(
        sa.update(users).where(users.c.id == user_id).values(**values).returning(users)
    )
    return user_from_row(result.one())
