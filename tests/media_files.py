"""Small media files for the tests, made on the spot: images (Pillow), WAV (wave), and
hand-built MP4, WebM and Ogg Opus containers with just the headers the server reads; and the
same carrying the metadata a phone or a tagger writes (titles, names, a GPS location)."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from pathlib import Path

from mutagen.apev2 import APEv2
from mutagen.id3 import COMM, ID3, TIT2, TPE1
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from guanxi.media.budget import Budget
from guanxi.media.containers import boxes
from guanxi.media.ebml import Walker

FIXTURES = Path(__file__).parent / "fixtures" / "media"
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
GPS = "+48.8577+002.2950/"  # ISO 6709, as phones write it
TITLE = "Secret Title 秘密"
SECRETS = (GPS, TITLE, "Mei Lin", "mei-phone", "2024-05-01")  # each builder writes some


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


def photo_with_gps(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A HEIF or AVIF photo with EXIF (GPS, camera) and XMP, or a TIFF with the camera and a
    location in its tags, as phones and scanners write them."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    picture = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    if fmt == "TIFF":
        tags = {0x010F: "PhoneMaker", 0x010E: f"{GPS} {TITLE}", 0x013B: "Mei Lin"}
        picture.save(out, format="TIFF", tiffinfo=tags)
        return out.getvalue()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 20.0), 3: "E", 4: (116.0, 23.0, 29.0)}
    xmp = f"<x:xmpmeta>{GPS} Mei Lin</x:xmpmeta>".encode()
    picture.save(out, format=fmt, exif=exif.tobytes(), xmp=xmp)
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


def _riff(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)


def wav_with_tags(seconds: float = 1.0) -> bytes:
    """A WAV with LIST/INFO (title, artist, comment), a bext and an id3 chunk after the data."""
    bare = wav(seconds)
    info = b"INFO" + _riff(b"INAM", TITLE.encode() + b"\0") + _riff(b"IART", b"Mei Lin\0")
    info += _riff(b"ICMT", GPS.encode() + b"\0")
    bext = _riff(b"bext", b"mei-phone".ljust(256, b"\0") + b"2024-05-01".ljust(346, b"\0"))
    chunks = bare[12:] + _riff(b"LIST", info) + bext + _riff(b"id3 ", _id3())
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def _id3(v1: int = 0, data: bytes = b"") -> bytes:
    """`data` with an ID3v2 tag in front (and ID3v1 behind when v1 is 2)."""
    out = io.BytesIO(data)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=TITLE))
    tags.add(TPE1(encoding=3, text="Mei Lin"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=GPS))
    tags.save(out, v1=v1)
    return out.getvalue()


def mp3_with_tags() -> bytes:
    """The MP3 fixture with ID3v2 in front, and APEv2 and ID3v1 behind."""
    out = io.BytesIO(_id3(2, fixture("voice.mp3")))
    ape = APEv2()
    ape["Title"] = TITLE
    ape.save(out)
    return out.getvalue()


def vorbis_with_tags() -> bytes:
    """The Ogg Vorbis fixture with a title, an artist and a location among its comments."""
    out = io.BytesIO(fixture("voice.ogg"))
    audio = OggVorbis(out)
    audio["TITLE"], audio["ARTIST"], audio["LOCATION"] = TITLE, "Mei Lin", GPS
    audio.save(out)
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


def mp4_lasting(seconds: int) -> bytes:
    """An MP4 whose mvhd (version 1: a 64-bit duration) says it lasts `seconds`."""
    mvhd = _box(b"mvhd", b"\x01" + b"\0" * 19 + struct.pack(">IQ", 1, seconds))
    hdlr = _box(b"hdlr", b"\0" * 8 + b"vide" + b"\0" * 12 + b"track\0")
    ftyp = _box(b"ftyp", b"isom\0\0\0\0isommp41")
    return ftyp + _box(b"moov", mvhd, _box(b"trak", _box(b"mdia", hdlr)))


def _data(value: str) -> bytes:
    return _box(b"data", struct.pack(">II", 1, 0) + value.encode())


def mp4_with_tags(handler: bytes = b"vide", seconds: float = 2.5) -> bytes:
    """A phone's MP4: dated headers, a chunk offset into mdat, Android's udta/©xyz, iTunes
    udta/meta/ilst tags, Apple's moov/meta keys (location, device), a track's own udta with
    ©xyz and loci, and XMP at the top level."""
    ftyp = _box(b"ftyp", b"isom\0\0\0\0isommp41")
    mdat = _box(b"mdat", b"SAMPLE-DATA-" * 100)
    dated = b"\0" * 4 + struct.pack(">II", 3_800_000_000, 3_800_000_100)
    mvhd = _box(b"mvhd", dated + struct.pack(">II", 1000, int(seconds * 1000)) + b"\0" * 80)
    mdhd = _box(b"mdhd", dated + struct.pack(">II", 1000, int(seconds * 1000)) + b"\0" * 4)
    hdlr = _box(b"hdlr", b"\0" * 8 + handler + b"\0" * 12 + b"track\0")
    stco = _box(b"stco", b"\0" * 4 + struct.pack(">II", 1, len(ftyp) + 8))
    xyz = _box(b"\xa9xyz", struct.pack(">HH", len(GPS), 0x15C7) + GPS.encode())
    loci = _box(b"loci", b"\0" * 6 + TITLE.encode() + b"\0" + b"\0" * 13 + b"Mei Lin\0\0")
    trak = _box(
        b"trak",
        _box(b"tkhd", dated + b"\0" * 72),
        _box(b"mdia", mdhd, hdlr, _box(b"minf", _box(b"stbl", stco))),
        _box(b"udta", xyz, loci),
    )
    ilst = _box(b"ilst", _box(b"\xa9nam", _data(TITLE)), _box(b"\xa9ART", _data("Mei Lin")))
    itunes = _box(b"meta", b"\0" * 4, _box(b"hdlr", b"\0" * 8 + b"mdir" + b"\0" * 13), ilst)
    names = [b"com.apple.quicktime.location.ISO6709", b"com.apple.quicktime.model"]
    keys = b"".join(struct.pack(">I", 8 + len(n)) + b"mdta" + n for n in names)
    apple = _box(
        b"meta",
        _box(b"hdlr", b"\0" * 8 + b"mdta" + b"\0" * 13),
        _box(b"keys", b"\0" * 4 + struct.pack(">I", len(names)) + keys),
        _box(b"ilst", _box(b"\0\0\0\1", _data(GPS)), _box(b"\0\0\0\2", _data("mei-phone"))),
    )
    moov = _box(b"moov", mvhd, trak, _box(b"udta", xyz, itunes), apple)
    xmp = _box(b"uuid", XMP_UUID + b"<x:xmpmeta>2024-05-01 mei-phone</x:xmpmeta>")
    return ftyp + mdat + moov + xmp


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


def _info(*fields: bytes) -> bytes:
    return _el(0x1549A966, _el(0x2AD7B1, (1_000_000).to_bytes(3, "big")) + b"".join(fields))


def _tracks(track_type: int, name: str = "") -> bytes:
    named = _el(0x536E, name.encode()) if name else b""
    return _el(0x1654AE6B, _el(0xAE, _el(0xD7, b"\x01") + _el(0x83, bytes([track_type])) + named))


def webm_with_tags(track_type: int = 1, seconds: float = 3.2) -> bytes:
    """A muxer's WebM: a SeekHead pointing at Tags, Info with Title, DateUTC and a file name,
    a named track, a Cluster, then Tags (title, artist, location) and an attached file."""
    seek = _el(0x114D9B74, _el(0x4DBB, _el(0x53AB, bytes.fromhex("1254c367")) + _el(0x53AC, b"\1")))
    info = _info(
        _el(0x4489, struct.pack(">d", seconds * 1000)),
        _el(0x7BA9, TITLE.encode()),
        _el(0x4461, (767_750_400 * 10**9).to_bytes(8, "big")),  # 2025-05-01
        _el(0x7384, b"mei-phone-2024-05-01.webm"),
        _el(0x4D80, b"libwebm"),
        _el(0x5741, b"Chrome"),
    )
    cluster = _el(0x1F43B675, _el(0xE7, b"\0") + _el(0xA3, b"\x81\0\0\x80" + b"\xf8" * 50))
    simple = [(b"TITLE", TITLE), (b"ARTIST", "Mei Lin"), (b"LOCATION", GPS)]
    tags = _el(
        0x1254C367,
        _el(
            0x7373,
            b"".join(_el(0x67C8, _el(0x45A3, n) + _el(0x4487, v.encode())) for n, v in simple),
        ),
    )
    attached = _el(0x1941A469, _el(0x61A7, _el(0x466E, b"cover.jpg") + _el(0x465C, b"mei-phone")))
    segment = seek + info + _tracks(track_type, "Mei Lin's microphone") + cluster + tags + attached
    return _el(0x1A45DFA3, _el(0x4282, b"webm")) + _el(0x18538067, segment)


UNKNOWN = b"\x01\xff\xff\xff\xff\xff\xff\xff"  # an 8-byte EBML size meaning "unknown"


def webm_live(seconds: float = 2.0, tags: bool = False) -> bytes:
    """What a browser's MediaRecorder writes for a voice note: unknown-size Segment and
    Clusters, no Duration, an Opus block every 20 ms, a Cluster per second; with `tags`, a
    Tags element after the last Cluster (as a streaming muxer writes it)."""
    clusters = b""
    for start in range(0, int(seconds * 1000), 1000):
        blocks = b"".join(
            _el(0xA3, b"\x81" + t.to_bytes(2, "big") + b"\x80\xf8")
            for t in range(0, min(1000, int(seconds * 1000) - start), 20)
        )
        clusters += b"\x1f\x43\xb6\x75" + UNKNOWN + _el(0xE7, start.to_bytes(4, "big")) + blocks
    info = _info(_el(0x4D80, b"Chrome"), _el(0x5741, b"Chrome"))
    body = info + _tracks(2) + clusters
    if tags:
        body += _el(
            0x1254C367,
            _el(0x7373, _el(0x67C8, _el(0x45A3, b"TITLE") + _el(0x4487, TITLE.encode()))),
        )
    return _el(0x1A45DFA3, _el(0x4282, b"webm")) + b"\x18\x53\x80\x67" + UNKNOWN + body


# -- Ogg Opus ----------------------------------------------------------------------------


def ogg_opus(
    seconds: float = 1.5, comments: tuple[tuple[str, str], ...] = (), serial: int = 0x5EC2E7
) -> bytes:
    """An Ogg Opus stream: OpusHead, OpusTags with `comments`, then 20 ms packets (a TOC
    byte each, which decoders play as silence), 50 to a page."""
    skip = 312
    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", skip, 48000, 0, 0)
    vendor = b"libopus 1.4"
    fields = [f"{k}={v}".encode() for k, v in comments]
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(fields))
    tags += b"".join(struct.pack("<I", len(f)) + f for f in fields)
    packets = int(seconds * 50)
    pages = [([head], 0), ([tags], 0)]
    for first in range(0, packets, 50):
        count = min(50, packets - first)
        pages.append(([b"\xf8"] * count, skip + (first + count) * 960))
    out = b""
    for number, (data, position) in enumerate(pages):
        page = OggPage()
        page.serial, page.sequence, page.position, page.packets = serial, number, position, data
        page.first, page.last = number == 0, number == len(pages) - 1
        out += page.write()
    return out


def ogg_without_packets() -> bytes:
    """One Ogg page, the first, holding no packet at all (no OpusHead, no Vorbis header)."""
    page = OggPage()
    page.serial, page.sequence, page.position, page.packets, page.first = 1, 0, 0, [], True
    return bytes(page.write())


# -- metadata added to a real recording ------------------------------------------------------


def tag_recorded_webm(data: bytes) -> bytes:
    """A MediaRecorder WebM (unknown-size Segment, no SeekHead or Cues, so nothing points at
    a position) rebuilt with a Title and DateUTC in Info, named tracks, and Tags at the end."""
    walker = Walker(data)
    header, segment = list(walker.walk(0, len(data)))[:2]
    parts = []
    for element in walker.walk(segment.data, segment.end):
        raw = data[element.start : element.end]
        if element.id == 0x1549A966:
            date = _el(0x4461, (767_750_400 * 10**9).to_bytes(8, "big"))
            raw = _el(
                element.id, data[element.data : element.end] + _el(0x7BA9, TITLE.encode()) + date
            )
        elif element.id == 0x1654AE6B:
            named = (
                data[e.data : e.end] + _el(0x536E, b"Mei Lin")
                for e in walker.walk(element.data, element.end)
            )
            raw = _el(element.id, b"".join(_el(0xAE, entry) for entry in named))
        parts.append(raw)
    location = _el(0x67C8, _el(0x45A3, b"LOCATION") + _el(0x4487, GPS.encode()))
    parts.append(_el(0x1254C367, _el(0x7373, location)))
    return data[: header.end] + b"\x18\x53\x80\x67" + UNKNOWN + b"".join(parts)


def tag_recorded_mp4(data: bytes) -> bytes:
    """A MediaRecorder MP4 (fragmented: each fragment's data offsets count from its own moof)
    with a udta holding Android's ©xyz location and an iTunes title added to its moov."""
    moov = next(box for box in boxes(data, 0, len(data), Budget()) if box.kind == b"moov")
    xyz = _box(b"\xa9xyz", struct.pack(">HH", len(GPS), 0x15C7) + GPS.encode())
    ilst = _box(b"ilst", _box(b"\xa9nam", _data(TITLE)))
    udta = _box(b"udta", xyz, _box(b"meta", b"\0" * 4, ilst))
    grown = _box(b"moov", data[moov.data : moov.end], udta)
    return data[: moov.start] + grown + data[moov.end :]


def gif_frames(count: int, identical: bool = False, delay: int = 1) -> bytes:
    """A 1×1 GIF of `count` frames, each shown `delay` hundredths of a second; alternating
    black and white, or all alike (an encoder merges alike frames, adding up their delays)."""
    out = [b"GIF89a", struct.pack("<HHBBB", 1, 1, 0x80, 0, 0), b"\0\0\0\xff\xff\xff"]
    out.append(b"!\xff\x0bNETSCAPE2.0\x03\x01\0\0\0")  # loop for ever
    for index in range(count):
        pixel = 0 if identical else index % 2
        lzw = struct.pack("<H", 4 | pixel << 3 | 5 << 6)  # clear, the pixel, end: 3 bits each
        out.append(b"!\xf9\x04\x00" + struct.pack("<H", delay) + b"\0\0")
        out.append(b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02" + lzw + b"\0")
    out.append(b";")
    return b"".join(out)
