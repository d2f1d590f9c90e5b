"""Voice and video are served without the metadata they were uploaded with (ID3 and APE tags,
MP4 udta/meta and location atoms, Ogg comments, Matroska Tags and attachments, chapters, data
streams, WAV LIST/INFO), and the served copy still plays: the same container, duration and
packets (remuxed, never re-encoded), byte ranges that work."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import av
import pytest
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from guanxi.media.clean_av import clean
from guanxi.media.codec_private import without_comments
from guanxi.media.probe import probe_av
from guanxi.settings import Settings
from tests.conftest import UserFactory
from tests.media_files import (
    GPS,
    SECRETS,
    TAGS,
    TITLE,
    fixture,
    mp3_with_tags,
    mp4,
    mp4_with_tags,
    ogg_opus,
    packets,
    recording,
    vorbis_private_comments,
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
    ("tagged-voice.mka", webm_with_tags(2), "voice", "audio/webm"),
    (
        "tagged.mkv",
        recording("matroska", 2.0, video="libx264", audio="aac", tags=TAGS),
        "video",
        "video/x-matroska",
    ),
    ("tagged.wav", wav_with_tags(), "voice", "audio/wav"),
    ("vorbis-headers.webm", vorbis_private_comments(), "voice", "audio/webm"),
]


def probe_bytes(data: bytes, folder: Path) -> tuple[str, str, float | None]:
    """Kind, type and duration of a served copy, cleaned once more: which changes nothing."""
    path, again = folder / "served", folder / "again"
    path.write_bytes(data)
    probe = probe_av(path, data[:64])
    cleaned = clean(path, probe.mime, again)
    assert again.read_bytes() == data
    duration = None if cleaned.duration_ms is None else cleaned.duration_ms / 1000
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
    if name == "tagged.mp3":  # the frames alone: the same copy as the untagged recording's
        bare = await mei.upload_media(fixture("voice.mp3"), "bare.mp3")
        assert served == await mei.download_bytes(bare["id"])
    assert probe_bytes(served, tmp_path) == (kind, mime, item["duration"])
    assert packets(served) == packets(data)  # stream copy: not one sample re-encoded
    part = await mei.download(item["id"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == served[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(served)}"


async def test_an_mp4_is_remuxed_without_its_tags(make_user: UserFactory) -> None:
    """Tags, the location, the creation time, track names, the chapter track and the XMP box
    stay behind; the copy starts with its index (faststart) for playback while it downloads."""
    data = mp4_with_tags()
    mei = await make_user("mei")
    served = await mei.download_bytes((await mei.upload_media(data, "clip.mp4"))["id"])
    with av.open(io.BytesIO(served)) as container:
        assert set(container.metadata) == {"major_brand", "minor_version", "compatible_brands"}
        assert container.chapters() == []
        streams = [(s.type, s.metadata.get("handler_name")) for s in container.streams]
        assert streams == [("video", "VideoHandler"), ("audio", "SoundHandler")]
        assert container.duration == 2_500_000
    assert served.index(b"moov") < served.index(b"mdat")
    assert b"uuid" not in served and b"\xa9xyz" not in served
    mvhd = served.index(b"mvhd") + 8
    assert served[mvhd : mvhd + 8] == b"\0" * 8  # no creation or modification time


async def test_a_webm_is_remuxed_without_its_tags(make_user: UserFactory) -> None:
    """Tags, Title, date, track names, chapters and the attached file stay behind; Matroska
    holding WebM's codecs (VP8, Opus) is served as WebM, the muxer's name (no version) and
    the tracks' durations being all the tags it writes."""
    data = webm_with_tags()
    mei = await make_user("mei")
    item = await mei.upload_media(data, "clip.mkv")
    served = await mei.download_bytes(item["id"])
    with av.open(io.BytesIO(served)) as container:
        assert container.format.name == "matroska,webm" and b"webm" in served[:40]
        assert dict(container.metadata) == {"encoder": "Lavf"}
        assert container.chapters() == []
        assert [(s.type, set(s.metadata)) for s in container.streams] == [
            ("video", {"DURATION"}),
            ("audio", {"DURATION"}),
        ]
    assert (item["mime"], item["duration"]) == ("video/webm", 3.201)


async def test_ogg_comments_are_emptied(make_user: UserFactory, tmp_path: Path) -> None:
    """The muxer writes a new comment header with no comments (its vendor string is "ffmpeg":
    the uploader's software is not named either)."""
    mei = await make_user("mei")
    for name, data, kind, seconds in [
        ("v.opus", ogg_opus(1.5, OPUS_COMMENTS), OggOpus, 1.5),
        ("v.ogg", vorbis_with_tags(), OggVorbis, 1.504),  # FFmpeg's timing of SoX's Vorbis
        ("sox.ogg", fixture("voice.ogg"), OggVorbis, 1.504),  # "Processed by SoX"
    ]:
        path = tmp_path / name
        path.write_bytes(await mei.download_bytes((await mei.upload_media(data, name))["id"]))
        served = kind(path)
        assert list(served.tags) == [] and served.tags.vendor == "ffmpeg"
        assert served.info.length == pytest.approx(seconds)


async def test_a_live_recording_gets_a_duration(make_user: UserFactory) -> None:
    """MediaRecorder writes no Duration: it is counted from the packets (Opus's 6.5 ms of
    encoder delay rounded to Matroska's whole milliseconds), and the copy has it."""
    mei = await make_user("mei")
    data = webm_live(2.0)
    with av.open(io.BytesIO(data)) as recorded:
        assert recorded.duration is None
    item = await mei.upload_media(data, "voice.webm", "audio/webm")
    assert (item["kind"], item["duration"]) == ("voice", 2.001)
    with av.open(io.BytesIO(await mei.download_bytes(item["id"]))) as served:
        assert served.duration == 2_008_000  # with the encoder delay, as FFmpeg counts it


async def test_a_file_is_served_as_uploaded_and_a_recording_as_its_remux(
    make_user: UserFactory, settings: Settings
) -> None:
    mei = await make_user("mei")
    document = b"%PDF-1.4\n1 0 obj << /Author (Mei Lin) /Title (" + TITLE.encode() + b") >>\n"
    item = await mei.upload_media(document, "paper.pdf")
    assert await mei.download_bytes(item["id"]) == document  # a document is what is sent
    for name, data in [("clip.webm", webm()), ("v.mp3", fixture("voice.mp3"))]:
        item = await mei.upload_media(data, name)
        assert packets(await mei.download_bytes(item["id"])) == packets(data)
    stored = len(blobs(settings))
    assert stored == 4  # the PDF; the video's copy and poster (one WebP at 64×48); the MP3's
    tagged = mp3_with_tags()
    for _ in range(2):  # only the clean copy is kept, never the tagged upload beside it
        await mei.upload_media(tagged, "tagged.mp3")
    assert len(blobs(settings)) == stored  # the clean copy is the bare recording's bytes


def blobs(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "media" / "blobs").rglob("*") if p.is_file()]


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


@pytest.mark.parametrize(
    "private",
    [b"", b"\x01\x1e", b"\x02\xff\xff", b"\x02\x03\x04abcdefg", b"\x02\x01\x01a\x03vorbis"],
)
def test_vorbis_headers_not_laid_out_as_matroska_lays_them_are_refused(private: bytes) -> None:
    """Cut short or laced otherwise: refused (422 bad_voice), never copied with comments."""
    if not private:
        assert without_comments("vorbis", private) is None  # no headers: nothing to take out
        return
    with pytest.raises(ValueError):
        without_comments("vorbis", private)
