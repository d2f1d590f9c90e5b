"""The served copy of a voice note or a video: the upload without its metadata.

Which container the probe found decides how: MP4 and Matroska/WebM are patched in place on a
copy (`clean_mp4`, `clean_mkv`: metadata overwritten by padding of the same size, nothing
moves); MP3, WAV and Ogg are rewritten without their tags (`clean_audio`). A file that carries
nothing to take out is served as uploaded. Plain files (kind `file`) are never rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from guanxi.media import clean_mkv, clean_mp4
from guanxi.media.clean_audio import clean_mp3, clean_ogg, clean_wav
from guanxi.media.containers import mapped
from guanxi.media.ebml import Buffer
from guanxi.media.inplace import Patch, changes, write_patched

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Cleaned:
    path: Path
    sha256: str
    size: int


def clean(source: Path, mime: str, target: Path) -> Cleaned | None:
    """Write to `target` the upload at `source` without its metadata; None (and nothing
    written) when it has none to take out. ValueError when its container is too odd to walk
    or rewrite."""
    cleaner = CLEANERS.get(mime)
    if cleaner is None or not cleaner(source, target):
        return None
    digest, size = hashlib.sha256(), 0
    with target.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Cleaned(target, digest.hexdigest(), size)


def _patching(finder: Callable[[Buffer], list[Patch]]) -> Callable[[Path, Path], bool]:
    def cleaner(source: Path, target: Path) -> bool:
        with mapped(source) as data:
            needed = [patch for patch in finder(data) if changes(data, patch)]
        if needed:
            write_patched(source, target, needed)
        return bool(needed)

    return cleaner


def _clean_mp4(source: Path, target: Path) -> bool:
    """The metadata boxes overwritten, and anything after the last box cut off."""
    with mapped(source) as data:
        needed = [patch for patch in clean_mp4.patches(data) if changes(data, patch)]
        end = clean_mp4.boxes_end(data)
        size = len(data)
    if needed or end < size:
        write_patched(source, target, needed, end)
    return bool(needed) or end < size


MP4, MATROSKA = _clean_mp4, _patching(clean_mkv.patches)
CLEANERS: dict[str, Callable[[Path, Path], bool]] = {
    "audio/mp4": MP4,
    "video/mp4": MP4,
    "video/quicktime": MP4,
    "audio/webm": MATROSKA,
    "video/webm": MATROSKA,
    "audio/x-matroska": MATROSKA,
    "video/x-matroska": MATROSKA,
    "audio/mpeg": clean_mp3,
    "audio/wav": clean_wav,
    "audio/ogg": clean_ogg,
}
