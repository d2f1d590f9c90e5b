"""SQL for invite codes (only their hashes are kept)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import Invite
from guanxi.accounts.rows import invite_from_row
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
            invites.c.revoked_at.is_(None),
            sa.or_(invites.c.expires_at.is_(None), invites.c.expires_at > now),
        )
        .values(uses=invites.c.uses + 1)
        .returning(invites.c.id)
    )
    return (await conn.execute(query)).first() is not None


async def list_invites(conn: AsyncConnection, *, after_id: int, limit: int) -> list[Invite]:
    """A page of invite codes, oldest first, with ids above `after_id`."""
    query = sa.select(invites).where(invites.c.id > after_id).order_by(invites.c.id).limit(limit)
    return [invite_from_row(row) for row in (await conn.execute(query)).all()]


async def update_invite_revoked(
    conn: AsyncConnection, *, code_hash: str | None, invite_id: int | None, now: int
) -> Invite | None:
    """Revoke the invite with this code or id (revoked it stays, from the first time); None if
    there is none."""
    found = invites.c.code_hash == code_hash if code_hash else invites.c.id == invite_id
    revoked_at = sa.func.coalesce(invites.c.revoked_at, now)
    query = sa.update(invites).where(found).values(revoked_at=revoked_at).returning(*invites.c)
    row = (await conn.execute(query)).first()
    return None if row is None else invite_from_row(row)
