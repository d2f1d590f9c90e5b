"""The codec private data a remuxed copy carries, without the comments Vorbis keeps there.

A stream copy takes the codec's private data (Matroska's CodecPrivate) as it is, and Vorbis
keeps its three headers there, the second being its comment header: the same titles,
artists and locations as tags. FFmpeg's Ogg muxer writes a new comment header of its own,
but its Matroska/WebM muxer copies Vorbis's data byte for byte, and no FFmpeg option or
bitstream filter rewrites it: so the copy gets the same headers with an empty comment header.
(For FLAC the Matroska muxer writes the STREAMINFO alone; other codecs' data, AAC's, Opus's
or H.264's parameters, holds no text.)
"""

from __future__ import annotations

# a Vorbis comment header: no vendor string, no comments, the framing bit
EMPTY_VORBIS_COMMENTS = b"\x03vorbis" + bytes(8) + b"\x01"


def without_comments(codec: str, data: bytes) -> bytes | None:
    """The private data to write for `codec`, or None to write `data` as it is.
    ValueError when Vorbis's is not laid out as Matroska lays it out."""
    if codec != "vorbis" or not data:
        return None
    first, _, setup = _xiph_headers(data)
    return _xiph_laced(first, EMPTY_VORBIS_COMMENTS, setup)


def _xiph_headers(data: bytes) -> tuple[bytes, bytes, bytes]:
    """Split Xiph lacing: a count (2), the first two sizes in runs of 255, three headers."""
    if data[0] != 2:
        raise ValueError("the Vorbis headers are not laced as Matroska lays them out")
    sizes, pos = [], 1
    for _ in range(2):
        size = 0
        while pos < len(data) and data[pos] == 255:
            size, pos = size + 255, pos + 1
        if pos >= len(data):
            raise ValueError("the Vorbis headers are cut short")
        sizes.append(size + data[pos])
        pos += 1
    first, second = pos + sizes[0], pos + sizes[0] + sizes[1]
    if second >= len(data) or not data[first:second].startswith(b"\x03vorbis"):
        raise ValueError("the Vorbis headers are cut short")
    return data[pos:first], data[first:second], data[second:]


def _xiph_laced(*headers: bytes) -> bytes:
    sizes = b"".join(b"\xff" * (len(h) // 255) + bytes([len(h) % 255]) for h in headers[:-1])
    return bytes([len(headers) - 1]) + sizes + b"".join(headers)
