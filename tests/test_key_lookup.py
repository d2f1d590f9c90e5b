"""Statements over many composite keys (db/key_lookup.py): exactly the rows asked for, through
the index on SQLite — a row-value IN made it scan whole tables (the insight follower's pairs,
months and marks, on every batch of events) — and a statement of a fixed size, so that
however many keys a call brings nothing is built or compiled again."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from guanxi.db.key_lookup import SIZES, ByKeys

metadata = sa.MetaData()
triples = sa.Table(
    "triples",
    metadata,
    sa.Column("a", sa.Integer, primary_key=True),
    sa.Column("b", sa.Integer, primary_key=True),
    sa.Column("c", sa.String(8), primary_key=True),
    sa.Column("v", sa.Integer, nullable=False),
)
ROWS = [(a, b, c, a * 1000 + b) for a in range(40) for b in range(40) for c in ("x", "y")]
KEY = (triples.c.a, triples.c.b, triples.c.c)
FIND = ByKeys(lambda match: sa.select(*KEY).where(match), KEY)
DELETE = ByKeys(lambda match: sa.delete(triples).where(match), KEY)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(sa.insert(triples), [dict(zip("abcv", r, strict=True)) for r in ROWS])
    yield engine
    await engine.dispose()


@pytest.mark.parametrize("asked", [1, 2, 8, 9, 64, 65, 300])
async def test_the_rows_of_exactly_the_keys_asked_for(engine: AsyncEngine, asked: int) -> None:
    rng = random.Random(asked)
    present = rng.sample([row[:3] for row in ROWS], asked)
    absent = [(rng.randrange(40, 60), rng.randrange(40), "x") for _ in range(asked // 3)]
    keys = present + absent + [(1, 2, "z")] + present[: asked // 2]  # asked twice: found once
    async with engine.connect() as conn:
        found = [tuple(row) for row in await FIND.rows(conn, keys)]
    assert sorted(found) == sorted(present)


async def test_no_keys_no_rows_and_no_statement(engine: AsyncEngine) -> None:
    assert list(FIND.runs([])) == []
    async with engine.connect() as conn:
        assert await FIND.rows(conn, []) == []


async def test_a_delete_takes_exactly_the_rows_of_its_keys(engine: AsyncEngine) -> None:
    gone = random.Random(7).sample([row[:3] for row in ROWS], 100)
    async with engine.begin() as conn:
        await DELETE.execute(conn, [*gone, (99, 99, "x")])
        left = {tuple(row) for row in await conn.execute(sa.select(*KEY))}
    assert left == {row[:3] for row in ROWS} - set(gone)


def test_every_number_of_keys_runs_one_of_a_few_statements() -> None:
    used = {
        id(statement)
        for n in range(1, 200)
        for statement, params in FIND.runs([(i, i, "x") for i in range(n)])
    }
    assert len(used) == len(SIZES)  # built once each: nothing compiled per call


def test_a_key_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="3 values"):
        list(FIND.runs([(1, 2)]))


def test_sqlite_searches_the_index_instead_of_scanning(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    metadata.create_all(engine)
    keys = [row[:3] for row in ROWS[::11]]
    row_value = sa.select(triples.c.v).where(sa.tuple_(*KEY).in_(keys))
    row_value_sql = row_value.compile(engine, compile_kwargs={"literal_binds": True})
    plans = []
    with sqlite3.connect(tmp_path / "plan.db") as db:
        before = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {row_value_sql}")]
        for statement, params in FIND.runs(keys):
            assert isinstance(statement, sa.Select)
            compiled = statement.compile(engine)
            values = [params[name] for name in compiled.positiontup or []]
            plans.append([row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {compiled}", values)])
    assert "SCAN triples" in before  # what the row-value IN did
    assert len(keys) == 291 and len(plans) == 5  # four statements of 64 keys, one of 35 (+29)
    for plan in plans:
        assert plan and not [step for step in plan if step.startswith("SCAN triples")]
        assert any(step.startswith("SEARCH triples USING") for step in plan)
