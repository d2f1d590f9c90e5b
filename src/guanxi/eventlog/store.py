"""SQL for the event log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.prepared import Prepared
from guanxi.eventlog.tables import event_horizon, events

_COLUMNS = ("type", "payload", "created_at", "user_id", "conversation_id", "ref_kind", "ref_id")
# The next id is the newest + 1, read in the statement: write transactions run one at a time
# (SQLite's BEGIN IMMEDIATE, PostgreSQL's writer lock), so ids are gap-free and in commit
# order, and a unit rolled back to its savepoint gives its ids back. (SQLite's rowid does the
# same; a PostgreSQL sequence hands ids out at insert time, in no order of commit.)
_NEXT_ID = sa.select(sa.func.coalesce(sa.func.max(events.c.id), 0) + 1).scalar_subquery()
_INSERT = Prepared(
    sa.insert(events)
    .values({"id": _NEXT_ID, **{name: sa.bindparam(name) for name in _COLUMNS}})
    .returning(events.c.id)
)


async def insert_event(
    conn: AsyncConnection,
    *,
    type: str,
    payload: dict[str, Any],
    created_at: int,
    user_id: int | None = None,
    conversation_id: int | None = None,
    ref: tuple[str, int] | None = None,
) -> int:
    values = {
        "type": type,
        "payload": payload,
        "created_at": created_at,
        "user_id": user_id,
        "conversation_id": conversation_id,
        "ref_kind": ref[0] if ref is not None else None,
        "ref_id": ref[1] if ref is not None else None,
    }
    return int(await _INSERT.scalar(conn, values))


async def get_head(conn: AsyncConnection) -> int:
    """The id of the newest event, or 0."""
    result = await conn.execute(sa.select(sa.func.max(events.c.id)))
    return int(result.scalar_one() or 0)


async def get_horizon(conn: AsyncConnection) -> int:
    """The newest pruned event id: a cursor below it cannot be replayed (0: nothing pruned)."""
    result = await conn.execute(sa.select(event_horizon.c.pruned_through))
    return int(result.scalar() or 0)


# Built once (a replay storm runs it per device; building it cost as much as running it).
_EVENTS_AFTER = (
    sa.select(events)
    .where(
        events.c.id > sa.bindparam("cursor"),
        sa.or_(
            events.c.user_id == sa.bindparam("uid"),
            sa.and_(
                events.c.user_id.is_(None),
                events.c.conversation_id.in_(sa.bindparam("cids", expanding=True)),
            ),
        ),
    )
    .order_by(events.c.id)
    .limit(sa.bindparam("limit"))
)


async def list_events_after(
    conn: AsyncConnection,
    *,
    user_id: int,
    conversation_ids: Iterable[int],
    cursor: int,
    limit: int,
) -> list[sa.Row[Any]]:
    """Events after `cursor` addressed to the user or to one of the conversations."""
    params = {"cursor": cursor, "uid": user_id, "cids": list(conversation_ids), "limit": limit}
    return list((await conn.execute(_EVENTS_AFTER, params)).all())


async def list_oldest(conn: AsyncConnection, limit: int) -> list[Any]:
    """The oldest events' (id, created_at), oldest first."""
    query = sa.select(events.c.id, events.c.created_at).order_by(events.c.id).limit(limit)
    return list((await conn.execute(query)).all())


async def delete_events_through(conn: AsyncConnection, last_id: int) -> int:
    """Delete every event up to `last_id` and move the horizon there; how many went."""
    result = await conn.execute(sa.delete(events).where(events.c.id <= last_id))
    await conn.execute(
        sa.update(event_horizon)
        .where(event_horizon.c.id == 1, event_horizon.c.pruned_through < last_id)
        .values(pruned_through=last_id)
    )
    return int(result.rowcount or 0)
