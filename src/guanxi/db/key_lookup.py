"""Statements over many composite keys at once: through the index on SQLite too, and built
and compiled once.

A row-value IN, `(a, b) IN ((1, 2), (3, 4))`, is answered through the index by PostgreSQL, but
SQLite (3.40) scans the whole table for it: a statement that should cost a few index searches
costs a pass over every row, and the tables it is used on (insight's pairs, months and marks,
reactions, likes) grow with the community's whole history. `ByKeys` writes the condition as an
OR of equalities, `(a = :k0_0 AND b = :k0_1) OR (a = :k1_0 AND b = :k1_1) OR …`, which SQLite
answers with one index search per key (MULTI-INDEX OR) and PostgreSQL with a bitmap OR.

The statement has a fixed number of keys, one of `SIZES`: it is built and compiled once, and
SQLite keeps its plan, however many keys a call brings. Keys go in chunks of the largest size;
the last chunk takes the smallest size it fits and repeats its last key to fill it (a repeated
key matches the same row, which either database returns once). Writing a statement per call
instead, with as many terms as keys, cost SQLAlchemy a fresh compile and SQLite a fresh plan
every time: ten times the work for 250 keys, on the event loop's thread on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

SIZES = (1, 8, 64)
Key = tuple[Any, ...]


class ByKeys:
    """`statement(condition)` run for many keys of `columns`; `condition` is true for a row
    whose columns equal one of the keys given to `rows` or `execute`."""

    def __init__(
        self,
        statement: Callable[[sa.ColumnElement[bool]], sa.Executable],
        columns: Sequence[sa.ColumnElement[Any]],
    ) -> None:
        self.width = len(columns)
        self._statements = {size: statement(_one_of(columns, size)) for size in SIZES}

    def runs(self, keys: Iterable[Key]) -> Iterator[tuple[sa.Executable, dict[str, Any]]]:
        """(statement, parameters) for each chunk of the distinct keys; none for no keys."""
        distinct = list(dict.fromkeys(keys))
        largest = SIZES[-1]
        for start in range(0, len(distinct), largest):
            chunk = distinct[start : start + largest]
            size = next(s for s in SIZES if s >= len(chunk))
            chunk += [chunk[-1]] * (size - len(chunk))
            params: dict[str, Any] = {}
            for i, key in enumerate(chunk):
                if len(key) != self.width:
                    raise ValueError(f"a key of {self.width} values expected, not {key!r}")
                params.update({f"k{i}_{j}": value for j, value in enumerate(key)})
            yield self._statements[size], params

    async def rows(self, conn: AsyncConnection, keys: Iterable[Key]) -> list[sa.Row[Any]]:
        """The rows a SELECT finds for these keys (each row once)."""
        found: list[sa.Row[Any]] = []
        for statement, params in self.runs(keys):
            found.extend((await conn.execute(statement, params)).all())
        return found

    async def execute(self, conn: AsyncConnection, keys: Iterable[Key]) -> None:
        """Run a statement that returns nothing (a DELETE, an UPDATE) for these keys."""
        for statement, params in self.runs(keys):
            await conn.execute(statement, params)


def _one_of(columns: Sequence[sa.ColumnElement[Any]], size: int) -> sa.ColumnElement[bool]:
    return sa.or_(
        *(
            sa.and_(*(column == sa.bindparam(f"k{i}_{j}") for j, column in enumerate(columns)))
            for i in range(size)
        )
    )
