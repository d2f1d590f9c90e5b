"""The database's part of a backup, on either kind of database: a snapshot taken while the
server keeps serving (`backup_sqlite.py`, `backup_postgres.py`), read by the caller in the same
state as it is saved, and its restore into an empty database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from guanxi.db import backup_postgres, backup_sqlite
from guanxi.db.backup import BackupError
from guanxi.db.dialects import JSON_CODEC, async_url, is_sqlite, sqlite_file
from guanxi.db.migrate import alembic_config

T = TypeVar("T")
Reader = Callable[[AsyncConnection], Awaitable[T]]
StepProgress = Callable[[int, int], None]  # done, in all (0: not known)
FILES = {"sqlite": "guanxi.db", "postgresql": "guanxi.pgdump"}  # the database in a backup


@dataclass(frozen=True, kw_only=True)
class Snapshot(Generic[T]):
    kind: str  # "sqlite" or "postgresql"
    file: str  # its name in the backup folder
    revision: str  # the schema's (Alembic's) revision
    found: T  # what the caller's reader read in it


def kind_of(url: str) -> str:
    return "sqlite" if is_sqlite(url) else "postgresql"


async def snapshot_database(
    url: str, folder: Path, read: Reader[T], progress: StepProgress
) -> Snapshot[T]:
    """Save the database as of now into `folder`, and run `read` on that same state."""
    kind = kind_of(url)
    target = folder / FILES[kind]
    if kind == "sqlite":
        backup_sqlite.snapshot(sqlite_file(url), target, progress)
        async with _connect(f"sqlite:///{target}") as conn:
            revision, found = await _revision(conn), await read(conn)
    else:
        async with _connect(url, "REPEATABLE READ") as conn:
            name = await backup_postgres.export_snapshot(conn)
            revision, found = await backup_postgres.while_dumping(
                url, name, target, lambda: _read_both(conn, read), lambda n: progress(n, 0)
            )
    return Snapshot(kind=kind, file=FILES[kind], revision=revision, found=found)


async def _read_both(conn: AsyncConnection, read: Reader[T]) -> tuple[str, T]:
    return await _revision(conn), await read(conn)


async def restore_database(url: str, source: Path, copy: Callable[[Path, Path], object]) -> None:
    """Load the backup's database file `source` into the (empty) database at `url`."""
    if is_sqlite(url):
        backup_sqlite.restore(source, sqlite_file(url), copy)
    else:
        await backup_postgres.restore(url, source)


async def database_is_empty(url: str) -> bool:
    if is_sqlite(url):
        return backup_sqlite.is_empty(sqlite_file(url))
    async with _connect(url) as conn:
        return await backup_postgres.is_empty(conn)


def shown_url(url: str) -> str:
    """The URL without its password, to name the database in a message."""
    return sa.make_url(url).render_as_string(hide_password=True)


def known_revision(revision: str) -> bool:
    """Whether this guanxi's migrations know `revision` (a backup of a newer guanxi: no)."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


async def _revision(conn: AsyncConnection) -> str:
    try:
        found = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).first()
    except sa.exc.DBAPIError:
        found = None
    if found is None:
        raise BackupError("the database has no schema: run `guanxi db upgrade` first")
    return str(found[0])


@contextlib.asynccontextmanager
async def _connect(url: str, isolation: str | None = None) -> AsyncIterator[AsyncConnection]:
    """One connection in one transaction, at `isolation` if given."""
    engine = create_async_engine(async_url(url), poolclass=NullPool, **JSON_CODEC)
    try:
        async with engine.connect() as conn:
            if isolation is not None:
                await conn.execution_options(isolation_level=isolation)
            async with conn.begin():
                yield conn
    except (OSError, sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        raise BackupError(f"cannot use the database: {exc}") from exc
    finally:
        await engine.dispose()
