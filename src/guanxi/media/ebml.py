"""EBML, the binary layout under Matroska and WebM: element ids, variable-length numbers, and
a walk over the elements of a file (mapped into memory) that reads their headers only.

An element may have an *unknown size* (a live recording's Segment and Clusters: the writer did
not know how long they would be). Such a Segment runs to the end of what holds it; such a
Cluster ends at the first element that cannot be a Cluster's child.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass

from guanxi.media.budget import Budget

Buffer = bytes | mmap.mmap

EBML, DOCTYPE = 0x1A45DFA3, 0x4282
SEGMENT, SEEK_HEAD, INFO, TRACKS = 0x18538067, 0x114D9B74, 0x1549A966, 0x1654AE6B
CLUSTER, TAGS, ATTACHMENTS = 0x1F43B675, 0x1254C367, 0x1941A469
SEEK, SEEK_ID = 0x4DBB, 0x53AB
TIMECODE_SCALE, DURATION, TITLE, DATE_UTC = 0x2AD7B1, 0x4489, 0x7BA9, 0x4461
SEGMENT_FILENAME, PREV_FILENAME, NEXT_FILENAME = 0x7384, 0x3C83AB, 0x3E83BB
TRACK_ENTRY, TRACK_TYPE, TRACK_NAME = 0xAE, 0x83, 0x536E
TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0xE7, 0xA3, 0xA0, 0xA1
VOID, CRC32 = 0xEC, 0xBF
CLUSTER_CHILDREN = frozenset(
    {TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, 0x5854, 0xA7, 0xAB, 0xAF, VOID, CRC32}
)


@dataclass(frozen=True)
class Element:
    id: int
    start: int  # the first byte of its id
    data: int  # the first byte of its payload
    end: int  # one past its payload (clamped to what holds it)


def vint(data: Buffer, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length number at `pos`: (value, position after it, all ones). Ids keep
    their length marker; sizes do not, and a size of all ones means "unknown"."""
    length = 9 - data[pos].bit_length()
    raw = data[pos : pos + length]
    if length > 8 or len(raw) < length:
        raise IndexError("not an EBML number")
    value = int.from_bytes(raw, "big")
    if keep_marker:
        return value, pos + length, False
    ones = (1 << (7 * length)) - 1
    return value & ones, pos + length, value & ones == ones


class Walker:
    """Walks the elements of EBML data, counting them against a budget."""

    def __init__(self, data: Buffer, budget: Budget | None = None) -> None:
        self.data = data
        self.budget = budget or Budget()

    def element(self, pos: int, end: int) -> Element | None:
        """The element starting at `pos` (within `end`), or None where none can be read."""
        found = self._header(pos)
        if found is None or found[1] > end:
            return None
        ident, data, size = found
        if size is not None:
            return Element(ident, pos, data, min(end, data + size))
        if ident == CLUSTER:
            return Element(ident, pos, data, self._cluster_end(data, end))
        return Element(ident, pos, data, end)

    def walk(self, start: int, end: int) -> Iterator[Element]:
        """The elements one after another in [start, end)."""
        pos = start
        while pos < end:
            found = self.element(pos, end)
            if found is None:
                return
            yield found
            pos = found.end

    def children(self, parent: Element, ident: int) -> Iterator[Element]:
        return (child for child in self.walk(parent.data, parent.end) if child.id == ident)

    def payload(self, element: Element, limit: int = 64) -> bytes:
        """The first `limit` bytes of an element's payload."""
        return self.data[element.data : min(element.end, element.data + limit)]

    def _header(self, pos: int) -> tuple[int, int, int | None] | None:
        """(id, payload start, size or None for unknown) of the element at `pos`."""
        self.budget.spend()
        try:
            ident, after_id, _ = vint(self.data, pos, keep_marker=True)
            size, data, unknown = vint(self.data, after_id, keep_marker=False)
        except IndexError:
            return None
        return ident, data, None if unknown else size

    def _cluster_end(self, start: int, end: int) -> int:
        pos = start
        while pos < end:
            found = self._header(pos)
            if found is None or found[0] not in CLUSTER_CHILDREN:
                return pos
            _, data, size = found
            pos = end if size is None else min(end, data + size)
        return end
