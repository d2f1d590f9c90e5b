"""Taking the metadata out of an MP4, M4A or MOV file without remuxing it.

Each metadata box becomes a `free` box of the same size, its payload zeroed: nothing moves, so
the chunk offsets (`stco`, `co64`) still point at the right samples and the file still plays
and seeks. Taken out: `udta` and `meta` (iTunes-style `ilst` tags, QuickTime `keys`, Apple's
and Android's `©xyz` location, `loci`, camera make and model) in `moov` and in every track,
`uuid` boxes there (XMP, camera makers' blocks), a top-level `udta`, `meta` or XMP `uuid`, and
any stray `©xyz` or `loci` deeper in a track; bytes after the last top-level box are cut off.
The creation and modification times of the movie, tracks and media headers become zero.
`free` and `skip` boxes in `moov` are zeroed too, in case an editor left old tags in them.
Samples are never touched: a timed-metadata track (a GoPro's GPS track) stays.
"""

from __future__ import annotations

from guanxi.media.budget import Budget
from guanxi.media.containers import Box, box_header, boxes
from guanxi.media.ebml import Buffer
from guanxi.media.inplace import Patch

DROPPED = frozenset({b"udta", b"meta", b"uuid", b"\xa9xyz", b"loci", b"free", b"skip"})
DROPPED_ON_TOP = frozenset({b"udta", b"meta"})
DATED = frozenset({b"mvhd", b"tkhd", b"mdhd"})
OPENED = frozenset({b"trak", b"mdia", b"minf"})
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def patches(data: Buffer) -> list[Patch]:
    """The overwrites that leave the file without its metadata."""
    found: list[Patch] = []
    budget = Budget()
    for box in boxes(data, 0, len(data), budget):
        if box.kind == b"moov":
            found += _inside(data, box, budget)
        elif box.kind in DROPPED_ON_TOP or _is_xmp(data, box):
            found.append(_free(data, box))
    return found


def boxes_end(data: Buffer) -> int:
    """Where the last whole top-level box ends: anything after it (appended bytes, which no
    player reads but a download would carry, or a box cut short) is cut off."""
    end, budget = 0, Budget()
    while end + 8 <= len(data):
        budget.spend()
        size, _, header = box_header(data[end : end + 16], len(data) - end)
        if size < header or end + size > len(data):
            break
        end += size
    return end


def _inside(data: Buffer, parent: Box, budget: Budget) -> list[Patch]:
    found: list[Patch] = []
    for box in boxes(data, parent.data, parent.end, budget):
        if box.kind in DROPPED:
            found.append(_free(data, box))
        elif box.kind in DATED:
            found += _undated(data, box)
        elif box.kind in OPENED:
            found += _inside(data, box, budget)
    return found


def _is_xmp(data: Buffer, box: Box) -> bool:
    return box.kind == b"uuid" and data[box.data : box.data + 16] == XMP_UUID


def _free(data: Buffer, box: Box) -> Patch:
    """The box as a `free` box: same size field, zeroed payload."""
    header = data[box.start : box.start + 4] + b"free" + data[box.start + 8 : box.data]
    return Patch(box.start, header, box.end - box.data)


def _undated(data: Buffer, box: Box) -> list[Patch]:
    """Zero a full box's creation and modification times (32 bits each, 64 in version 1)."""
    if box.end - box.data < 20:
        return []
    width = 16 if data[box.data] == 1 else 8
    return [Patch(box.data + 4, zeros=width)]
