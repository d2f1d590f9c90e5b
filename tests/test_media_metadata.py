"""Voice and video are served without the metadata they were uploaded with (ID3 and APE tags,
MP4 udta/meta and location atoms, Ogg comments, Matroska Tags, WAV LIST/INFO), and the served
copy still plays: the same container, duration and samples, byte ranges that work."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from guanxi.media.budget import Budget, TooComplex
from guanxi.media.clean_mkv import void
from guanxi.media.containers import boxes, read_mp4
from guanxi.media.ebml import CLUSTER, INFO, SEEK_HEAD, SEGMENT, TAGS, TRACKS, Element, Walker, vint
from guanxi.media.probe import probe_av
from guanxi.settings import Settings
from tests.conftest import UserFactory
from tests.media_files import (
    GPS,
    SECRETS,
    TITLE,
    fixture,
    mp3_with_tags,
    mp4,
    mp4_with_tags,
    ogg_opus,
    vorbis_with_tags,
    wav_with_tags,
    webm,
    webm_live,
    webm_with_tags,
)

OPUS_COMMENTS = (("TITLE", TITLE), ("ARTIST", "Mei Lin"), ("LOCATION", GPS))
TAGGED = [
    ("tagged.mp3", mp3_with_tags(), "voice", "audio/mpeg"),
    ("tagged.m4a", mp4_with_tags(b"soun", 4.0), "voice", "audio/mp4"),
    ("tagged.mp4", mp4_with_tags(), "video", "video/mp4"),
    ("tagged.opus", ogg_opus(1.5, OPUS_COMMENTS), "voice", "audio/ogg"),
    ("tagged.ogg", vorbis_with_tags(), "voice", "audio/ogg"),
    ("tagged.webm", webm_with_tags(), "video", "video/webm"),
    ("recorded.webm", webm_live(2.0, tags=True), "voice", "audio/webm"),
    ("tagged.wav", wav_with_tags(), "voice", "audio/wav"),
]


def probe_bytes(data: bytes, folder: Path) -> tuple[str, str, float | None]:
    path = folder / "served"
    path.write_bytes(data)
    probe = probe_av(path, data[:64])
    duration = None if probe.duration_ms is None else probe.duration_ms / 1000
    return probe.kind, probe.mime, duration


@pytest.mark.parametrize(("name", "data", "kind", "mime"), TAGGED)
async def test_metadata_is_not_served(
    make_user: UserFactory, tmp_path: Path, name: str, data: bytes, kind: str, mime: str
) -> None:
    assert TITLE.encode() in data
    mei = await make_user("mei")
    item = await mei.upload_media(data, name)
    assert (item["kind"], item["mime"], item["size"]) == (kind, mime, len(data))
    assert item["sha256"] == hashlib.sha256(data).hexdigest()  # the upload's own hash
    whole = await mei.download(item["id"])
    served = whole.content
    assert served != data
    assert [secret for secret in SECRETS if secret.encode() in served] == []
    assert whole.headers["etag"] == f'"{hashlib.sha256(served).hexdigest()}"'
    if name == "tagged.mp3":  # the frames alone; mutagen's estimate counted the tags as sound
        assert served == fixture("voice.mp3")
    else:
        assert probe_bytes(served, tmp_path) == (kind, mime, item["duration"])
    part = await mei.download(item["id"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == served[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(served)}"


async def test_an_mp4_is_cleaned_in_place(make_user: UserFactory) -> None:
    data = mp4_with_tags()
    mei = await make_user("mei")
    served = await mei.download_bytes((await mei.upload_media(data, "clip.mp4"))["id"])
    assert len(served) == len(data)
    mdat_end = data.index(b"moov") - 4
    assert served[:mdat_end] == data[:mdat_end]  # ftyp and every sample, where they were
    found = read_mp4(served)
    assert (found.tracks, found.duration_ms) == ({"video"}, 2500)
    kinds = _box_kinds(served, 0, len(served))
    assert kinds[:3] == [b"ftyp", b"mdat", b"moov"] and kinds[3] == b"free"  # the XMP
    moov = next(box for box in boxes(served, 0, len(served), Budget()) if box.kind == b"moov")
    assert _box_kinds(served, moov.data, moov.end) == [b"mvhd", b"trak", b"free", b"free"]
    stco = served.index(b"stco")
    assert served[stco + 12 : stco + 16] == data[stco + 12 : stco + 16]  # the chunk offset
    for header in (b"mvhd", b"tkhd", b"mdhd"):
        at = served.index(header) + 8
        assert served[at : at + 8] == b"\0" * 8  # creation and modification times


def _box_kinds(data: bytes, start: int, end: int) -> list[bytes]:
    return [box.kind for box in boxes(data, start, end, Budget())]


async def test_a_webm_is_cleaned_in_place(make_user: UserFactory) -> None:
    data = webm_with_tags()
    mei = await make_user("mei")
    served = await mei.download_bytes((await mei.upload_media(data, "clip.webm"))["id"])
    assert len(served) == len(data)
    walker = Walker(served)
    segment = next(walker.children(Element(0, 0, 0, len(served)), SEGMENT))
    level1 = {e.id: e for e in walker.walk(segment.data, segment.end)}
    assert TAGS not in level1
    info = [e.id for e in walker.walk(level1[INFO].data, level1[INFO].end)]
    assert info == [0x2AD7B1, 0x4489, 0xEC, 0xEC, 0xEC, 0x4D80, 0x5741]  # kept the software
    assert b"Chrome" in served and b"libwebm" in served
    track = next(walker.walk(level1[TRACKS].data, level1[TRACKS].end))
    assert [e.id for e in walker.walk(track.data, track.end)] == [0xD7, 0x83, 0xEC]
    seek = next(walker.walk(level1[SEEK_HEAD].data, level1[SEEK_HEAD].end))
    assert seek.id == 0xEC  # it pointed at Tags
    cluster = level1[CLUSTER]
    assert served[cluster.start : cluster.end] == data[cluster.start : cluster.end]


async def test_ogg_comments_are_emptied_and_the_vendor_kept(
    make_user: UserFactory, tmp_path: Path
) -> None:
    mei = await make_user("mei")
    for name, data, kind in [
        ("v.opus", ogg_opus(1.5, OPUS_COMMENTS), OggOpus),
        ("v.ogg", vorbis_with_tags(), OggVorbis),
        ("sox.ogg", fixture("voice.ogg"), OggVorbis),  # "Processed by SoX"
    ]:
        path = tmp_path / name
        path.write_bytes(await mei.download_bytes((await mei.upload_media(data, name))["id"]))
        served = kind(path)
        assert list(served.tags) == [] and served.tags.vendor == kind(io.BytesIO(data)).tags.vendor
        assert served.info.length == pytest.approx(1.5)


async def test_a_live_recording_gets_a_duration(make_user: UserFactory) -> None:
    """MediaRecorder writes no Duration: it is read from the last Cluster's blocks."""
    mei = await make_user("mei")
    data = webm_live(2.0)
    item = await mei.upload_media(data, "voice.webm", "audio/webm")
    assert (item["kind"], item["duration"]) == ("voice", 1.98)  # the last block starts there
    assert await mei.download_bytes(item["id"]) == data  # nothing to take out


