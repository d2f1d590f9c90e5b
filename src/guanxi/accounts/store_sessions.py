"""SQL for sessions: one row per device's login."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import Session, User
from guanxi.accounts.rows import session_from_row, user_from_row
from guanxi.accounts.tables import sessions, users


async def insert_session(
    conn: AsyncConnection,
    *,
    user_id: int,
    token_hash: str,
    device: str,
    address: str,
    created_at: int,
) -> int:
    result = await conn.execute(
        sa.insert(sessions)
        .values(
            user_id=user_id,
            token_hash=token_hash,
            device=device,
            address=address,
            created_at=created_at,
            last_used_at=created_at,
        )
        .returning(sessions.c.id)
    )
    return int(result.scalar_one())


# Built once: every token check that misses the session cache runs it (a reconnect storm, one
# per device), and labelling every column cost more than running it.
_SESSION_USER = (
    sa.select(*(c.label(f"session_{c.name}") for c in sessions.c if c.name != "token_hash"), users)
    .join(users, users.c.id == sessions.c.user_id)
    .where(sessions.c.token_hash == sa.bindparam("token_hash"))
)


async def get_session_user(conn: AsyncConnection, token_hash: str) -> tuple[Session, User] | None:
    row = (await conn.execute(_SESSION_USER, {"token_hash": token_hash})).first()
    if row is None:
        return None
    return session_from_row(row, prefix="session_"), user_from_row(row)


async def list_sessions(conn: AsyncConnection, user_id: int) -> list[Session]:
    query = (
        sa.select(sessions)
        .where(sessions.c.user_id == user_id)
        .order_by(sessions.c.last_used_at.desc(), sessions.c.id.desc())
    )
    return [session_from_row(row) for row in (await conn.execute(query)).all()]


async def count_sessions(conn: AsyncConnection, user_id: int) -> int:
    query = sa.select(sa.func.count()).select_from(sessions).where(sessions.c.user_id == user_id)
    return int((await conn.execute(query)).scalar_one())


async def list_least_recent_session_ids(
    conn: AsyncConnection, user_id: int, count: int
) -> list[int]:
    query = (
        sa.select(sessions.c.id)
        .where(sessions.c.user_id == user_id)
        .order_by(sessions.c.last_used_at, sessions.c.id)
        .limit(count)
    )
    return list((await conn.execute(query)).scalars())


async def touch_session(conn: AsyncConnection, user_id: int, session_id: int, now: int) -> None:
    """Note the session's last use (by its user and id: the user id is the key a sharded
    database finds it by, docs/deployment.md)."""
    query = (
        sa.update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.id == session_id)
        .values(last_used_at=now)
    )
    await conn.execute(query)


async def delete_sessions(conn: AsyncConnection, user_id: int, session_ids: list[int]) -> None:
    """Delete those of the listed sessions that belong to the user."""
    if session_ids:
        condition = sa.and_(sessions.c.user_id == user_id, sessions.c.id.in_(session_ids))
        await conn.execute(sa.delete(sessions).where(condition))


async def delete_user_sessions(
    conn: AsyncConnection, user_id: int, keep: int | None = None
) -> list[int]:
    """Delete every session of the user but `keep`; return the ids deleted."""
    condition = sessions.c.user_id == user_id
    if keep is not None:
        condition = sa.and_(condition, sessions.c.id != keep)
    ids = list((await conn.execute(sa.select(sessions.c.id).where(condition))).scalars())
    await delete_sessions(conn, user_id, ids)
    return ids
