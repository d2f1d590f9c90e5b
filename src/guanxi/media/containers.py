"""Small readers for the two video containers: ISO BMFF (MP4, M4A, MOV) and Matroska/WebM.

Each says which kinds of track the file has and its duration, from the headers only. The
file is mapped into memory (`Buffer`), so a walk reads only the bytes it looks at.
"""

from __future__ import annotations

import math
import mmap
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from guanxi.media.budget import Budget, TooComplex
from guanxi.media.ebml import (
    BLOCK,
    BLOCK_GROUP,
    CLUSTER,
    CLUSTER_CHILDREN,
    DOCTYPE,
    DURATION,
    EBML,
    INFO,
    SEGMENT,
    SIMPLE_BLOCK,
    TIMECODE,
    TIMECODE_SCALE,
    TRACK_ENTRY,
    TRACK_TYPE,
    TRACKS,
    Buffer,
    Element,
    Walker,
    vint,
)

TAIL_MAX = 32 * 1024 * 1024  # how far from the end the last Cluster is looked for
TAIL_TRIES = 16  # candidates that turn out not to be a Cluster before giving up


@dataclass
class Container:
    tracks: set[str] = field(default_factory=set)  # "video", "audio"
    duration_ms: int | None = None
    doctype: str = ""


@contextmanager
def mapped(path: Path) -> Iterator[mmap.mmap]:
    """A (non-empty) file mapped read-only into memory."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        yield data


# -- ISO BMFF (MP4) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # the first byte of its size
    data: int  # the first byte of its payload
    end: int  # one past its payload (clamped to what holds it)


def boxes(data: Buffer, start: int, end: int, budget: Budget) -> Iterator[Box]:
    """The boxes one after another in [start, end)."""
    pos = start
    while pos + 8 <= end:
        budget.spend()
        size, kind, header = box_header(data[pos : pos + 16], end - pos)
        if size < header:
            return
        yield Box(kind, pos, pos + header, min(end, pos + size))
        pos += size


def box_header(raw: bytes, remaining: int) -> tuple[int, bytes, int]:
    """(size, type, header length) of the box whose first bytes are `raw`."""
    if len(raw) < 8:
        return 0, b"", 8
    size, kind = struct.unpack(">I4s", raw[:8])
    if size == 1 and len(raw) >= 16:
        return int(struct.unpack(">Q", raw[8:16])[0]), kind, 16
    if size == 0:
        return remaining, kind, 8
    return int(size), kind, 8


def read_mp4(data: Buffer) -> Container:
    """Walk the top-level boxes (moov may sit after a huge mdat), then read moov."""
    found = Container()
    budget = Budget()
    try:
        for box in boxes(data, 0, len(data), budget):
            if box.kind == b"moov":
                _read_moov(data, box, budget, found)
                break
    except TooComplex:
        pass
    return found


def _read_moov(data: Buffer, moov: Box, budget: Budget, found: Container) -> None:
    for box in boxes(data, moov.data, moov.end, budget):
        if box.kind == b"mvhd":
            found.duration_ms = _mvhd_duration(data[box.data : box.end])
        elif box.kind == b"trak":
            for handler in _handlers(data, box, budget):
                found.tracks.add({b"vide": "video", b"soun": "audio"}.get(handler, "other"))


def _mvhd_duration(body: bytes) -> int | None:
    if len(body) >= 20 and body[0] == 0:
        scale, duration = struct.unpack(">II", body[12:20])
    elif len(body) >= 32 and body[0] == 1:
        scale, duration = struct.unpack(">IQ", body[20:32])
    else:
        return None
    return duration * 1000 // scale if scale else None


def _handlers(data: Buffer, trak: Box, budget: Budget) -> list[bytes]:
    return [
        data[hdlr.data + 8 : hdlr.data + 12]
        for mdia in boxes(data, trak.data, trak.end, budget)
        if mdia.kind == b"mdia"
        for hdlr in boxes(data, mdia.data, mdia.end, budget)
        if hdlr.kind == b"hdlr" and hdlr.end - hdlr.data >= 12
    ]


# -- Matroska / WebM (EBML) --------------------------------------------------------------------


def read_webm(data: Buffer) -> Container:
    """Doctype, track types and duration from the elements before the first Cluster. A live
    recorder (a browser's MediaRecorder) writes no duration: then it is when the last block
    starts, read from the end of the file."""
    found = Container()
    walker = Walker(data)
    try:
        for element in walker.walk(0, len(data)):
            if element.id == EBML:
                doctype = next(walker.children(element, DOCTYPE), None)
                found.doctype = _text(walker, doctype)
            elif element.id == SEGMENT:
                scale = _read_segment(walker, element, found)
                if found.duration_ms is None:
                    found.duration_ms = last_block_ms(data, scale)
                break
    except TooComplex:
        pass
    return found


def _text(walker: Walker, element: Element | None) -> str:
    if element is None:
        return ""
    return walker.payload(element).rstrip(b"\0").decode("ascii", "replace")


def _read_segment(walker: Walker, segment: Element, found: Container) -> int:
    """Read Info and Tracks into `found`; answer the timecode scale (ns per tick)."""
    scale, duration = 1_000_000, None
    for element in walker.walk(segment.data, segment.end):
        if element.id == CLUSTER:
            break
        if element.id == INFO:
            scale, duration = _info(walker, element, scale)
        elif element.id == TRACKS:
            found.tracks |= _track_types(walker, element)
    if duration is not None:
        found.duration_ms = _float_ms(duration * scale / 1_000_000)
    return scale


def _float_ms(ms: float) -> int | None:
    """A Duration is a float: NaN or infinity (a damaged header) is no duration."""
    return int(ms) if math.isfinite(ms) else None


def _info(walker: Walker, info: Element, scale: int) -> tuple[int, float | None]:
    duration = None
    for element in walker.walk(info.data, info.end):
        value = walker.payload(element, 8)
        if element.id == TIMECODE_SCALE:
            scale = int.from_bytes(value, "big") or scale
        elif element.id == DURATION and len(value) in (4, 8):
            duration = struct.unpack(">f" if len(value) == 4 else ">d", value)[0]
    return scale, duration


def _track_types(walker: Walker, tracks: Element) -> set[str]:
    return {
        {1: "video", 2: "audio"}.get(int.from_bytes(walker.payload(kind, 8), "big"), "other")
        for entry in walker.children(tracks, TRACK_ENTRY)
        for kind in walker.children(entry, TRACK_TYPE)
    }


def last_block_ms(data: Buffer, scale: int) -> int | None:
    """When the last block starts, in ms: its Cluster's Timecode plus its own. The last Cluster
    is found by its id from the end; a match inside some payload is told apart by what must
    follow a Cluster's id (a Timecode first, then only a Cluster's children)."""
    marker = CLUSTER.to_bytes(4, "big")
    low, pos = max(0, len(data) - TAIL_MAX), len(data)
    walker = Walker(data)
    for _ in range(TAIL_TRIES):
        pos = data.rfind(marker, low, pos)
        if pos < 0:
            return None
        ticks = _cluster_ticks(walker, pos)
        if ticks is not None:
            return ticks * scale // 1_000_000
    return None


def _cluster_ticks(walker: Walker, pos: int) -> int | None:
    cluster = walker.element(pos, len(walker.data))
    if cluster is None or cluster.id != CLUSTER:
        return None
    children = list(walker.walk(cluster.data, cluster.end))
    if not children or children[0].id != TIMECODE or children[0].end - children[0].data > 8:
        return None
    if any(child.id not in CLUSTER_CHILDREN for child in children):
        return None
    timecode = int.from_bytes(walker.payload(children[0], 8), "big")
    blocks = [_block_ticks(walker, child) for child in children[1:]]
    return timecode + max((t for t in blocks if t is not None), default=0)


def _block_ticks(walker: Walker, element: Element) -> int | None:
    """A SimpleBlock's (or a BlockGroup's Block's) timecode, relative to its Cluster."""
    if element.id == BLOCK_GROUP:
        element = next(walker.children(element, BLOCK), element)
    if element.id not in (SIMPLE_BLOCK, BLOCK):
        return None
    head = walker.payload(element, 12)
    try:
        _, after_track, _ = vint(head, 0, keep_marker=False)
    except IndexError:
        return None
    stamp = head[after_track : after_track + 2]
    return int.from_bytes(stamp, "big", signed=True) if len(stamp) == 2 else None
