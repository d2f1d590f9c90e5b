"""Small readers for the two video containers: ISO BMFF (MP4, M4A, MOV) and Matroska/WebM.

Each says which kinds of track the file has and its duration, from the headers only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

MOOV_MAX = 64 * 1024 * 1024
EBML_HEAD = 4 * 1024 * 1024


@dataclass
class Container:
    tracks: set[str] = field(default_factory=set)  # "video", "audio"
    duration_ms: int | None = None
    doctype: str = ""


# -- ISO BMFF (MP4) ----------------------------------------------------------------------------


def read_mp4(handle: BinaryIO, size: int) -> Container:
    """Walk the top-level boxes (moov may sit after a huge mdat), then read moov."""
    found = Container()
    offset = 0
    while offset + 8 <= size:
        handle.seek(offset)
        box_size, box_type, header = _box_header(handle.read(16), size - offset)
        if box_size < header:
            break
        if box_type == b"moov" and box_size <= MOOV_MAX:
            handle.seek(offset + header)
            _read_moov(handle.read(box_size - header), found)
            break
        offset += box_size
    return found


def _box_header(raw: bytes, remaining: int) -> tuple[int, bytes, int]:
    if len(raw) < 8:
        return 0, b"", 8
    size, kind = struct.unpack(">I4s", raw[:8])
    if size == 1 and len(raw) >= 16:
        return int(struct.unpack(">Q", raw[8:16])[0]), kind, 16
    if size == 0:
        return remaining, kind, 8
    return int(size), kind, 8


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    found, offset = [], 0
    while offset + 8 <= len(data):
        size, kind, header = _box_header(data[offset : offset + 16], len(data) - offset)
        if size < header:
            break
        found.append((kind, data[offset + header : offset + size]))
        offset += size
    return found


def _read_moov(moov: bytes, found: Container) -> None:
    for kind, body in _boxes(moov):
        if kind == b"mvhd":
            found.duration_ms = _mvhd_duration(body)
        elif kind == b"trak":
            for handler in _handlers(body):
                found.tracks.add({b"vide": "video", b"soun": "audio"}.get(handler, "other"))


def _mvhd_duration(body: bytes) -> int | None:
    if len(body) >= 20 and body[0] == 0:
        scale, duration = struct.unpack(">II", body[12:20])
    elif len(body) >= 32 and body[0] == 1:
        scale, duration = struct.unpack(">IQ", body[20:32])
    else:
        return None
    return duration * 1000 // scale if scale else None


def _handlers(trak: bytes) -> list[bytes]:
    return [
        hdlr[8:12]
        for kind, mdia in _boxes(trak)
        if kind == b"mdia"
        for inner, hdlr in _boxes(mdia)
        if inner == b"hdlr" and len(hdlr) >= 12
    ]


# -- Matroska / WebM (EBML) --------------------------------------------------------------------

EBML, DOCTYPE = 0x1A45DFA3, 0x4282
SEGMENT, INFO, TRACKS, CLUSTER = 0x18538067, 0x1549A966, 0x1654AE6B, 0x1F43B675
TIMECODE_SCALE, DURATION, TRACK_ENTRY, TRACK_TYPE = 0x2AD7B1, 0x4489, 0xAE, 0x83


def read_webm(head: bytes) -> Container:
    """Doctype, track types and duration (when the muxer wrote one: live recorders often
    do not) from the first few MiB."""
    found = Container()
    for element, start, end in _elements(head, 0, len(head)):
        if element == EBML:
            for inner, s, e in _elements(head, start, end):
                if inner == DOCTYPE:
                    found.doctype = head[s:e].rstrip(b"\0").decode("ascii", "replace")
        elif element == SEGMENT:
            _read_segment(head, start, end, found)
    return found


def _read_segment(head: bytes, start: int, end: int, found: Container) -> None:
    scale, duration = 1_000_000, None
    for element, s, e in _elements(head, start, end):
        if element == CLUSTER:
            break
        if element == INFO:
            scale, duration = _info(head[s:e], scale)
        elif element == TRACKS:
            found.tracks |= _track_types(head[s:e])
    if duration is not None:
        found.duration_ms = int(duration * scale / 1_000_000)


def _info(info: bytes, scale: int) -> tuple[int, float | None]:
    duration = None
    for element, s, e in _elements(info, 0, len(info)):
        if element == TIMECODE_SCALE:
            scale = int.from_bytes(info[s:e], "big") or scale
        elif element == DURATION and e - s in (4, 8):
            duration = struct.unpack(">f" if e - s == 4 else ">d", info[s:e])[0]
    return scale, duration


def _track_types(tracks: bytes) -> set[str]:
    types = set()
    for element, s, e in _elements(tracks, 0, len(tracks)):
        if element != TRACK_ENTRY:
            continue
        for inner, a, b in _elements(tracks, s, e):
            if inner == TRACK_TYPE:
                number = int.from_bytes(tracks[a:b], "big")
                types.add({1: "video", 2: "audio"}.get(number, "other"))
    return types


def _elements(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, payload start, payload end) of the elements in data[start:end]; an element of
    unknown size (a live recording's Segment) runs to the end."""
    found = []
    pos = start
    while pos < end:
        try:
            element, pos, _ = _vint(data, pos, keep_marker=True)
            size, pos, unknown = _vint(data, pos, keep_marker=False)
        except IndexError:
            break
        stop = end if unknown else min(end, pos + size)
        found.append((element, pos, stop))
        pos = stop
    return found


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    first = data[pos]
    length, mask = 1, 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise IndexError("not an EBML number")
    value = first if keep_marker else first & (mask - 1)
    if pos + length > len(data):
        raise IndexError("truncated")
    for byte in data[pos + 1 : pos + length]:
        value = value << 8 | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, pos + length, unknown
