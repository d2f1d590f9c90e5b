"""The served copy of a voice note or a video: its sound and pictures, remuxed.

FFmpeg's demuxer for the probed container reads the upload and FFmpeg's muxer writes the
copy (through PyAV), packet by packet with no re-encoding: only the audio and video streams
and their packets go across. Container and stream tags, chapters, attachments, cover
pictures, subtitle and data streams (a camera's GPS track), an encoder's or editor's private
boxes and elements, and anything after the last packet are left behind, because nothing but
the streams is written (and their codec private data, without the comments Vorbis keeps
there: `codec_private`). Packet side data goes too (a chained Ogg's next link announces its
comments that way, as the first link does on its first packet), but the encoder delay and
padding that gapless playback needs. The muxer runs bit-exact: no software version, no
creation time, so the same recording always gives the same bytes (and is stored once).

A chained Ogg (one recording after another in one file) is served as its first link; a
packet whose timestamp does not advance is dropped (no muxer takes it), and so is one said
to last more than an hour. The duration is the copy's, from its packets' timestamps: the
demuxer's own, for every container alike (a browser's live recording has none in its
header, and a damaged header's is not believed).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer, OutputContainer
from av.packet import Packet
from av.stream import Stream

from guanxi.media.codec_private import without_comments
from guanxi.media.probe import kept_streams

CHUNK = 1024 * 1024
PACKETS_MAX = 2_000_000  # a real recording has a few hundred thousand (a packet per 20 ms)
MAX_DURATION_MS = 366 * 86_400_000  # no recording lasts a year: timestamps saying so are damaged
# no packet plays for an hour: one said to is damaged (FFmpeg's Ogg Vorbis reader gives a last
# packet that the page's granule position trims away a wrapped negative duration)
PACKET_SECONDS_MAX = 3600
KEPT_SIDE_DATA = frozenset({"skip_samples"})  # encoder delay and padding (gapless playback)
ANOTHER_LINK = "strings_metadata"  # the comments of a chained Ogg's next link
BITEXACT = {"fflags": "+bitexact"}
# mime: (demuxer, muxer, muxer options)
FORMATS: dict[str, tuple[str, str, dict[str, str]]] = {
    "audio/mp4": ("mov", "mp4", {"movflags": "+faststart"}),
    "video/mp4": ("mov", "mp4", {"movflags": "+faststart"}),
    "video/quicktime": ("mov", "mov", {"movflags": "+faststart"}),
    "audio/webm": ("matroska", "webm", {}),
    "video/webm": ("matroska", "webm", {}),
    "audio/x-matroska": ("matroska", "matroska", {}),
    "video/x-matroska": ("matroska", "matroska", {}),
    "audio/ogg": ("ogg", "ogg", {}),
    "audio/wav": ("wav", "wav", {}),
    "audio/mpeg": ("mp3", "mp3", {"id3v2_version": "0"}),  # no ID3 tag, the Xing header stays
}


@dataclass(frozen=True, kw_only=True)
class Cleaned:
    path: Path
    sha256: str
    size: int
    duration_ms: int | None


@dataclass
class Span:
    """When the copied packets start and end, in seconds."""

    start: Fraction | None = None
    end: Fraction | None = None
    packets: int = 0
    seen: set[int] = field(default_factory=set)  # the streams it has packets of

    def add(self, packet: Packet[Stream], stamp: int) -> None:
        base = packet.time_base
        start, end = stamp * base, (stamp + (packet.duration or 0)) * base
        self.start = start if self.start is None else min(self.start, start)
        self.end = end if self.end is None else max(self.end, end)
        self.packets += 1
        self.seen.add(packet.stream.index)

    def duration_ms(self) -> int | None:
        """From the start of playback (an encoder's delay, a negative start, is not played)
        to the end of the last packet; None for what no recording has."""
        if self.start is None or self.end is None:
            return None
        ms = float((self.end - max(self.start, Fraction(0))) * 1000)
        return int(ms) if math.isfinite(ms) and 0 <= ms < MAX_DURATION_MS else None


@dataclass
class Copier:
    """Moves packets from the upload's streams to the copy's, in the order they come."""

    outputs: dict[int, Stream]
    last_dts: dict[int, int] = field(default_factory=dict)
    ended: set[int] = field(default_factory=set)
    span: Span = field(default_factory=Span)

    def copy(self, packet: Packet[Stream], served: OutputContainer) -> None:
        """Mux the packet unless it is to be left out. A packet may come without a decoding
        time (before a reordering video's first frames are known): the muxer works it out."""
        index, dts = packet.stream.index, packet.dts
        stamp = dts if packet.pts is None else packet.pts
        if index in self.ended or stamp is None or packet.size == 0:
            return
        if index in self.span.seen and _announces_comments(packet):
            self.ended.add(index)  # the rest is another recording, with comments of its own
            return
        if _endless(packet) or self._goes_back(index, dts):
            return
        self.span.add(packet, stamp)
        if self.span.packets > PACKETS_MAX:
            raise ValueError("The recording has too many packets to check.")
        served.mux(_bare(packet, self.outputs[index]))

    def _goes_back(self, index: int, dts: int | None) -> bool:
        if dts is None:
            return False
        if index in self.last_dts and dts <= self.last_dts[index]:
            return True
        self.last_dts[index] = dts
        return False


def clean(source: Path, mime: str, target: Path) -> Cleaned:
    """Write to `target` the recording at `source` (probed as `mime`) with nothing but its
    sound and pictures. av.FFmpegError or ValueError when it cannot be read or rewritten."""
    demuxer, muxer, options = FORMATS[mime]
    with av.open(str(source), format=demuxer) as upload:
        streams = kept_streams(upload, demuxer)
        with av.open(str(target), "w", format=muxer, options=BITEXACT | options) as served:
            span = _remux(upload, streams, served)
    if span.packets == 0:
        raise ValueError("it holds no sound or pictures")
    digest, size = hashlib.sha256(), 0
    with target.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Cleaned(
        path=target, sha256=digest.hexdigest(), size=size, duration_ms=span.duration_ms()
    )


def _remux(upload: InputContainer, streams: list[Stream], served: OutputContainer) -> Span:
    outputs = {stream.index: _copy_of(stream, served) for stream in streams}
    copier = Copier(outputs)
    for packet in upload.demux(streams):
        copier.copy(packet, served)
    return copier.span


def _copy_of(stream: Stream, served: OutputContainer) -> Stream:
    """The copy's stream: the codec's parameters, and its private data without comments."""
    copy = served.add_stream_from_template(stream)
    context = stream.codec_context
    private = without_comments(context.name, bytes(context.extradata or b""))
    if private is not None:
        copy.codec_context.extradata = private
    return copy


def _endless(packet: Packet[Stream]) -> bool:
    return (packet.duration or 0) * packet.time_base > PACKET_SECONDS_MAX


def _announces_comments(packet: Packet[Stream]) -> bool:
    return any(side.data_type == ANOTHER_LINK for side in packet.iter_sidedata())


def _bare(packet: Packet[Stream], stream: Stream) -> Packet[Stream]:
    """A new packet with the same payload and timing, and no side data but what plays."""
    copy = Packet(bytes(packet))
    copy.pts, copy.dts, copy.duration = packet.pts, packet.dts, packet.duration
    copy.time_base = packet.time_base
    copy.is_keyframe = packet.is_keyframe
    for side in packet.iter_sidedata():
        if side.data_type in KEPT_SIDE_DATA:
            copy.set_sidedata(side)
    copy.stream = stream
    return copy
