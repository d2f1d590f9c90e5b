"""Small media files for the tests, made on the spot: images (Pillow), WAV (wave), and
hand-built MP4 and WebM containers with just the headers the server reads."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from pathlib import Path

from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures" / "media"


def image(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    picture = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    picture.save(out, format=fmt, **save)  # type: ignore[arg-type]
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (1600, 1000), orientation: int = 6) -> bytes:
    picture = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 20.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPS IFD
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header claiming 10 gigapixels, with a tiny body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- MP4 ---------------------------------------------------------------------------------


def _box(kind: bytes, *children: bytes) -> bytes:
    body = b"".join(children)
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(handler: bytes = b"vide", seconds: float = 2.5, brand: bytes = b"isom") -> bytes:
    """ftyp, a dummy mdat, then moov (as a non-faststart file) with mvhd and one track."""
    scale = 1000
    mvhd = _box(b"mvhd", b"\0" * 4 + b"\0" * 8 + struct.pack(">II", scale, int(seconds * scale)))
    hdlr = _box(b"hdlr", b"\0" * 4 + b"\0" * 4 + handler + b"\0" * 12 + b"track\0")
    trak = _box(b"trak", _box(b"mdia", hdlr))
    ftyp = _box(b"ftyp", brand + b"\0\0\0\0" + brand + b"mp41")
    return ftyp + _box(b"mdat", b"\0" * 2000) + _box(b"moov", mvhd, trak)


# -- WebM (EBML) -------------------------------------------------------------------------


def _size(n: int) -> bytes:
    return bytes([0x10]) + n.to_bytes(3, "big")  # a 4-byte EBML size


def _el(element: int, payload: bytes) -> bytes:
    ident = element.to_bytes((element.bit_length() + 7) // 8, "big")
    return ident + _size(len(payload)) + payload


def webm(track_type: int = 1, seconds: float = 3.2) -> bytes:
    """EBML header (DocType webm), Segment with Info (scale 1 ms, Duration) and one track."""
    header = _el(0x1A45DFA3, _el(0x4282, b"webm"))
    info = _el(
        0x1549A966,
        _el(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
        + _el(0x4489, struct.pack(">d", seconds * 1000)),
    )
    tracks = _el(0x1654AE6B, _el(0xAE, _el(0xD7, b"\x01") + _el(0x83, bytes([track_type]))))
    cluster = _el(0x1F43B675, b"\0" * 500)
    return header + _el(0x18538067, info + tracks + cluster)
