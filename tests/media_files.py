"""Small media files for the tests, made on the spot: images (Pillow), WAV (wave), and real
recordings encoded by PyAV (Opus in Ogg and WebM, AAC in M4A, H.264 in MP4, VP8 and VP9 in
WebM); and the same carrying the metadata a phone, a muxer or a tagger writes (titles, names,
a GPS location, chapters, an attached file, a data stream, a chained Ogg's second link)."""

from __future__ import annotations

import io
import math
import random
import struct
import wave
import zlib
from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path

import av
from mutagen.apev2 import APEv2
from mutagen.id3 import COMM, ID3, TIT2, TPE1
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures" / "media"
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
GPS = "+48.8577+002.2950/"  # ISO 6709, as phones write it
TITLE = "Secret Title 秘密"
SECRETS = (GPS, TITLE, "Mei Lin", "mei-phone", "2024-05-01")  # each builder writes some
TAGS = {"title": TITLE, "artist": "Mei Lin", "location": GPS, "comment": "mei-phone 2024-05-01"}
RATE = 48_000
FPS = 20


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


# -- real recordings, encoded by PyAV ---------------------------------------------------------


def recording(
    fmt: str,
    seconds: float,
    *,
    audio: str | None = None,
    video: str | None = None,
    tags: Mapping[str, str] = {},
    stream_tags: Mapping[str, str] = {},
    options: Mapping[str, str] = {},
    extra: bool = False,
    picture: tuple[int, int] = (64, 48),
    rotation: int = 0,
) -> bytes:
    """`seconds` of a tone (`audio` codec, mono, 48 kHz) and/or of moving colours (`video`
    codec, `picture` pixels at 20 fps, shown turned by `rotation` degrees counterclockwise)
    muxed as `fmt`, with container and stream `tags`; with `extra`, also a chapter, an
    attached file and a data stream where the muxer takes them."""
    out = io.BytesIO()
    with av.open(out, "w", format=fmt, options=dict(options)) as container:
        container.metadata.update(tags)
        streams: list[av.stream.Stream] = []
        if video:
            streams.append(_video_stream(container, video, picture, rotation))
        if audio:
            streams.append(container.add_stream(audio, rate=RATE, layout="mono"))
        for stream in streams:
            stream.metadata.update(stream_tags)
        if extra:
            _extras(container, fmt, seconds)
        for stream in streams:
            frames = _frames(stream, seconds, picture)
            for frame in frames:
                container.mux(stream.encode(frame))  # type: ignore[attr-defined]
            container.mux(stream.encode(None))  # type: ignore[attr-defined]
    return out.getvalue()


def _video_stream(
    container: av.container.OutputContainer, codec: str, picture: tuple[int, int], rotation: int
) -> av.stream.Stream:
    options = {"deadline": "realtime", "cpu-used": "8"} if codec.startswith("libvpx") else {}
    stream = container.add_stream(codec, rate=FPS, options=options)
    stream.width, stream.height, stream.pix_fmt = *picture, "yuv420p"
    if rotation:
        stream.set_display_rotation(rotation)  # type: ignore[union-attr]
    return stream


def _frames(
    stream: av.stream.Stream, seconds: float, size: tuple[int, int]
) -> Iterator[av.frame.Frame]:
    if stream.type == "video":
        for index in range(round(seconds * FPS)):
            picture = Image.new("RGB", size, (index * 7 % 256, 120, 200))
            frame = av.VideoFrame.from_image(picture)
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            yield frame
        return
    total = round(seconds * RATE)
    size = stream.codec_context.frame_size or 1024  # type: ignore[attr-defined]
    for first in range(0, total, size):
        count = min(size, total - first)
        frame = av.AudioFrame(format="s16", layout="mono", samples=count)
        samples = _tone(first, count)
        frame.planes[0].update(samples + bytes(frame.planes[0].buffer_size - len(samples)))
        frame.sample_rate, frame.pts, frame.time_base = RATE, first, Fraction(1, RATE)
        yield frame


def _tone(first: int, count: int) -> bytes:
    return b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * n / RATE)))
        for n in range(first, first + count)
    )


