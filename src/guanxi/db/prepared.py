"""Hot statements compiled once per dialect; on SQLite run on the driver connection directly.

SQLAlchemy's execution path (execution context, result metadata, greenlet hops) costs about
ten times what SQLite spends on an indexed single-row statement. The few statements a message
send runs every time are declared as `Prepared`: compiled once per dialect; on SQLite executed
straight on the `sqlite3` connection inside the same transaction; on PostgreSQL through
SQLAlchemy as usual (asyncpg opens its transaction lazily on SQLAlchemy's first statement, so
going around it there would not be safe). Statements must name their bind parameters
explicitly, and should not select JSON columns (results come back undecoded on SQLite).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


class Prepared:
    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._sqlite: tuple[str, list[str], dict[str, Any]] | None = None
        self._literals: dict[str, Any] = {}
        self._record: Any = None

    def _compiled(self, dialect: sa.Dialect) -> tuple[str, list[str], dict[str, Any]]:
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            names = list(compiled.positiontup or [])
            processors = dict(compiled._bind_processors)
            self._literals = {
                name: bind.value for name, bind in compiled.binds.items() if not bind.required
            }
            self._sqlite = (compiled.string, names, processors)
            keys = [c.key for c in getattr(self.statement, "selected_columns", [])]
            if not keys and getattr(self.statement, "_returning", None):
                keys = [c.key for c in self.statement._returning]  # type: ignore[attr-defined]
            self._record = namedtuple("Record", keys or ["value"], rename=True)  # type: ignore[misc]
        return self._sqlite

    async def rows(self, conn: AsyncConnection, params: dict[str, Any]) -> list[Any]:
        """Every row, as named tuples of plain values."""
        if conn.dialect.name != "sqlite":
            result = await conn.execute(self.statement, params)
            self._compiled(conn.dialect)
            return [self._record._make(row) for row in result.all()] if result.returns_rows else []
        sql, names, processors = self._compiled(conn.dialect)
        given = {**self._literals, **params}
        values = [_bind(processors.get(n), given[n]) for n in names]
        cursor = _sqlite3_of(conn).execute(sql, values)
        try:
            return [self._record._make(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    async def first(self, conn: AsyncConnection, params: dict[str, Any]) -> Any:
        rows = await self.rows(conn, params)
        return rows[0] if rows else None

    async def scalar(self, conn: AsyncConnection, params: dict[str, Any]) -> Any:
        row = await self.first(conn, params)
        return row[0] if row is not None else None


def _sqlite3_of(conn: AsyncConnection) -> sqlite3.Connection:
    """The `sqlite3` connection under an open SQLAlchemy connection, without the greenlet hop
    of `get_raw_connection()` (it is checked out already: nothing to await)."""
    fairy = conn.sync_connection.connection  # type: ignore[union-attr]
    driver: Any = fairy.driver_connection
    raw: sqlite3.Connection = driver._conn
    return raw


def _bind(processor: Any, value: Any) -> Any:
    return processor(value) if processor is not None else value
