"""Backing up and restoring a SQLite database while the server keeps writing to it.

The copy is SQLite's online backup (`sqlite3.Connection.backup`), taken in steps of STEP_PAGES
pages (for progress) inside one read transaction of our own, opened before the first step.
The database is in WAL mode, so that reader never holds the server's writer up, and every
step copies pages of the same snapshot: SQLite's backup starts over when it sees the source
change between steps, but a connection inside a read transaction does not see later commits,
so it never does (under a steady stream of sends it would otherwise start over for ever). The
snapshot is the database as of that transaction's first read. The copy is switched from WAL to
a rollback journal, so it is one self-contained file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from guanxi.db.backup import FILE_MODE, BackupError, fsync_folder
from guanxi.db.inline_sqlite import BUSY_TIMEOUT_MS

STEP_PAGES = 1024
StepProgress = Callable[[int, int], None]  # pages copied, pages in all


def snapshot(source: Path, target: Path, progress: StepProgress | None = None) -> None:
    """Copy the database `source` as of now into the new file `target`."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    reader = sqlite3.connect(source, isolation_level=None)
    try:
        reader.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot is taken
        _copy(reader, target, progress)
        reader.execute("COMMIT")
    finally:
        reader.close()


def _copy(reader: sqlite3.Connection, target: Path, progress: StepProgress | None) -> None:
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    writer = sqlite3.connect(target, isolation_level=None)
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        reader.backup(writer, pages=STEP_PAGES, progress=step)
        writer.execute("PRAGMA journal_mode=DELETE")
        ok = writer.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"the copy of the database failed its check: {ok}")
    finally:
        writer.close()


def restore(source: Path, target: Path, copy: Callable[[Path, Path], object]) -> None:
    """Put the backup's database file `source` in place as `target`, which must not exist
    (nor its journal): copied under another name with `copy`, then renamed."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-journal")):
        if leftover.exists():
            raise BackupError(f"{leftover} exists: restore only into an empty data folder")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    staged.unlink(missing_ok=True)
    copy(source, staged)
    os.replace(staged, target)
    fsync_folder(target.parent)


def is_empty(database: Path) -> bool:
    return not database.exists() or database.stat().st_size == 0