def _extras(container: av.container.OutputContainer, fmt: str, seconds: float) -> None:
    chapter = {"id": 1, "start": 0, "end": int(seconds * 1000), "time_base": Fraction(1, 1000)}
    container.set_chapters([{**chapter, "metadata": {"title": f"{TITLE} at {GPS}"}}])  # type: ignore[list-item]
    if fmt == "matroska":
        container.add_attachment("mei-phone.txt", "text/plain", f"{GPS} Mei Lin".encode())


def mp4(handler: bytes = b"vide", seconds: float = 2.5, brand: bytes = b"isom") -> bytes:
    """An MP4 of H.264 video (`vide`) or an M4A of AAC sound (`soun`; the `ipod` muxer writes
    the M4A brand)."""
    if handler == b"soun":
        return recording("ipod" if brand == b"M4A " else "mp4", seconds, audio="aac")
    return recording("mp4", seconds, video="libx264")


def mp4_of_noise() -> bytes:
    """An MP4 whose H.264 packets are noise (the file's layout intact): it remuxes, but none of
    its frames decodes."""
    data = bytearray(mp4())
    at = data.index(b"mdat") + 4
    size = struct.unpack(">I", data[at - 8 : at - 4])[0]
    data[at : at + size - 8] = random.Random(8).randbytes(size - 8)
    return bytes(data)


def mp4_lasting(seconds: int) -> bytes:
    """An MP4 whose movie header (mvhd) says it lasts `seconds` (at most 2^32 - 1)."""
    data = bytearray(mp4())
    at = data.index(b"mvhd") + 4 + 4 + 8  # type, version and flags, creation and modification
    data[at : at + 8] = struct.pack(">II", 1, min(seconds, 2**32 - 1))  # time scale, duration
    return bytes(data)


def mp4_with_tags(handler: bytes = b"vide", seconds: float = 2.5) -> bytes:
    """A phone's MP4: iTunes-style tags, Android's ©xyz location, a creation time, named tracks,
    a chapter, and XMP in a top-level uuid box."""
    tags = {**TAGS, "creation_time": "2024-05-01T10:00:00Z"}
    codecs = {"audio": "aac"} if handler == b"soun" else {"video": "libx264", "audio": "aac"}
    data = recording(
        "mp4", seconds, tags=tags, stream_tags={"handler_name": "Mei Lin"}, extra=True, **codecs
    )
    return data + _box(b"uuid", XMP_UUID + b"<x:xmpmeta>2024-05-01 mei-phone</x:xmpmeta>")


def _box(kind: bytes, *children: bytes) -> bytes:
    body = b"".join(children)
    return struct.pack(">I", 8 + len(body)) + kind + body


def webm(track_type: int = 1, seconds: float = 3.2) -> bytes:
    """A WebM of VP9 video (`track_type` 1) or of Opus sound (2)."""
    if track_type == 1:
        return recording("webm", seconds, video="libvpx-vp9")
    return recording("webm", seconds, audio="libopus")


def webm_lasting(track_type: int, seconds: float) -> bytes:
    """A WebM whose Info Duration (a float, in ms) says `seconds`: NaN, infinity, aeons…"""
    data = bytearray(webm(track_type))
    at = data.index(b"\x44\x89\x88") + 3  # Duration, 8 bytes long
    data[at : at + 8] = struct.pack(">d", seconds * 1000)
    return bytes(data)


def webm_with_tags(track_type: int = 1, seconds: float = 3.2) -> bytes:
    """A muxer's WebM-codec Matroska (VP8 and Opus, or Opus alone): Tags (title, artist,
    location), a Title, a date, named tracks, a chapter and an attached file."""
    codecs = {"audio": "libopus"} if track_type == 2 else {"video": "libvpx", "audio": "libopus"}
    tags = {**TAGS, "creation_time": "2024-05-01T10:00:00Z"}
    return recording(
        "matroska", seconds, tags=tags, stream_tags={"title": "Mei Lin's microphone"},
        extra=True, **codecs,
    )  # fmt: skip


def webm_live(seconds: float = 2.0, tags: bool = False) -> bytes:
    """What a browser's MediaRecorder writes for a voice note: a live WebM (unknown sizes, no
    Duration, no Cues) of Opus sound; with `tags`, Tags (written after the last Cluster)."""
    return recording(
        "webm", seconds, audio="libopus", tags=TAGS if tags else {}, options={"live": "1"}
    )


