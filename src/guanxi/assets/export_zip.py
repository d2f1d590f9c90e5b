"""The finished staging folder as one zip: `manifest.json` first, then every file it lists in
order; JSON and the viewer deflated, media stored as they are (photos, recordings and most
files are compressed already); zip64 wherever sizes need it. Written to `<target>.part` and
renamed into place once complete, so a half-written zip is never taken for an archive.
Blocking: run it on a thread."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

from guanxi.assets.export_format import MANIFEST, MEDIA_FOLDER

FILE_MODE = 0o600
COMPRESS_LEVEL = 6
CHUNK = 1024 * 1024
DateTime = tuple[int, int, int, int, int, int]
EPOCH: DateTime = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say


def write_zip(
    staging: Path, manifest: bytes, paths: list[str], target: Path, *, when_ms: int
) -> int:
    """Zip `manifest` and the staging folder's `paths` into `target` (each entry dated
    `when_ms`, the export's time, UTC); its size in bytes."""
    t = time.gmtime(when_ms // 1000)
    when: DateTime = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    partial = partial_path(target)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with (
        os.fdopen(fd, "wb") as raw,
        zipfile.ZipFile(
            raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL
        ) as archive,
    ):
        archive.writestr(_info(MANIFEST, when, deflate=True), manifest)
        for name in paths:
            _add(archive, staging / name, name, when)
    os.replace(partial, target)
    return target.stat().st_size


def partial_path(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _info(name: str, when: DateTime, *, deflate: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=max(when, EPOCH))
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = (0o100000 | 0o644) << 16  # a regular file, readable when unpacked
    return info


def _add(archive: zipfile.ZipFile, path: Path, name: str, when: DateTime) -> None:
    info = _info(name, when, deflate=not name.startswith(MEDIA_FOLDER + "/"))
    info.file_size = path.stat().st_size
    with path.open("rb") as source, archive.open(info, "w") as sink:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            sink.write(chunk)
