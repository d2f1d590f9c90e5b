"""What an upload is, from its bytes alone: never from its name or declared type."""

from __future__ import annotations

import math
from pathlib import Path

import mutagen
from mutagen.mp3 import MP3
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from guanxi.media.containers import Container, mapped, read_mp4, read_webm
from guanxi.media.models import FILE, IMAGE, VIDEO, VOICE, Probe

HEAD = 64
IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
TIFF_MAGIC = (b"II*\0", b"MM\0*")
PHOTO_BRANDS = {  # HEIF (a phone's HEIC photos) and AVIF still images, by major brand
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"mif1"), "image/heic"),
    b"avif": "image/avif",
}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# what mutagen raises on a damaged file (an Ogg page without packets: IndexError)
MUTAGEN_ERRORS = (mutagen.MutagenError, ValueError, OverflowError, EOFError, IndexError)
MAX_DURATION_MS = 366 * 86_400_000  # no recording lasts a year: a header saying so is damaged
FILE_MAGIC = ((b"%PDF-", "application/pdf"), (b"PK\x03\x04", "application/zip"))


def sniff_image(head: bytes) -> str | None:
    """The image type the first bytes announce (Pillow confirms it later)."""
    for magic, mime in IMAGE_MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in TIFF_MAGIC:
        return "image/tiff"
    if head[4:8] == b"ftyp":  # an ISO file: a photo by its brand, else audio or video
        return PHOTO_BRANDS.get(bytes(head[8:12]))
    return None


def probe_av(path: Path, head: bytes) -> Probe:
    """Voice, video, or a plain file, with the duration where the container says it."""
    if head[4:8] == b"ftyp":
        with mapped(path) as data:
            return _from_mp4(read_mp4(data), head[8:12])
    if head.startswith(EBML_MAGIC):
        with mapped(path) as data:
            return _from_webm(read_webm(data))
    if head.startswith(b"OggS"):
        return _audio(path, (OggOpus, OggVorbis, OggFLAC), "audio/ogg")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _audio(path, (WAVE,), "audio/wav")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return _audio(path, (MP3,), "audio/mpeg")
    return _file(head)


def _file(head: bytes) -> Probe:
    mime = next((m for magic, m in FILE_MAGIC if head.startswith(magic)), None)
    return Probe(kind=FILE, mime=mime or "application/octet-stream")


def _audio(path: Path, kinds: tuple[type[mutagen.FileType], ...], mime: str) -> Probe:
    found = None
    for kind in kinds:  # each tried in turn: mutagen.File would guess by the name too
        try:
            found = kind(path)
            break
        except MUTAGEN_ERRORS:
            continue
    if found is None or found.info is None:
        with path.open("rb") as handle:
            return _file(handle.read(HEAD))
    length = getattr(found.info, "length", None)
    return Probe(kind=VOICE, mime=mime, duration_ms=_duration(length * 1000) if length else None)


def _from_mp4(container: Container, brand: bytes) -> Probe:
    if "video" in container.tracks:
        mime = "video/quicktime" if brand == b"qt  " else "video/mp4"
        return Probe(kind=VIDEO, mime=mime, duration_ms=_duration(container.duration_ms))
    if "audio" in container.tracks or brand in (b"M4A ", b"M4B "):
        return Probe(kind=VOICE, mime="audio/mp4", duration_ms=_duration(container.duration_ms))
    return Probe(kind=FILE, mime="application/octet-stream")


def _from_webm(container: Container) -> Probe:
    if container.doctype not in ("webm", "matroska"):
        return Probe(kind=FILE, mime="application/octet-stream")
    suffix = "webm" if container.doctype == "webm" else "x-matroska"
    if "video" in container.tracks:
        return Probe(
            kind=VIDEO, mime=f"video/{suffix}", duration_ms=_duration(container.duration_ms)
        )
    if "audio" in container.tracks:
        return Probe(
            kind=VOICE, mime=f"audio/{suffix}", duration_ms=_duration(container.duration_ms)
        )
    return Probe(kind=FILE, mime="application/octet-stream")


def _duration(ms: float | None) -> int | None:
    """The duration a header states, in whole ms; None for one no recording has (negative,
    not a number, a year or more), which would not fit the database either."""
    if ms is None or not math.isfinite(ms) or not 0 <= ms < MAX_DURATION_MS:
        return None
    return int(ms)


def family(kind: str) -> str:
    """The top-level MIME type a kind goes with."""
    return {IMAGE: "image", VOICE: "audio", VIDEO: "video"}.get(kind, "")


def contradicts(declared: str, kind: str, mime: str) -> bool:
    """Whether a declared Content-Type claims a kind the content is not. A video container
    holding only sound (a voice note recorded as video/webm) is no contradiction."""
    top, _, subtype = declared.split(";", 1)[0].strip().lower().partition("/")
    if top == "image":
        return kind != IMAGE
    if top == "audio":
        return kind != VOICE
    if top == "video":
        return kind != VIDEO and not (kind == VOICE and mime == f"audio/{subtype}")
    return False