def vorbis_private_comments() -> bytes:
    """A WebM whose Vorbis headers (its CodecPrivate) carry a comment header naming a title and
    a location, as a muxer that copies an Ogg file's headers writes it (SoX's Vorbis)."""
    comments = [f"TITLE={TITLE}".encode(), f"LOCATION={GPS}".encode()]
    listed = struct.pack("<II", 0, len(comments))  # no vendor string, two comments
    listed += b"".join(struct.pack("<I", len(c)) + c for c in comments)
    out = io.BytesIO()
    with av.open(io.BytesIO(fixture("voice.ogg"))) as ogg, av.open(out, "w", format="webm") as webm:
        stream = webm.add_stream_from_template(ogg.streams[0])
        headers = _xiph_split(bytes(ogg.streams[0].codec_context.extradata or b""))
        headers[1] = b"\x03vorbis" + listed + b"\x01"
        laced = b"".join(b"\xff" * (len(h) // 255) + bytes([len(h) % 255]) for h in headers[:2])
        stream.codec_context.extradata = b"\x02" + laced + b"".join(headers)
        for packet in ogg.demux():
            if packet.size:
                packet.stream = stream
                webm.mux(packet)
    return out.getvalue()


def _xiph_split(data: bytes) -> list[bytes]:
    sizes, pos = [], 1
    for _ in range(2):
        size = 0
        while data[pos] == 255:
            size, pos = size + 255, pos + 1
        sizes.append(size + data[pos])
        pos += 1
    return [
        data[pos : pos + sizes[0]],
        data[pos + sizes[0] : pos + sum(sizes)],
        data[pos + sum(sizes) :],
    ]


def ogg_opus(
    seconds: float = 1.5, comments: tuple[tuple[str, str], ...] = (), serial: int = 0x5EC2E7
) -> bytes:
    """An Ogg Opus recording with `comments` in its OpusTags, its stream numbered `serial`."""
    options = {"serial_offset": str(serial)}
    return recording("ogg", seconds, audio="libopus", tags=dict(comments), options=options)


def ogg_without_packets() -> bytes:
    """One Ogg page, the first, holding no packet at all (no OpusHead, no Vorbis header)."""
    page = OggPage()
    page.serial, page.sequence, page.position, page.packets, page.first = 1, 0, 0, [], True
    return bytes(page.write())


# -- metadata added to a real recording ------------------------------------------------------


def packets(data: bytes) -> dict[str, list[bytes]]:
    """The payload of each audio and video packet, in order, by stream type (but a last Vorbis
    packet that its page trims away: FFmpeg reads it as lasting days, and it is dropped)."""
    found: dict[str, list[bytes]] = {}
    with av.open(io.BytesIO(data)) as container:
        kept = [s for s in container.streams if s.type in ("audio", "video")]
        for packet in container.demux(kept):
            if packet.size and (packet.duration or 0) * packet.time_base < 3600:
                found.setdefault(packet.stream.type, []).append(bytes(packet))
    return found


def tag_recorded(data: bytes, fmt: str, options: Mapping[str, str]) -> bytes:
    """A browser's recording remuxed as `fmt` with a title, a location (in a comment too: the
    mp4 muxer writes a location as a binary `loci`) and named tracks, laid out as the browser
    lays it (`options`: a live WebM, a fragmented MP4)."""
    out = io.BytesIO()
    writing = av.open(out, "w", format=fmt, options=dict(options))
    with av.open(io.BytesIO(data)) as recorded, writing as tagged:
        tagged.metadata.update({**TAGS, "comment": GPS})
        copies = {}
        for stream in recorded.streams:
            copies[stream.index] = tagged.add_stream_from_template(stream)
            copies[stream.index].metadata["title"] = "Mei Lin"
        for packet in recorded.demux():
            if packet.dts is not None:
                packet.stream = copies[packet.stream.index]
                tagged.mux(packet)
    return out.getvalue()


def tag_recorded_webm(data: bytes) -> bytes:
    return tag_recorded(data, "webm", {"live": "1"})


def tag_recorded_mp4(data: bytes) -> bytes:
    return tag_recorded(data, "mp4", {"movflags": "frag_keyframe+empty_moov"})


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
