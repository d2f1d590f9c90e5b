"""Taking the metadata out of a Matroska or WebM file without remuxing it.

Each element taken out becomes an EBML Void element of the same total size, its payload
zeroed: nothing moves, so Cues and SeekHead positions stay valid. Taken out: Tags (titles,
artists, comments, encoder settings, any location) and Attachments (cover pictures and their
own metadata); from Segment Info the Title, DateUTC and the segment's file names; each track's
Name; and the SeekHead entries that pointed at Tags or Attachments. Kept: MuxingApp and
WritingApp (the software, as an Ogg file's vendor string), Chapters, and everything that
plays. Live recordings (unknown-size Segment and Clusters) are walked to the end, so Tags
written after the Clusters are found too.
"""

from __future__ import annotations

from guanxi.media.ebml import (
    ATTACHMENTS,
    DATE_UTC,
    INFO,
    NEXT_FILENAME,
    PREV_FILENAME,
    SEEK,
    SEEK_HEAD,
    SEEK_ID,
    SEGMENT,
    SEGMENT_FILENAME,
    TAGS,
    TITLE,
    TRACK_ENTRY,
    TRACK_NAME,
    TRACKS,
    VOID,
    Buffer,
    Element,
    Walker,
)
from guanxi.media.inplace import Patch

DROPPED = frozenset({TAGS, ATTACHMENTS})
PRIVATE_INFO = frozenset({TITLE, DATE_UTC, SEGMENT_FILENAME, PREV_FILENAME, NEXT_FILENAME})


def patches(data: Buffer) -> list[Patch]:
    """The overwrites that leave the file without its metadata."""
    walker = Walker(data)
    found: list[Patch] = []
    for top in walker.walk(0, len(data)):
        if top.id == SEGMENT:
            for element in walker.walk(top.data, top.end):
                found += _inside_segment(walker, element)
    return found


def _inside_segment(walker: Walker, element: Element) -> list[Patch]:
    if element.id in DROPPED:
        return [void(element)]
    if element.id == INFO:
        return [void(e) for e in walker.walk(element.data, element.end) if e.id in PRIVATE_INFO]
    if element.id == TRACKS:
        entries = walker.children(element, TRACK_ENTRY)
        return [void(name) for entry in entries for name in walker.children(entry, TRACK_NAME)]
    if element.id == SEEK_HEAD:
        seeks = walker.children(element, SEEK)
        return [void(seek) for seek in seeks if _aims_at_dropped(walker, seek)]
    return []


def _aims_at_dropped(walker: Walker, seek: Element) -> bool:
    return any(
        int.from_bytes(walker.payload(target, 8), "big") in DROPPED
        for target in walker.children(seek, SEEK_ID)
    )


def void(element: Element) -> Patch:
    """An EBML Void element exactly as long as `element` (id, size and payload together)."""
    total = element.end - element.start
    length = min(8, total - 1)  # of the size field; a short Void writes its size (0) long
    size = total - 1 - length
    header = bytes([VOID]) + (size | 1 << (7 * length)).to_bytes(length, "big")
    return Patch(element.start, header, size)