async def test_what_has_no_metadata_or_is_a_file_is_served_as_uploaded(
    make_user: UserFactory, settings: Settings
) -> None:
    mei = await make_user("mei")
    document = b"%PDF-1.4\n1 0 obj << /Author (Mei Lin) /Title (" + TITLE.encode() + b") >>\n"
    for name, data in [
        ("paper.pdf", document),
        ("clip.webm", webm()),
        ("v.mp3", fixture("voice.mp3")),
    ]:
        item = await mei.upload_media(data, name)
        assert await mei.download_bytes(item["id"]) == data
    stored = len(blobs(settings))
    assert stored == 3
    tagged = mp3_with_tags()
    for _ in range(2):  # only the clean copy is kept, never the tagged upload beside it
        await mei.upload_media(tagged, "tagged.mp3")
    assert len(blobs(settings)) == stored  # the clean copy is the bare fixture's bytes


def blobs(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "media" / "blobs").rglob("*") if p.is_file()]


@pytest.mark.parametrize("total", [2, 3, 8, 9, 10, 200, 70_000])
def test_a_void_is_as_long_as_what_it_replaces(total: int) -> None:
    patch = void(Element(0x1254C367, 100, 104, 100 + total))
    encoded = patch.data + b"\0" * patch.zeros
    assert len(encoded) == total
    ident, after, _ = vint(encoded, 0, keep_marker=True)
    size, start, unknown = vint(encoded, after, keep_marker=False)
    assert (ident, start + size, unknown) == (0xEC, total, False)


def test_a_walk_has_a_budget() -> None:
    data = b"\xec\x80" * 100
    with pytest.raises(TooComplex):
        list(Walker(data, Budget(50)).walk(0, len(data)))
    assert len(list(Walker(data, Budget(100)).walk(0, len(data)))) == 100


OPUS_COMMENTS_2 = (("TITLE", "x"), ("LOCATION", GPS), ("ARTIST", "Mei Lin"))


@pytest.mark.parametrize(
    ("name", "data", "seconds"),
    [
        ("chained.opus", ogg_opus(1.5) + ogg_opus(1.0, OPUS_COMMENTS_2, serial=7), 1.5),
        ("chained-both.opus", ogg_opus(1.5, OPUS_COMMENTS) + ogg_opus(1.0, OPUS_COMMENTS, 7), 1.5),
        ("trailing.opus", ogg_opus(1.5) + b"appended: " + GPS.encode() + b" Mei Lin", 1.5),
        ("trailing.mp4", mp4_with_tags() + b"appended: " + GPS.encode() + b" Mei Lin", 2.5),
        ("trailing-only.mp4", mp4() + b"\0\0\0\x08" + GPS.encode() + TITLE.encode(), 2.5),
    ],
)
async def test_no_metadata_hides_in_a_second_stream_or_after_the_end(
    make_user: UserFactory, tmp_path: Path, name: str, data: bytes, seconds: float
) -> None:
    """A chained Ogg's second stream kept its comments (mutagen reads the first stream's
    only), and bytes after an MP4's last box were served."""
    mei = await make_user("mei")
    item = await mei.upload_media(data, name)
    served = await mei.download_bytes(item["id"])
    assert [secret for secret in SECRETS if secret.encode() in served] == []
    assert item["duration"] == seconds
    kind = "video" if name.endswith("mp4") else "voice"
    assert probe_bytes(served, tmp_path)[::2] == (kind, seconds)
