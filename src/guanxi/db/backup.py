"""A backup folder: its files, each copied with its SHA-256 taken on the way, and the manifest
(`backup.json`) that lists them, written last, so a folder without one is no backup.

    {"format": "guanxi-backup", "version": 1, "created_at": ms, "database": "sqlite" |
     "postgresql", "revision": "<alembic revision>", "files": {"<path>": {"sha256", "size"}}}

Paths are relative, with `/` between parts. What the files are (the database, the community's
key, media) is the caller's business: this module only copies, hashes, lists and checks.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

MANIFEST = "backup.json"
FORMAT = "guanxi-backup"
VERSION = 1
KINDS = ("sqlite", "postgresql")
CHUNK = 1024 * 1024
FOLDER_MODE, FILE_MODE = 0o700, 0o600
SAFE_PATH = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")

Progress = Callable[[int], None]  # called with the bytes just handled


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True, kw_only=True)
class FileEntry:
    sha256: str
    size: int

    def to_wire(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size}


@dataclass(frozen=True, kw_only=True)
class Manifest:
    created_at: int
    database: str
    revision: str
    files: dict[str, FileEntry]

    def to_wire(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "database": self.database,
            "revision": self.revision,
            "files": {path: entry.to_wire() for path, entry in sorted(self.files.items())},
        }


def make_folder(folder: Path) -> None:
    """Make `folder` (owner-only) if missing; refuse one that holds anything."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder; give a new or empty one")
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)


def copy_file(source: Path, target: Path, progress: Progress | None = None) -> FileEntry:
    """Copy `source` to the new file `target` (0600, fsynced), hashing on the way."""
    target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with source.open("rb") as reader, os.fdopen(fd, "wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
            if progress is not None:
                progress(len(chunk))
        writer.flush()
        os.fsync(writer.fileno())
    return FileEntry(sha256=digest.hexdigest(), size=size)


def hash_file(path: Path, progress: Progress | None = None) -> FileEntry:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if progress is not None:
                progress(len(chunk))
    return FileEntry(sha256=digest.hexdigest(), size=size)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Written whole under another name and renamed: the last step of a backup."""
    staged = folder / (MANIFEST + ".part")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as writer:
        writer.write(orjson.dumps(manifest.to_wire(), option=orjson.OPT_INDENT_2))
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(staged, folder / MANIFEST)
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`, its shape checked (not yet its files)."""
    path = folder / MANIFEST
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: {folder} is no finished guanxi backup") from None
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} manifest")
    if data.get("version") != VERSION:
        raise BackupError(
            f"{path} has version {data.get('version')!r}; this guanxi reads version {VERSION}"
        )
    return _manifest_of(data, path)


def _manifest_of(data: dict[str, Any], path: Path) -> Manifest:
    created_at, database, revision = (data.get(k) for k in ("created_at", "database", "revision"))
    files = data.get("files")
    if not isinstance(created_at, int) or database not in KINDS or not isinstance(revision, str):
        raise BackupError(f"{path}: created_at, database or revision is missing or wrong")
    if not isinstance(files, dict):
        raise BackupError(f"{path}: files is missing or not an object")
    return Manifest(
        created_at=created_at,
        database=str(database),
        revision=revision,
        files={name: _entry_of(name, entry, path) for name, entry in files.items()},
    )


def _entry_of(name: str, entry: Any, path: Path) -> FileEntry:
    if not SAFE_PATH.fullmatch(name) or ".." in name.split("/"):
        raise BackupError(f"{path}: the file name {name!r} is not allowed")
    if not isinstance(entry, dict):
        raise BackupError(f"{path}: the entry of {name} is not an object")
    sha256, size = entry.get("sha256"), entry.get("size")
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise BackupError(f"{path}: the entry of {name} has no SHA-256")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BackupError(f"{path}: the entry of {name} has no size")
    return FileEntry(sha256=sha256, size=size)


def verify(folder: Path, manifest: Manifest, progress: Progress | None = None) -> None:
    """Every file listed is there with its hash, and nothing else is: else BackupError
    naming the first file that differs."""
    unlisted = sorted(set(_files_in(folder)) - set(manifest.files) - {MANIFEST})
    if unlisted:
        raise BackupError(f"{folder / unlisted[0]} is not listed in {MANIFEST}")
    for name, expected in sorted(manifest.files.items()):
        path = folder / name
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"{path} is listed in {MANIFEST} but missing")
        found = hash_file(path, progress)
        if found != expected:
            raise BackupError(
                f"{path} does not match {MANIFEST}: SHA-256 {found.sha256} ({found.size} bytes),"
                f" listed {expected.sha256} ({expected.size} bytes)"
            )


def _files_in(folder: Path) -> list[str]:
    found: list[str] = []
    for parent, _folders, names in os.walk(folder):
        for name in names:
            found.append((Path(parent) / name).relative_to(folder).as_posix())
    return found
