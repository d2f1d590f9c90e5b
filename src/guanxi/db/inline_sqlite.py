"""An aiosqlite-shaped driver that runs SQLite calls inline, on the event loop's thread.

SQLAlchemy's aiosqlite dialect hands every statement to a worker thread and waits for the
answer: four thread hops per statement (cursor, execute, fetch, close), each a wake-up of
another thread. A local SQLite statement on an indexed table takes a few microseconds, so the
hops cost far more than the work; a message send of ten statements took ~8 ms, all waiting.

This module offers the same small interface aiosqlite does, but every call except commit
completes at once (the coroutine never suspends): the loop is blocked for the few microseconds
of each statement. A commit waits for its fsync (one per batch: see database.py) on a thread
of the connection's own (never asyncio's shared pool, where a flood of other blocking work
would hold every send up), so the loop is free meanwhile. Registered as the SQLAlchemy
dialect `sqlite+guanxi`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)

from guanxi.threads import ThreadPool


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *_: Any) -> None:
        return None


BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another connection's lock


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: runs the function at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as exc:
            if future is not None:
                future.set_exception(exc)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn
        self._tx = _RunNow()
        self._commits = ThreadPool("guanxi-sqlite-commit", 1)  # started by the first commit

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        """The one call that waits on the disk (the fsync): done on a worker thread, so the
        loop goes on reading requests, which then form the next batch. Nothing else uses this
        connection meanwhile: the writer awaits its commit, and readers only ever roll back."""
        await self._commits.run(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def truncate_wal(self, busy_ms: int) -> bool:
        """Copy the write-ahead log into the database and cut it to nothing, on the commit
        thread (the writer awaits it: nothing else uses this connection meanwhile). Waits at
        most `busy_ms` for readers of older snapshots; False when they held it up."""
        return bool(await self._commits.run(self._truncate_wal, busy_ms))

    def _truncate_wal(self, busy_ms: int) -> bool:
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        try:
            busy: int = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return busy == 0

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        # a commit or a WAL truncation still running on the commit thread finishes first:
        # closing the connection under it crashed the process (SQLite is not safe for that)
        self._commits.close(wait=True)
        if self._connection is not None:
            self._conn.close()
            self._connection = None


class _Connecting:
    """What `connect()` returns: awaitable, with the `_thread` SQLAlchemy marks as daemon."""

    def __init__(self, database: str, kwargs: dict[str, Any]) -> None:
        kwargs.pop("check_same_thread", None)
        self._thread = SimpleNamespace(daemon=True)
        self._connection = InlineConnection(
            sqlite3.connect(database, check_same_thread=False, **kwargs)
        )

    def __await__(self) -> Any:
        return self._done().__await__()

    async def _done(self) -> InlineConnection:
        return self._connection


def _connect(database: str, **kwargs: Any) -> _Connecting:
    return _Connecting(database, kwargs)


_ERRORS = (
    "DatabaseError",
    "Error",
    "IntegrityError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "sqlite_version",
    "sqlite_version_info",
)
inline_module = SimpleNamespace(
    connect=_connect,
    Connection=InlineConnection,
    __version__="1.0",
    **{name: getattr(sqlite3, name) for name in _ERRORS},
)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    driver = "guanxi"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        return AsyncAdapt_aiosqlite_dbapi(inline_module, sqlite3)  # type: ignore[arg-type]


registry.register("sqlite.guanxi", "guanxi.db.inline_sqlite", "InlineSQLiteDialect")
