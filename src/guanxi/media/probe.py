"""What an upload is, from its bytes alone: never from its name or declared type.

An image is told by its magic bytes (Pillow confirms it later). A recording is told by its
container's magic, then opened by that container's demuxer alone (FFmpeg's, through PyAV; no
other demuxer is tried on it): its streams say whether it is a voice note or a video.
Anything else, or a recording FFmpeg cannot read, is a plain file.
"""

from __future__ import annotations

from pathlib import Path

import av
from av.container import InputContainer
from av.stream import Disposition, Stream

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
FILE_MAGIC = ((b"%PDF-", "application/pdf"), (b"PK\x03\x04", "application/zip"))
# the containers that hold only sound: a picture in them (an MP3's cover) is no video
AUDIO_ONLY = frozenset({"ogg", "wav", "mp3"})
WEBM_CODECS = frozenset({"vp8", "vp9", "av1", "opus", "vorbis"})


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


def demuxer_for(head: bytes) -> str | None:
    """The FFmpeg demuxer for the recording container the first bytes announce."""
    if head[4:8] == b"ftyp":
        return "mov"
    if head.startswith(EBML_MAGIC):
        return "matroska"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def probe_av(path: Path, head: bytes) -> Probe:
    """Voice, video, or a plain file (the duration comes with the clean copy)."""
    demuxer = demuxer_for(head)
    if demuxer is None:
        return _file(head)
    try:
        with av.open(str(path), format=demuxer) as upload:
            return _probe(demuxer, head, kept_streams(upload, demuxer))
    except av.FFmpegError:
        return _file(head)


def _probe(demuxer: str, head: bytes, streams: list[Stream]) -> Probe:
    """(Streams are read while their container is open: PyAV frees them with it.)"""
    kinds = {stream.type for stream in streams}
    if not kinds:
        return _file(head)
    kind = VIDEO if "video" in kinds else VOICE
    return Probe(kind=kind, mime=_mime(demuxer, kind, head, streams))


def kept_streams(upload: InputContainer, demuxer: str) -> list[Stream]:
    """The streams a voice note or a video is made of: sound and pictures. Subtitles, data
    (timed metadata: a camera's GPS track), attachments and cover pictures are left out."""
    wanted = ("audio",) if demuxer in AUDIO_ONLY else ("audio", "video")
    return [
        stream
        for stream in upload.streams
        if stream.type in wanted and not stream.disposition & Disposition.attached_pic
    ]


def _mime(demuxer: str, kind: str, head: bytes, streams: list[Stream]) -> str:
    top = "video" if kind == VIDEO else "audio"
    if demuxer == "mov":
        if kind == VOICE:
            return "audio/mp4"
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if demuxer == "matroska":  # served as WebM when WebM holds its codecs
        codecs = {stream.codec.name for stream in streams}
        return f"{top}/webm" if codecs <= WEBM_CODECS else f"{top}/x-matroska"
    return {"ogg": "audio/ogg", "wav": "audio/wav", "mp3": "audio/mpeg"}[demuxer]


def _file(head: bytes) -> Probe:
    mime = next((m for magic, m in FILE_MAGIC if head.startswith(magic)), None)
    return Probe(kind=FILE, mime=mime or "application/octet-stream")


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
