"""Backing up and restoring a PostgreSQL database with `pg_dump` and `pg_restore`.

`pg_dump` (custom format) runs on a snapshot the caller's own transaction exported
(`pg_export_snapshot()`, REPEATABLE READ), so the caller reads exactly the rows the dump holds
(which media the backup needs) in that transaction while the dump runs. PostgreSQL's readers
never hold its writers up. `pg_restore` loads a dump into an empty database in one transaction:
it lands whole or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.backup import FILE_MODE, BackupError

T = TypeVar("T")
TOOL_FOLDERS = "/usr/lib/postgresql/*/bin"
POLL_SECONDS = 0.2
SizeProgress = Callable[[int], None]  # bytes written so far
USER_RELATIONS = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
"""


def find_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/").glob(TOOL_FOLDERS.lstrip("/")), key=_major_version)
    for folder in reversed(candidates):
        if (folder / name).is_file():
            return str(folder / name)
    raise BackupError(
        f"{name} was not found on PATH nor in {TOOL_FOLDERS}: install PostgreSQL's client"
        " programs (Debian: apt-get install postgresql-client) of the server's version or newer"
    )


def _major_version(folder: Path) -> int:
    version = folder.parent.name
    return int(version) if version.isdigit() else 0


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it (no driver name, no password) and the environment that
    carries the password, so it never shows in the process list."""
    parsed = sa.make_url(url)
    env = {**os.environ}
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


async def export_snapshot(conn: AsyncConnection) -> str:
    """The name of the snapshot of `conn`'s transaction (REPEATABLE READ), for `pg_dump`: valid
    while that transaction stays open."""
    name = (await conn.execute(sa.text("SELECT pg_export_snapshot()"))).scalar_one()
    return str(name)


async def dump(url: str, snapshot_name: str, target: Path, progress: SizeProgress) -> None:
    """`pg_dump` of the database as of the exported snapshot into the file `target`."""
    dsn, env = libpq_target(url)
    command = [find_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_name}"]
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))  # owner-only
    await _run([*command, f"--file={target}", f"--dbname={dsn}"], env, target, progress)


async def while_dumping(
    url: str,
    snapshot_name: str,
    target: Path,
    read: Callable[[], Awaitable[T]],
    progress: SizeProgress,
) -> T:
    """Run `read` (in the exporting transaction) while `pg_dump` saves the same snapshot;
    return once both are done."""
    dumping = asyncio.ensure_future(dump(url, snapshot_name, target, progress))
    try:
        found = await read()
    except BaseException:
        dumping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await dumping
        raise
    await dumping
    return found


async def restore(url: str, source: Path) -> None:
    """`pg_restore` of the dump `source` into the (empty) database at `url`, in one
    transaction; objects are owned by the user restoring, grants are not restored."""
    dsn, env = libpq_target(url)
    options = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-acl"]
    await _run([find_tool("pg_restore"), *options, f"--dbname={dsn}", str(source)], env)


async def is_empty(conn: AsyncConnection) -> bool:
    """No table, view or sequence outside PostgreSQL's own schemas."""
    return int((await conn.execute(sa.text(USER_RELATIONS))).scalar_one()) == 0


async def _run(
    command: list[str],
    env: dict[str, str],
    watched: Path | None = None,
    progress: SizeProgress | None = None,
) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    waiting = asyncio.ensure_future(process.communicate())
    try:
        while not waiting.done():
            await asyncio.wait([waiting], timeout=POLL_SECONDS)
            if watched is not None and progress is not None:
                with contextlib.suppress(FileNotFoundError):
                    progress(os.stat(watched).st_size)
    except BaseException:  # given up (cancelled): the tool must not run on unseen
        if process.returncode is None:
            process.kill()
        await asyncio.shield(process.wait())
        raise
    _, errors = waiting.result()
    if process.returncode != 0:
        text = errors.decode(errors="replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed (exit {process.returncode}): {text}")
