"""A video's poster frame: its first picture, as the preview and thumbnail a photo has.

It is decoded (FFmpeg's decoder, through PyAV) from the clean copy, the pictures served, in
the same worker job as the remux: it runs within that job's `GUANXI_MEDIA_JOB_SECONDS` and
the upload is not read twice. The work is bounded: the first video stream only, one decoder
thread (a frame comes out as soon as it is decoded), at most `POSTER_PACKETS` packets fed to
the decoder, and no decoding at all of frames larger than `GUANXI_MEDIA_IMAGE_MAX_PIXELS`.
The frame is turned as the video is shown (a phone's display rotation), then scaled and
encoded as a photo's preview and thumbnail are (`images.renditions`: WebP, no metadata).

A video none of whose first packets decodes has no poster and is stored all the same: its
preview and thumbnail answer 404. A decoder's error is never the upload's refusal; running
out of time still is (the job's timer is not an `Exception`).
"""

from __future__ import annotations

from pathlib import Path

import av
from av.container import InputContainer
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from guanxi.media.clean_av import FORMATS, Cleaned, clean
from guanxi.media.images import Renditions, renditions

POSTER_PACKETS = 60  # a stream's first picture is in its first packet, or a few after it


def clean_recording(
    source: Path, mime: str, target: Path, max_pixels: int
) -> tuple[Cleaned, Renditions | None]:
    """The worker job for a voice note or a video: its clean copy (`clean_av.clean`) and, for
    a video, its poster."""
    cleaned = clean(source, mime, target)
    return cleaned, poster(target, mime, max_pixels) if mime.startswith("video/") else None


def poster(path: Path, mime: str, max_pixels: int) -> Renditions | None:
    """The preview and thumbnail of the first decodable frame of the video at `path` (a clean
    copy of type `mime`); None when there is none."""
    try:
        with av.open(str(path), format=FORMATS[mime][0]) as video:
            frame = _first_frame(video, max_pixels)
            return None if frame is None else renditions(_upright(frame))
    except Exception:  # a demuxer's, scaler's or encoder's error on a crafted stream
        return None


def _first_frame(video: InputContainer, max_pixels: int) -> VideoFrame | None:
    if not video.streams.video:
        return None
    stream = video.streams.video[0]
    if not 0 < stream.codec_context.width * stream.codec_context.height <= max_pixels:
        return None
    stream.codec_context.thread_count = 1
    for count, packet in enumerate(video.demux(stream)):
        if count == POSTER_PACKETS:
            return None
        for frame in _decoded(packet):  # the last, empty packet flushes the decoder
            return frame if frame.width * frame.height <= max_pixels else None
    return None


def _decoded(packet: Packet[VideoStream]) -> list[VideoFrame]:
    """The frames a packet completes; none when it does not decode (the next one may)."""
    try:
        return packet.decode()
    except av.FFmpegError:
        return []


def _upright(frame: VideoFrame) -> Image.Image:
    """The frame as a player shows it: turned by its display rotation (counterclockwise)."""
    picture: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]  # PyAV's stub
    quarter_turns = round(frame.rotation / 90) % 4
    return picture.rotate(90 * quarter_turns, expand=True) if quarter_turns else picture
