"""SQL for leases. Time is the database's own clock, so the hosts' clocks never have to agree;
a lease is taken or renewed by one statement, which PostgreSQL runs atomically per row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.leases.tables import leases

NOW_MS = sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()) * 1000, sa.BigInteger)


async def take_lease(conn: AsyncConnection, name: str, holder: str, ttl_ms: int) -> bool:
    """Take the lease, or renew it, for `ttl_ms` from now: it succeeds only if nobody holds it,
    its holder is `holder`, or it has expired. Whether `holder` holds it now."""
    expires = NOW_MS + ttl_ms
    statement = insert(leases).values(name=name, holder=holder, expires_at=expires)
    statement = statement.on_conflict_do_update(
        index_elements=[leases.c.name],
        set_={"holder": holder, "expires_at": expires},
        where=sa.or_(leases.c.holder == holder, leases.c.expires_at < NOW_MS),
    )
    result = await conn.execute(statement.returning(leases.c.name))
    return result.first() is not None


async def release_lease(conn: AsyncConnection, name: str, holder: str) -> None:
    """Give the lease up at once (a clean stop), if `holder` still holds it."""
    await conn.execute(
        sa.update(leases)
        .where(leases.c.name == name, leases.c.holder == holder)
        .values(expires_at=0)
    )


async def list_leases(conn: AsyncConnection) -> list[tuple[str, str, int]]:
    """Every lease held now: (name, holder, milliseconds left), by name."""
    left = leases.c.expires_at - NOW_MS
    query = (
        sa.select(leases.c.name, leases.c.holder, left)
        .where(leases.c.expires_at >= NOW_MS)
        .order_by(leases.c.name)
    )
    return [(row[0], row[1], int(row[2])) for row in (await conn.execute(query)).all()]
