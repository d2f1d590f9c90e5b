"""SQL for insight's own tables: pair states, weeks, months and the checkpoint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.key_lookup import ByKeys
from guanxi.insight.models import PAIR_COLUMNS, PairState, Position
from guanxi.insight.rows import pair_from_row, position_from_row
from guanxi.insight.tables import (
    insight_checkpoint,
    insight_marks,
    insight_months,
    insight_pairs,
    insight_recounts,
    insight_weeks,
)

ALL_TABLES = (insight_pairs, insight_weeks, insight_months, insight_marks, insight_recounts)
Mark = tuple[str, int, int, int, int]  # parent, parent id, item id, actor, target
_KEY = ("user_id", "alter_id")


_CHECKPOINT = sa.select(insight_checkpoint).where(insight_checkpoint.c.id == 1)
_CHECKPOINT_FOR_UPDATE = _CHECKPOINT.with_for_update()  # PostgreSQL: a second follower waits


async def get_checkpoint(conn: AsyncConnection, *, for_update: bool = False) -> Position:
    query = _CHECKPOINT_FOR_UPDATE if for_update else _CHECKPOINT
    return position_from_row((await conn.execute(query)).one())


async def update_checkpoint(conn: AsyncConnection, position: Position) -> None:
    await conn.execute(
        sa.update(insight_checkpoint)
        .where(insight_checkpoint.c.id == 1)
        .values(event_id=position.event_id, generation=position.generation)
    )


async def list_pairs(
    conn: AsyncConnection, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], PairState]:
    rows = await _PAIRS.rows(conn, keys)
    return {(r.user_id, r.alter_id): pair_from_row(r) for r in rows}


_PAIRS = ByKeys(
    lambda match: sa.select(insight_pairs).where(match),
    (insight_pairs.c.user_id, insight_pairs.c.alter_id),
)


async def list_pairs_of(conn: AsyncConnection, user_id: int, limit: int) -> list[PairState]:
    """A user's side of their pairs, most recently active first, at most `limit`."""
    p = insight_pairs.c
    query = (
        sa.select(insight_pairs).where(p.user_id == user_id).order_by(p.last_at.desc()).limit(limit)
    )
    return [pair_from_row(r) for r in await conn.execute(query)]


async def get_pair(conn: AsyncConnection, user_id: int, alter_id: int) -> PairState | None:
    found = await list_pairs(conn, [(user_id, alter_id)])
    return found.get((user_id, alter_id))


async def save_pairs(
    conn: AsyncConnection, states: Sequence[PairState], existing: set[tuple[int, int]]
) -> None:
    """Update the states in `existing`, insert the others."""
    old = [s.columns() for s in states if s.key in existing]
    new = [s.columns() for s in states if s.key not in existing]
    if old:
        await conn.execute(_UPDATE_PAIR, [{_BOUND[k]: v for k, v in row.items()} for row in old])
    if new:
        await conn.execute(sa.insert(insight_pairs), new)


_BOUND = {name: f"v_{name}" for name in PAIR_COLUMNS}  # an update's parameters: not the columns'
_UPDATE_PAIR = (
    sa.update(insight_pairs)
    .where(
        insight_pairs.c.user_id == sa.bindparam(_BOUND["user_id"]),
        insight_pairs.c.alter_id == sa.bindparam(_BOUND["alter_id"]),
    )
    .values({n: sa.bindparam(_BOUND[n]) for n in PAIR_COLUMNS if n not in _KEY})
)


async def list_known_weeks(
    conn: AsyncConnection, user_ids: Iterable[int], weeks: Iterable[int]
) -> set[tuple[int, int, int]]:
    """The (owner, alter, week) triples stored among these owners and weeks."""
    user_ids, weeks = list(set(user_ids)), list(set(weeks))
    if not user_ids or not weeks:
        return set()
    w = insight_weeks.c
    query = sa.select(w.user_id, w.alter_id, w.week).where(
        w.user_id.in_(user_ids), w.week.in_(weeks)
    )
    return {(r.user_id, r.alter_id, r.week) for r in await conn.execute(query)}


async def insert_weeks(conn: AsyncConnection, triples: Sequence[tuple[int, int, int]]) -> None:
    if triples:
        rows = [{"user_id": u, "alter_id": a, "week": w} for u, a, w in triples]
        await conn.execute(sa.insert(insight_weeks), rows)


async def add_months(
    conn: AsyncConnection, counts: dict[tuple[int, int, int], list[int]], *, fresh: bool = False
) -> None:
    """Add message counts to (owner, alter, month) rows, creating the missing ones (`fresh`:
    the table is empty)."""
    if not counts:
        return
    m = insight_months.c
    found = [] if fresh else await _MONTHS.rows(conn, counts)
    stored = {(r.user_id, r.alter_id, r.month): (r.sent, r.received) for r in found}
    rows = [
        {"k_user": u, "k_alter": a, "k_month": mo, "sent": s + stored[(u, a, mo)][0],
         "received": r + stored[(u, a, mo)][1]}
        for (u, a, mo), (s, r) in counts.items() if (u, a, mo) in stored
    ]  # fmt: skip
    if rows:
        update = (
            sa.update(insight_months)
            .where(
                m.user_id == sa.bindparam("k_user"),
                m.alter_id == sa.bindparam("k_alter"),
                m.month == sa.bindparam("k_month"),
            )
            .values(sent=sa.bindparam("sent"), received=sa.bindparam("received"))
        )
        await conn.execute(update, rows)
    new = [
        {"user_id": u, "alter_id": a, "month": mo, "sent": s, "received": r}
        for (u, a, mo), (s, r) in counts.items() if (u, a, mo) not in stored
    ]  # fmt: skip
    if new:
        await conn.execute(sa.insert(insight_months), new)


