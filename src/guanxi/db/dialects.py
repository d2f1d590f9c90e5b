"""The only place where SQLite and PostgreSQL are told apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from guanxi.db.inline_sqlite import BUSY_TIMEOUT_MS  # importing it registers sqlite+guanxi

JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}


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


def create_engine(url: str, *, writer: bool, attach: tuple[str, str] | None = None) -> AsyncEngine:
    """An engine for reads (a small pool) or for the single writer (one connection). On
    SQLite, `attach` (file, schema name) is attached to each connection."""
    if is_sqlite(url):
        return _sqlite_engine(url, writer=writer, attach=attach)
    pool: dict[str, Any] = {"pool_size": 1, "max_overflow": 0} if writer else {"pool_size": 8}
    return create_async_engine(async_url(url), pool_pre_ping=True, **JSON_CODEC, **pool)


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
