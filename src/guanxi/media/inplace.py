"""Overwriting parts of a copy in place: how the MP4 and Matroska cleaners take metadata out
without moving a single byte of the media (so chunk offsets and seek indexes stay valid)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from guanxi.media.ebml import Buffer

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Patch:
    """Write `data` at `offset`, then `zeros` zero bytes."""

    offset: int
    data: bytes = b""
    zeros: int = 0


def changes(data: Buffer, patch: Patch) -> bool:
    """Whether the patch would change the bytes it covers."""
    start = patch.offset + len(patch.data)
    if data[patch.offset : start] != patch.data:
        return True
    stop = min(len(data), start + patch.zeros)
    return any(
        data[pos : min(stop, pos + CHUNK)].count(0) != min(stop, pos + CHUNK) - pos
        for pos in range(start, stop, CHUNK)
    )


def write_patched(
    source: Path, target: Path, patches: list[Patch], length: int | None = None
) -> None:
    """Copy `source` to `target` (its first `length` bytes, when given), then apply the
    patches to the copy."""
    shutil.copyfile(source, target)
    if length is not None:
        os.truncate(target, length)
    size = target.stat().st_size
    with target.open("r+b") as handle:
        for patch in patches:
            handle.seek(patch.offset)
            handle.write(patch.data)
            left = min(patch.zeros, size - patch.offset - len(patch.data))
            while left > 0:
                left -= handle.write(bytes(min(CHUNK, left)))
