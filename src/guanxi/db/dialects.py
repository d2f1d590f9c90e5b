"""The only place where SQLite and PostgreSQL are told apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from guanxi.db.inline_sqlite import BUSY_TIMEOUT_MS  # importing it registers sqlite+guanxi

JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}


# PostgreSQL's answers that mean "not reachable now" rather than "this statement is wrong": the
# connection is gone or cannot be made, the server is shutting down, restarting or recovering.
_UNREACHABLE = (
    ConnectionError,  # refused, reset, broken pipe: the socket itself
    asyncpg.PostgresConnectionError,  # class 08, and a connection that no longer exists
    asyncpg.CannotConnectNowError,  # starting up, or recovering after a crash
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


def unreachable(error: BaseException) -> bool:
    """Whether a PostgreSQL error means the database is out of reach (down, restarting, the
    connection cut), judged from the error and what it wraps. SQLite is a file: never."""
    seen: BaseException | None = error
    for _ in range(6):  # SQLAlchemy's wrapper, the adapter's, the driver's
        if seen is None:
            return False
        if isinstance(seen, _UNREACHABLE) or getattr(seen, "connection_invalidated", False):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


# The key of the lock every write transaction on PostgreSQL takes first (an advisory lock is
# per database, so communities in other databases of one server do not share it).
WRITER_LOCK = 0x6775_616E_7869  # "guanxi"
_TAKE_WRITER_LOCK = sa.text(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


async def take_writer_lock(conn: AsyncConnection) -> None:
    """First thing in a write transaction: wait until no other writer, of this process or
    another, is in one; held until this one commits or rolls back. SQLite's `BEGIN IMMEDIATE`
    (the writer engine's) does the same there, so nothing is sent on SQLite. With one write
    transaction at a time over every worker, events take their ids (`max + 1`) in the order
    they commit: see docs/architecture.md, "Events: a durable log, a cursor"."""
    if conn.dialect.name != "sqlite":
        await conn.execute(_TAKE_WRITER_LOCK)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def async_url(url: str) -> str:
    """The driver-qualified URL for the async engine."""
    if url.startswith("sqlite:"):
        return "sqlite+guanxi:" + url.removeprefix("sqlite:")
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    return url


# How long PostgreSQL lets a connection of ours sit idle inside a transaction before it ends it
# (the default of `Settings.stuck_transaction_seconds`).
STUCK_TRANSACTION_SECONDS = 60.0


def create_engine(
    url: str,
    *,
    writer: bool,
    attach: tuple[str, str] | None = None,
    stuck_seconds: float = STUCK_TRANSACTION_SECONDS,
) -> AsyncEngine:
    """An engine for reads (a small pool) or for the single writer (one connection). On
    SQLite, `attach` (file, schema name) is attached to each connection. On PostgreSQL a
    session that sits `stuck_seconds` inside a transaction without a word is ended by the
    server: a worker frozen (SIGSTOP, a hung host, a cut network) while it held the write lock
    (`take_writer_lock`) stops every worker's writes for that long at most, not for ever."""
    if is_sqlite(url):
        return _sqlite_engine(url, writer=writer, attach=attach)
    pool: dict[str, Any] = {"pool_size": 1, "max_overflow": 0} if writer else {"pool_size": 8}
    timeout_ms = str(round(stuck_seconds * 1000))
    connect_args = {"server_settings": {"idle_in_transaction_session_timeout": timeout_ms}}
    return create_async_engine(
        async_url(url), pool_pre_ping=True, connect_args=connect_args, **JSON_CODEC, **pool
    )


def sqlite_file(url: str) -> Path:
    """The database file of a SQLite URL."""
    return Path(sa.make_url(url).database or "")


def _sqlite_engine(url: str, *, writer: bool, attach: tuple[str, str] | None) -> AsyncEngine:
    engine = create_async_engine(
        async_url(url),
        pool_size=1 if writer else 4,
        max_overflow=0,
        **JSON_CODEC,
    )
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @sa.event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            "PRAGMA secure_delete=ON",  # deleted and overwritten bytes are zeroed on disk
        ):
            cursor.execute(pragma)
        if attach is not None:
            cursor.execute("ATTACH DATABASE ? AS ?", attach)
        cursor.close()

    @sa.event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(begin)

    return engine
