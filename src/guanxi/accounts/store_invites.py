"""SQL for invite codes (only their hashes are kept)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import invites


async def insert_invite(
    conn: AsyncConnection,
    *,
    code_hash: str,
    created_by: int | None,
    note: str,
    created_at: int,
    expires_at: int | None,
    max_uses: int,
) -> int:
    result = await conn.execute(
        sa.insert(invites)
        .values(
            code_hash=code_hash,
            created_by=created_by,
            note=note,
            created_at=created_at,
            expires_at=expires_at,
            max_uses=max_uses,
        )
        .returning(invites.c.id)
    )
    return int(result.scalar_one())


async def use_invite(conn: AsyncConnection, code_hash: str, now: int) -> bool:
    """Count one use of the code if it exists, has not expired and has uses left."""
    query = (
        sa.update(invites)
        .where(
            invites.c.code_hash == code_hash,
            invites.c.uses < invites.c.max_uses,
            sa.or_(invites.c.expires_at.is_(None), invites.c.expires_at > now),
        )
        .values(uses=invites.c.uses + 1)
        .returning(invites.c.id)
    )
    return (await conn.execute(query)).first() is not None
