"""Rows found by many composite keys (db/key_lookup.py): exactly the rows asked for, in
statements SQLite answers through the index — a row-value IN made it scan whole tables (the
insight follower's pairs, months and marks, on every batch of events)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from guanxi.db.key_lookup import key_chunks, keys_in

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


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(triples), [dict(zip("abcv", row, strict=True)) for row in ROWS])
    return engine


@pytest.mark.parametrize("max_groups", [400, 7, 1])
def test_the_rows_of_exactly_the_keys_asked_for(engine: sa.Engine, max_groups: int) -> None:
    rng = random.Random(max_groups)
    present = rng.sample([row[:3] for row in ROWS], 300)
    absent = [(rng.randrange(40, 60), rng.randrange(40), "x") for _ in range(50)] + [(1, 2, "z")]
    keys = present + absent + present[:20]  # a key asked twice is found once
    columns = (triples.c.a, triples.c.b, triples.c.c)
    chunks = key_chunks(keys, max_groups)
    found: list[tuple[int, int, str]] = []
    with engine.connect() as conn:
        for chunk in chunks:
            assert len({key[:-1] for key in chunk}) <= max_groups
            found += [
                tuple(r) for r in conn.execute(sa.select(*columns).where(keys_in(columns, chunk)))
            ]
    assert sorted(found) == sorted(set(present))
    assert sorted(key for chunk in chunks for key in chunk) == sorted(set(keys))


def test_no_keys_no_rows_and_no_statement(engine: sa.Engine) -> None:
    assert key_chunks([]) == []
    with engine.connect() as conn:
        query = sa.select(triples.c.v).where(keys_in((triples.c.a, triples.c.b), []))
        assert conn.execute(query).all() == []


def test_sqlite_searches_the_index_instead_of_scanning(engine: sa.Engine, tmp_path: Path) -> None:
    columns = (triples.c.a, triples.c.b, triples.c.c)
    keys = [row[:3] for row in ROWS[::11]]  # 291 keys: one statement
    (chunk,) = key_chunks(keys)
    query = sa.select(triples.c.v).where(keys_in(columns, chunk))
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    row_value = sa.select(triples.c.v).where(sa.tuple_(*columns).in_(keys))
    row_value_sql = row_value.compile(engine, compile_kwargs={"literal_binds": True})
    with sqlite3.connect(tmp_path / "keys.db") as db:
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {compiled}")]
        before = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {row_value_sql}")]
    assert "SCAN triples" in before  # what the row-value IN did
    assert plan and not [step for step in plan if step.startswith("SCAN triples")]
    assert any(step.startswith("SEARCH triples USING") for step in plan)
