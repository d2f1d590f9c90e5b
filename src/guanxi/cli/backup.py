"""`guanxi backup` and `guanxi restore`: the whole community copied while the server keeps
serving, and brought back into an empty data folder (and database).

A backup folder holds the database (`guanxi.db`, or `guanxi.pgdump` from `pg_dump`), the
community's key (`community.key`), the media the database refers to (`media/ab/<sha256>`) and
`backup.json`, written last, listing every file with its SHA-256. The search index is not in
it: it is derived data, rebuilt from the messages when the restored server starts. Order, and
why it makes a consistent backup: `backup_media.py`.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Coroutine
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from guanxi.cli.backup_bars import Bars
from guanxi.cli.backup_media import (
    Pins,
    blob_of,
    copy_blobs,
    media_store,
    pin_each,
    pinned_size,
    referenced_blobs,
    restore_blobs,
)
from guanxi.cli.database import open_database
from guanxi.cli.options import DataDir, settings_with
from guanxi.clock import Clock, iso
from guanxi.db.backup import (
    BackupError,
    Manifest,
    copy_file,
    hash_file,
    make_folder,
    read_manifest,
    verify,
    write_manifest,
)
from guanxi.db.backup_database import (
    FILES,
    database_is_empty,
    kind_of,
    known_revision,
    restore_database,
    shown_url,
    snapshot_database,
)
from guanxi.db.data_folder import secure_data_folder
from guanxi.media.storage import BUCKETS
from guanxi.realtime.community import KEY_FILE
from guanxi.settings import Settings

T = TypeVar("T")
MB = 1_000_000


@dataclass(frozen=True, kw_only=True)
class Made:
    manifest: Manifest
    media: int
    missing: list[str]  # blobs the database refers to that the data folder did not hold
    damaged: list[str]  # blobs whose bytes were no longer their hash


def backup(
    out: Annotated[
        Path, typer.Option("--out", help="A new or empty folder to write the backup into.")
    ],
    data_dir: DataDir = None,
) -> None:
    """Back up the community while the server keeps serving: the database (SQLite's online
    backup, or pg_dump with GUANXI_DATABASE_URL), the media it refers to and the community's
    key, with backup.json listing each file's SHA-256. The search index is rebuilt after a
    restore, not copied."""
    settings = settings_with(data_dir=data_dir)
    console = Console(stderr=True)
    made = _run(make_backup(settings, out, Bars(console)))
    size = sum(entry.size for entry in made.manifest.files.values())
    typer.echo(
        f"backup of the {made.manifest.database} database (revision {made.manifest.revision})"
        f" and {made.media} media files, {size / MB:.1f} MB, written to {out}"
    )
    for sha256 in made.missing:
        typer.echo(f"warning: media {sha256} was already missing from the data folder", err=True)
    for sha256 in made.damaged:
        typer.echo(f"warning: media {sha256} is damaged in the data folder; left out", err=True)


def restore(
    folder: Annotated[Path, typer.Argument(help="A folder `guanxi backup` wrote.")],
    data_dir: DataDir = None,
) -> None:
    """Restore a backup into an empty data folder (and, with GUANXI_DATABASE_URL, an empty
    PostgreSQL database). Every file is checked against backup.json first: a backup that
    differs, or a target that is not empty, is refused with nothing changed. Then the schema
    is brought up to date (a backup of an older guanxi is migrated)."""
    settings = settings_with(data_dir=data_dir)
    manifest = _run(restore_backup(settings, folder, Bars(Console(stderr=True))))
    open_database(settings)
    typer.echo(
        f"restored the backup of {iso(manifest.created_at)} into {settings.data_dir};"
        " the search index is rebuilt when `guanxi serve` starts"
    )


def _run(work: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(work)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


async def make_backup(settings: Settings, out: Path, bars: Bars) -> Made:
    _check_outside(out, settings.data_dir)
    make_folder(out)
    try:
        with bars:
            return await _fill(settings, out, bars)
    except BaseException:
        _empty(out)  # it was empty: a failed backup leaves nothing behind
        raise


def _check_outside(out: Path, data_dir: Path) -> None:
    if out.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError(f"{out} is inside the data folder: write the backup somewhere else")


def _empty(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


async def _fill(settings: Settings, out: Path, bars: Bars) -> Made:
    created_at = Clock().now_ms()
    media = media_store(settings)
    with Pins(media) as pins, closing(media.files):
        with bars.bar("pinning media", BUCKETS) as bar:
            await pins.pin_all(bar.advance)
        with bars.bar("database", 0) as bar:
            url = settings.effective_database_url()
            snapshot = await snapshot_database(url, out, referenced_blobs, bar.set)
        missing = pin_each(pins, snapshot.found)
        files = {snapshot.file: hash_file(out / snapshot.file)}
        key = settings.data_dir / KEY_FILE
        if key.is_file():
            files[KEY_FILE] = copy_file(key, out / KEY_FILE)
        with bars.bar("media", pinned_size(pins, snapshot.found)) as bar:
            blobs, damaged = copy_blobs(pins, snapshot.found, out, bar.advance)
    manifest = Manifest(
        created_at=created_at,
        database=snapshot.kind,
        revision=snapshot.revision,
        files=files | blobs,
    )
    write_manifest(out, manifest)
    return Made(manifest=manifest, media=len(blobs), missing=missing, damaged=damaged)


async def restore_backup(settings: Settings, folder: Path, bars: Bars) -> Manifest:
    url = settings.effective_database_url()
    manifest = read_manifest(folder)
    _check_fits(manifest, kind_of(url))
    await _check_empty(settings, url)
    with bars:
        with bars.bar("checking files", sum(e.size for e in manifest.files.values())) as bar:
            verify(folder, manifest, bar.advance)
        try:
            await _put_back(settings, url, folder, manifest, bars)
        except BackupError as exc:
            raise BackupError(f"{exc}\n{_half_done(settings, url)}") from exc
        except Exception as exc:
            raise BackupError(f"the restore failed: {exc!r}\n{_half_done(settings, url)}") from exc
    return manifest


def _check_fits(manifest: Manifest, kind: str) -> None:
    if manifest.database != kind:
        raise BackupError(
            f"the backup is of a {manifest.database} database and the target is {kind}:"
            " restore it into the same kind of database"
        )
    if not known_revision(manifest.revision):
        raise BackupError(
            f"the backup's schema revision {manifest.revision} is unknown to this guanxi:"
            " it was made by a newer one; restore it with that version or later"
        )
    for name, entry in manifest.files.items():
        blob = blob_of(name)
        if name not in (FILES[kind], KEY_FILE) and blob is None:
            raise BackupError(f"backup.json lists {name}, which is no part of a guanxi backup")
        if blob is not None and entry.sha256 != blob:
            raise BackupError(f"backup.json lists {name} with another SHA-256 than its name")
    if FILES[kind] not in manifest.files:
        raise BackupError(f"backup.json does not list the database ({FILES[kind]})")


async def _check_empty(settings: Settings, url: str) -> None:
    data = settings.data_dir
    if not _is_empty_folder(data):
        raise BackupError(
            f"the data folder {data} is not empty: restore only into an empty or new one"
        )
    if not await database_is_empty(url):
        raise BackupError(
            f"the database {shown_url(url)} is not empty: restore only into an empty one"
        )


async def _put_back(
    settings: Settings, url: str, folder: Path, manifest: Manifest, bars: Bars
) -> None:
    secure_data_folder(settings.data_dir)
    database = manifest.files[FILES[manifest.database]]
    with bars.bar("database", database.size) as bar:
        source = folder / FILES[manifest.database]
        await restore_database(url, source, lambda s, t: copy_file(s, t, bar.advance))
    if KEY_FILE in manifest.files:
        copy_file(folder / KEY_FILE, settings.data_dir / KEY_FILE)
    blobs = {name: entry for name, entry in manifest.files.items() if blob_of(name)}
    media = media_store(settings)
    with bars.bar("media", sum(e.size for e in blobs.values())) as bar, closing(media.files):
        await restore_blobs(media, folder, sorted(blobs), bar.advance)
    secure_data_folder(settings.data_dir)


def _is_empty_folder(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def _half_done(settings: Settings, url: str) -> str:
    where = f"the data folder {settings.data_dir}"
    if kind_of(url) == "postgresql":
        where += f" and the database {shown_url(url)}"
    return f"The restore stopped half-way: empty {where} before trying again."
