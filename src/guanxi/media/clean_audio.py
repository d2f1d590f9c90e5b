"""Taking the tags out of the audio-only formats: MP3, WAV and Ogg.

- MP3: the ID3v2 tags at the start, and at the end ID3v1 (and its extended block), APEv2,
  Lyrics3v2 and an appended ID3v2; the frames between are copied as they are (the encoder's
  Xing/LAME header, which holds no personal data and gives the duration, stays).
- WAV: only the chunks that play are kept (`fmt `, `fact`, `data`): LIST (INFO titles, names,
  dates, software; adtl labels), `id3 `, `bext` (originator, date), iXML, XMP and the rest go,
  and so does anything after the RIFF end; the RIFF size is rewritten.
- Ogg (Opus, Vorbis, FLAC): only the first logical stream's pages are kept (a chained or
  multiplexed file's other streams carry comments of their own, and bytes after the last page
  go too); mutagen empties its comment header (the vendor string, the encoding library's
  name, stays) and drops Opus's preserved extra comment data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mutagen
from mutagen.ogg import OggPage
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from guanxi.media.budget import Budget
from guanxi.media.containers import mapped
from guanxi.media.ebml import Buffer
from guanxi.media.probe import MUTAGEN_ERRORS

OGG_KINDS = (OggOpus, OggVorbis, OggFLAC)
WAV_KEPT = frozenset({b"fmt ", b"fact", b"data"})
CHUNK = 1024 * 1024


def clean_mp3(source: Path, target: Path) -> bool:
    """Write the MPEG frames without the tags around them; False when there are none."""
    with mapped(source) as data:
        start, end = _mp3_frames(data)
        if (start, end) == (0, len(data)):
            return False
        with target.open("wb") as out:
            _copy(data, start, end, out.write)
    return True


def _mp3_frames(data: Buffer) -> tuple[int, int]:
    budget = Budget()
    start = 0
    while length := _id3v2_length(data, start):
        budget.spend()
        start += length
    end = len(data)
    while end > start and (length := _tail_tag_length(data, start, end)):
        budget.spend()
        end -= length
    return min(start, len(data)), max(start, end)


def _id3v2_length(data: Buffer, pos: int) -> int:
    head = data[pos : pos + 10]
    if len(head) < 10 or head[:3] != b"ID3" or 0xFF in head[3:5] or max(head[6:]) >= 0x80:
        return 0
    return 10 + _syncsafe(head[6:]) + (10 if head[5] & 0x10 else 0)


def _tail_tag_length(data: Buffer, start: int, end: int) -> int:
    """The length of the tag that ends at `end` (0 when none does)."""
    tail = data[max(start, end - 355) : end]
    size, length = len(tail), 0
    if size >= 128 and tail[-128:-125] == b"TAG":
        length = 355 if size == 355 and tail[:4] == b"TAG+" else 128
    elif size >= 32 and tail[-32:-24] == b"APETAGEX":
        flags = int.from_bytes(tail[-12:-8], "little")
        length = int.from_bytes(tail[-20:-16], "little") + (32 if flags & 1 << 31 else 0)
    elif size >= 15 and tail.endswith(b"LYRICS200") and tail[-15:-9].isdigit():
        length = int(tail[-15:-9]) + 15
    elif size >= 10 and tail[-10:-7] == b"3DI" and max(tail[-4:]) < 0x80:
        length = _syncsafe(tail[-4:]) + 20
    return length if 0 < length <= end - start else 0


def _syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = value << 7 | byte & 0x7F
    return value


# -- WAV -------------------------------------------------------------------------------------


def clean_wav(source: Path, target: Path) -> bool:
    """Write the RIFF file with only the chunks that play; False when it has no others."""
    with mapped(source) as data:
        chunks = _riff_chunks(data)
        kept = [(start, end) for kind, start, end in chunks if kind in WAV_KEPT]
        if len(kept) == len(chunks) and chunks and chunks[-1][2] == len(data):
            return False
        body = sum(end - start for start, end in kept)
        with target.open("wb") as out:
            out.write(b"RIFF" + (4 + body).to_bytes(4, "little") + b"WAVE")
            for start, end in kept:
                _copy(data, start, end, out.write)
    return True


def _riff_chunks(data: Buffer) -> list[tuple[bytes, int, int]]:
    """(id, start, end) of each chunk inside the RIFF's declared size, padding included."""
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    found, pos, budget = [], 12, Budget()
    while pos + 8 <= end:
        budget.spend()
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        stop = min(end, pos + 8 + size + (size & 1))
        found.append((data[pos : pos + 4], pos, stop))
        pos = stop
    return found


# -- Ogg -------------------------------------------------------------------------------------


def clean_ogg(source: Path, target: Path) -> bool:
    """Write a copy with only the first logical stream's pages and an empty comment header;
    False when there is nothing else and the comments are empty already."""
    original = _open_ogg(source)
    if original is None:
        return False
    pages, whole = _first_stream_pages(source)
    if whole and not _has_comments(original.tags):
        return False
    with source.open("rb") as read, target.open("wb") as out:
        for start, end in pages:
            read.seek(start)
            out.write(read.read(end - start))
    if _has_comments(original.tags):
        _empty_comments(type(original), target)
    return True


def _first_stream_pages(path: Path) -> tuple[list[tuple[int, int]], bool]:
    """(start, end) of each page of the first logical stream, and whether that is the whole
    file. A chained or multiplexed Ogg carries other streams, each with comments of its own
    (mutagen reads only the first's); anything after the last page is not a page either."""
    spans: list[tuple[int, int]] = []
    whole, budget, serial = True, Budget(), None
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        while handle.tell() < size:
            budget.spend()
            start = handle.tell()
            try:
                page = OggPage(handle)  # type: ignore[no-untyped-call]
            except MUTAGEN_ERRORS:
                return spans, False
            serial = page.serial if serial is None else serial
            if page.serial == serial:
                spans.append((start, handle.tell()))
            else:
                whole = False
    return spans, whole


def _empty_comments(kind: type[mutagen.FileType], path: Path) -> None:
    try:
        copy = kind(path)
        tags: Any = copy.tags
        tags.clear()
        if hasattr(tags, "_pad_data"):  # binary data Opus keeps after the comments
            tags._pad_data = b""
        copy.save()
    except MUTAGEN_ERRORS as error:
        raise ValueError("The recording's comments could not be rewritten.") from error


def _open_ogg(path: Path) -> mutagen.FileType | None:
    for kind in OGG_KINDS:
        try:
            return kind(path)
        except MUTAGEN_ERRORS:
            continue
    return None


def _has_comments(tags: Any) -> bool:
    return bool(tags) or bool(getattr(tags, "_pad_data", b""))


def _copy(data: Buffer, start: int, end: int, write: Callable[[bytes], object]) -> None:
    for pos in range(start, end, CHUNK):
        write(data[pos : min(end, pos + CHUNK)])