_MONTHS = ByKeys(
    lambda match: sa.select(
        insight_months.c.user_id,
        insight_months.c.alter_id,
        insight_months.c.month,
        insight_months.c.sent,
        insight_months.c.received,
    ).where(match),
    (insight_months.c.user_id, insight_months.c.alter_id, insight_months.c.month),
)


async def list_months(conn: AsyncConnection, user_id: int, alter_id: int) -> list[Any]:
    m = insight_months.c
    query = (
        sa.select(m.month, m.sent, m.received)
        .where(m.user_id == user_id, m.alter_id == alter_id)
        .order_by(m.month)
    )
    return list((await conn.execute(query)).all())


async def list_active_alters(
    conn: AsyncConnection, user_id: int, since_week: int
) -> list[tuple[int, int]]:
    """(week, alter) of the user's weeks with interaction from `since_week` on."""
    w = insight_weeks.c
    query = sa.select(w.week, w.alter_id).where(w.user_id == user_id, w.week >= since_week)
    return [(r.week, r.alter_id) for r in await conn.execute(query)]


async def list_alters(conn: AsyncConnection, user_id: int) -> list[int]:
    """Everyone the user has a pair with (every pair is stored from both sides)."""
    p = insight_pairs.c
    return list((await conn.scalars(sa.select(p.alter_id).where(p.user_id == user_id))).all())


async def list_marked_pairs(
    conn: AsyncConnection,
    parent: str,
    parent_id: int,
    *,
    item_id: int | None = None,
    actor_id: int | None = None,
) -> set[tuple[int, int]]:
    """The (actor, target) pairs of the counted feedback on one object (or one item of it)."""
    k = insight_marks.c
    query = sa.select(k.actor_id, k.target_id).where(k.parent == parent, k.parent_id == parent_id)
    if item_id is not None:
        query = query.where(k.item_id == item_id)
    if actor_id is not None:
        query = query.where(k.actor_id == actor_id)
    return {(r.actor_id, r.target_id) for r in await conn.execute(query)}


async def save_marks(conn: AsyncConnection, marks: set[Mark], *, fresh: bool = False) -> None:
    """Store the marks not stored yet (`fresh`: none is)."""
    if not marks:
        return
    if not fresh:
        marks = marks - {tuple(row) for row in await _MARKS.rows(conn, marks)}
    names = ("parent", "parent_id", "item_id", "actor_id", "target_id")
    rows = [dict(zip(names, mark, strict=True)) for mark in sorted(marks)]
    if rows:
        await conn.execute(sa.insert(insight_marks), rows)


_MARK_KEY = (
    insight_marks.c.parent,
    insight_marks.c.parent_id,
    insight_marks.c.item_id,
    insight_marks.c.actor_id,
    insight_marks.c.target_id,
)
_MARKS = ByKeys(lambda match: sa.select(*_MARK_KEY).where(match), _MARK_KEY)


async def delete_pairs(conn: AsyncConnection, keys: Iterable[tuple[int, int]]) -> None:
    """Every row of these (owner, alter) sides: states, weeks, months, marks, recounts."""
    keys = sorted(set(keys))
    for delete in _DELETE_SIDES:
        await delete.execute(conn, keys)


def _delete_sides(table: sa.Table, owner: str, alter: str) -> ByKeys:
    return ByKeys(lambda match: sa.delete(table).where(match), (table.c[owner], table.c[alter]))


_DELETE_SIDES = [
    *(
        _delete_sides(table, "user_id", "alter_id")
        for table in (insight_pairs, insight_weeks, insight_months, insight_recounts)
    ),
    _delete_sides(insight_marks, "actor_id", "target_id"),
]


async def list_recounts(
    conn: AsyncConnection, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """Of these sides, those recounted ahead of the checkpoint: the event read through."""
    return {(r.user_id, r.alter_id): r.event_id for r in await _RECOUNTS.rows(conn, keys)}


_RECOUNTS = ByKeys(
    lambda match: sa.select(
        insight_recounts.c.user_id, insight_recounts.c.alter_id, insight_recounts.c.event_id
    ).where(match),
    (insight_recounts.c.user_id, insight_recounts.c.alter_id),
)


async def save_recounts(
    conn: AsyncConnection, keys: Iterable[tuple[int, int]], event_id: int
) -> None:
    """These sides were recounted from history read at `event_id` (their rows were deleted)."""
    rows = [{"user_id": u, "alter_id": a, "event_id": event_id} for u, a in sorted(set(keys))]
    if rows:
        await conn.execute(sa.insert(insight_recounts), rows)


async def drop_recounts(conn: AsyncConnection, through: int) -> None:
    """Recounts the checkpoint has passed: every event they covered is behind it."""
    await conn.execute(sa.delete(insight_recounts).where(insight_recounts.c.event_id <= through))


async def delete_everything(conn: AsyncConnection) -> None:
    for table in ALL_TABLES:
        await conn.execute(sa.delete(table))


async def dump(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of insight's tables in key order (tests and `rebuild --check` compare these)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in ALL_TABLES:
        query = sa.select(table).order_by(*table.primary_key.columns)
        found[table.name] = [tuple(row) for row in await conn.execute(query)]
    return found
