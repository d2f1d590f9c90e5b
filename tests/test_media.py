"""Media through the real server and client: upload every kind, content-addressed storage,
access, metadata stripping of images (voice and video: test_media_metadata.py), bombs and
disguises, Range and ETag, limits, media messages."""

from __future__ import annotations

import asyncio
import hashlib
import io
import multiprocessing
import operator
import os
import random
import signal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from PIL import Image

from guanxi.client import ApiError, GuanxiClient
from guanxi.errors import InvalidInput
from guanxi.media.names import NEUTRAL
from guanxi.media.workers import MediaWorkers
from guanxi.settings import Settings
from tests.conftest import RunningServer, UserFactory, befriend
from tests.media_files import (
    fixture,
    image,
    jpeg_with_gps,
    mp4,
    mp4_lasting,
    ogg_without_packets,
    packets,
    photo_with_gps,
    png_bomb,
    recording,
    wav,
    webm,
    webm_lasting,
)


def blobs(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "media" / "blobs").rglob("*") if p.is_file()]


async def expect_error(call: Any, status: int) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await call
    assert caught.value.status == status, caught.value
    return caught.value


KINDS = [
    ("photo.jpg", image("JPEG"), "image", "image/jpeg", None),
    ("photo.png", image("PNG", mode="RGBA"), "image", "image/png", None),
    ("photo.webp", image("WEBP"), "image", "image/webp", None),
    ("anim.gif", image("GIF", mode="P"), "image", "image/gif", None),
    ("note.wav", wav(1.0), "voice", "audio/wav", 1.0),
    ("note.ogg", fixture("voice.ogg"), "voice", "audio/ogg", 1.504),  # FFmpeg's timing
    ("note.m4a", mp4(b"soun", 4.0, b"M4A "), "voice", "audio/mp4", 4.0),
    ("note.webm", webm(2, 3.2), "voice", "audio/webm", 3.201),  # Opus's delay, in whole ms
    ("clip.mp4", mp4(b"vide", 2.5), "video", "video/mp4", 2.5),
    ("clip.webm", webm(1, 3.2), "video", "video/webm", 3.2),
    # H.264 with B-frames: Matroska gives its first packets no decoding time; AAC's padding
    (
        "clip.mkv",
        recording("matroska", 2.0, video="libx264", audio="aac"),
        "video",
        "video/x-matroska",
        2.005,
    ),
    ("notes.txt", "你好, plain text".encode(), "file", "application/octet-stream", None),
    ("paper.pdf", b"%PDF-1.4\n%fake but starts right\n", "file", "application/pdf", None),
]


@pytest.mark.parametrize(("name", "data", "kind", "mime", "duration"), KINDS)
async def test_upload_each_kind(
    make_user: UserFactory, name: str, data: bytes, kind: str, mime: str, duration: float | None
) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(data, name)
    assert (item["kind"], item["mime"], item["size"]) == (kind, mime, len(data))
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["filename"] == name
    assert item["duration"] == duration
    if kind == "image":
        assert (item["width"], item["height"]) == (64, 48)
    else:
        assert item["width"] is None and item["height"] is None
    answer = await mei.download(item["id"])
    assert answer.headers["content-type"].startswith(mime)
    if kind == "file":
        assert answer.content == data  # a file is served as it was sent
    elif kind != "image":  # a recording is remuxed: the same packets in a new container
        assert packets(answer.content) == packets(data)


async def test_mp3_duration(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(fixture("voice.mp3"), "note.mp3", "audio/mpeg")
    assert (item["kind"], item["mime"]) == ("voice", "audio/mpeg")
    assert 1.4 < item["duration"] < 1.8


async def test_upload_from_a_path(make_user: UserFactory, tmp_path: Path) -> None:
    mei = await make_user("mei")
    path = tmp_path / "语音.wav"
    path.write_bytes(wav(0.5))
    item = await mei.upload_media(path)
    assert (item["kind"], item["filename"], item["duration"]) == ("voice", "语音.wav", 0.5)


async def test_the_same_bytes_are_stored_once(make_user: UserFactory, settings: Settings) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    photo = image("PNG", (400, 300))
    first = await mei.upload_media(photo, "a.png")
    stored = len(blobs(settings))
    assert stored in (3, 4)  # upload, clean copy (may be the same bytes), preview, thumbnail
    second = await lei.upload_media(photo, "b.png")
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    data = b"some document " * 100
    await mei.upload_media(data, "x.bin")
    await mei.upload_media(data, "y.bin")
    assert len(blobs(settings)) == stored + 1
    assert not list((settings.data_dir / "media" / "tmp").iterdir())


async def test_only_the_uploader_and_those_who_see_a_message_may_download(
    make_user: UserFactory,
) -> None:
    mei, lei, out = await make_user("mei"), await make_user("lei"), await make_user("out")
    await befriend(mei, lei)
    photo = await mei.upload_media(image("JPEG", (800, 600)), "photo.jpg")
    for variant in ("original", "preview", "thumbnail"):
        await mei.download(photo["id"], variant)
        await expect_error(lei.download(photo["id"], variant), 404)
        await expect_error(out.download(photo["id"], variant), 404)
    await expect_error(out.download("no-such-id"), 404)

    chat = (await mei.open_direct("lei"))["id"]
    message = await mei.send(chat, "看这张", kind="image", media_id=photo["id"])
    shown = {k: photo[k] for k in message["media"]}
    assert message["media"] == {**shown, "filename": ""}  # a photo's name stays hers
    assert (await lei.download(photo["id"])).status_code == 200
    thumb = Image.open(io.BytesIO(await lei.download_bytes(photo["id"], "thumbnail")))
    assert max(thumb.size) == 320
    await expect_error(out.download(photo["id"]), 404)

    history = (await lei.history(chat))["messages"]
    assert history[0]["media"]["id"] == photo["id"] and history[0]["text"] == "看这张"


async def test_a_member_who_joined_later_or_a_recalled_message_gives_no_access(
    make_user: UserFactory,
) -> None:
    mei, lei, kai = await make_user("mei"), await make_user("lei"), await make_user("kai")
    await befriend(mei, lei)
    await befriend(mei, kai)
    group = (await mei.create_group("家", ["lei"]))["id"]
    clip = await mei.upload_media(mp4(), "clip.mp4")
    await mei.send(group, "", kind="video", media_id=clip["id"])
    await mei.add_members(group, ["kai"])
    assert (await lei.download(clip["id"])).status_code == 200
    await expect_error(kai.download(clip["id"]), 404)

    voice = await mei.upload_media(wav(), "v.wav")
    sent = await mei.send(group, "", kind="voice", media_id=voice["id"])
    assert (await kai.download(voice["id"])).status_code == 200
    recalled = await mei.recall(group, sent["seq"])
    assert recalled["media"] is None
    await expect_error(kai.download(voice["id"]), 404)
    assert (await mei.download(voice["id"])).status_code == 200


async def test_media_messages_name_an_own_upload_of_their_kind(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    voice = await mei.upload_media(wav(), "v.wav")
    leis = await lei.upload_media(image("PNG"), "p.png")
    cases = [
        ("image", voice["id"], "media_kind"),
        ("image", leis["id"], "bad_media"),
        ("image", "nothing-here", "bad_media"),
        ("image", None, "no_media"),
        ("text", voice["id"], "unexpected_media"),
    ]
    for kind, media_id, code in cases:
        error = await expect_error(mei.send(chat, "x", kind=kind, media_id=media_id), 422)
        assert error.code == code
    assert (await mei.history(chat))["messages"] == []

    async with lei.events() as stream:
        await stream.next_of("ready")
        sent = await mei.send(chat, "", kind="voice", media_id=voice["id"])
        event = await stream.next_of("message.created")
    assert event["message"]["media"] == sent["media"]
    assert sent["media"] == {
        "id": voice["id"],
        "kind": "voice",
        "mime": "audio/wav",
        "size": voice["size"],
        "width": None,
        "height": None,
        "duration": 1.0,
        "filename": "",
    }


async def test_gps_exif_is_stripped_and_orientation_applied(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    original = jpeg_with_gps((1600, 1000), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS is there
    item = await mei.upload_media(original, "gps.jpg", "image/jpeg")
    assert (item["width"], item["height"]) == (1000, 1600)
    sizes = {"original": (1000, 1600), "preview": (800, 1280), "thumbnail": (200, 320)}
    for variant, size in sizes.items():
        served = await mei.download_bytes(item["id"], variant)
        picture = Image.open(io.BytesIO(served))
        exif = picture.getexif()
        assert not exif.get_ifd(0x8825) and 0x0112 not in exif and 0x010F not in exif
        assert b"PhoneMaker" not in served
        assert picture.size == size


async def test_a_decompression_bomb_is_refused(make_user: UserFactory, settings: Settings) -> None:
    mei = await make_user("mei")
    error = await expect_error(mei.upload_media(png_bomb(), "bomb.png"), 422)
    assert error.code == "image_too_big"
    broken = await expect_error(mei.upload_media(b"\x89PNG\r\n\x1a\n" + b"junk" * 50), 422)
    assert broken.code == "bad_image"
    assert blobs(settings) == []


DAMAGED_AV = [
    ("nan.webm", webm_lasting(1, float("nan")), "video", 3.2),
    ("inf.webm", webm_lasting(1, float("inf")), "video", 3.2),
    ("aeons.webm", webm_lasting(2, 1e16), "voice", 3.201),
    ("backwards.webm", webm_lasting(2, -5.0), "voice", 3.201),
    ("aeons.mp4", mp4_lasting(2**64 - 1), "video", 2.5),
    ("no-packets.ogg", ogg_without_packets(), "file", None),
]


async def test_damaged_headers_give_the_packets_duration_and_never_a_500(
    make_user: UserFactory, settings: Settings
) -> None:
    """Found by fuzzing uploads: a duration of NaN, infinity or aeons (which no database
    column holds), an Ogg page without packets, a GIF cut short. Each was a 500. A header's
    duration is not believed: the duration is counted from the packets copied."""
    mei = await make_user("mei")
    for name, data, kind, seconds in DAMAGED_AV:
        item = await mei.upload_media(data, name)
        assert (item["kind"], item["duration"]) == (kind, seconds), name
    ogg = await expect_error(mei.upload_media(ogg_without_packets(), "a.ogg", "audio/ogg"), 422)
    assert ogg.code == "type_mismatch"
    gif = image("GIF")
    for cut in (b"!", b","):  # the trailer ";" replaced by the start of another block
        error = await expect_error(mei.upload_media(gif[:-1] + cut, "cut.gif"), 422)
        assert error.code == "bad_image"
    # no damaged header is copied: NaN and infinity give one clean video, aeons and
    # backwards one clean voice note (each the recording as it was before the damage); the
    # WebM's and the MP4's posters are one WebP (one flat colour, decoded alike; preview =
    # thumbnail at 64×48)
    assert len(blobs(settings)) == len(DAMAGED_AV) - 2 + 1


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        (b"just some text, not a photo", "image/jpeg"),
        (image("PNG"), "audio/mpeg"),
        (wav(), "video/mp4"),
        (wav(), "image/png"),
        (mp4(), "audio/mp4"),
    ],
)
async def test_a_disguised_file_is_refused(
    make_user: UserFactory, settings: Settings, data: bytes, declared: str
) -> None:
    mei = await make_user("mei")
    error = await expect_error(mei.upload_media(data, "photo.jpg", declared), 422)
    assert error.code == "type_mismatch"
    assert blobs(settings) == []


async def test_a_mislabelled_but_honest_declaration_is_fine(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    assert (await mei.upload_media(b"plain", "photo.jpg", "text/plain"))["kind"] == "file"
    voice = await mei.upload_media(webm(2), "rec.webm", "video/webm")  # audio-only recording
    assert voice["kind"] == "voice"


async def test_range_requests_return_exactly_the_bytes(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    data = bytes(range(256)) * 100
    item = await mei.upload_media(data, "blob.bin")
    whole = await mei.download(item["id"])
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-length"] == str(len(data))
    assert whole.headers["content-disposition"].startswith("attachment")
    cases = {
        "bytes=10-19": (10, 20),
        "bytes=25590-": (25590, 25600),
        "bytes=-5": (25595, 25600),
        "bytes=25000-99999": (25000, 25600),
        "bytes=0-0": (0, 1),
    }
    for header, (start, stop) in cases.items():
        part = await mei.download(item["id"], headers={"Range": header})
        assert part.status_code == 206, header
        assert part.content == data[start:stop], header
        assert part.headers["content-range"] == f"bytes {start}-{stop - 1}/{len(data)}"
        assert part.headers["content-length"] == str(stop - start)
    error = await expect_error(mei.download(item["id"], headers={"Range": "bytes=30000-"}), 416)
    assert error.code == "range_not_satisfiable"
    ignored = await mei.download(item["id"], headers={"Range": "bytes=1-2,5-6"})
    assert ignored.status_code == 200 and ignored.content == data


async def test_etag_and_if_none_match(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(image("PNG"), "p.png")
    first = await mei.download(item["id"])
    etag = first.headers["etag"]
    assert etag == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.headers["cache-control"].startswith("private")
    assert first.headers["content-type"] == "image/png"
    again = await mei.download(item["id"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = await mei.download(item["id"], headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
    thumb = await mei.download(item["id"], "thumbnail")
    assert thumb.headers["content-type"] == "image/webp" and thumb.headers["etag"] != etag


@pytest.mark.parametrize(
    "settings", [{"media_image_max_bytes": 2_000, "media_max_bytes": 5_000}], indirect=True
)
async def test_over_the_limit_is_413(
    make_user: UserFactory, settings: Settings, server: RunningServer
) -> None:
    mei = await make_user("mei")
    await expect_error(mei.upload_media(b"x" * 5_001, "big.bin"), 413)
    assert (await mei.upload_media(b"x" * 5_000, "fits.bin"))["size"] == 5_000
    noisy = Image.frombytes("L", (50, 50), random.Random(1).randbytes(2500))
    big_png = io.BytesIO()
    noisy.save(big_png, format="PNG")
    assert 2_000 < len(big_png.getvalue()) < 5_000
    await expect_error(mei.upload_media(big_png.getvalue(), "big.png"), 413)
    async with httpx.AsyncClient(base_url=server.url) as http:  # refused by Content-Length
        answer = await http.post(
            "/api/v1/media",
            content=b"x" * 200_000,
            headers={
                "Authorization": f"Bearer {mei.token}",
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too_large"
    assert not list((settings.data_dir / "media" / "tmp").iterdir())


async def test_bad_uploads(make_user: UserFactory, server: RunningServer) -> None:
    mei = await make_user("mei")
    await expect_error(mei.upload_media(b"", "empty.txt"), 422)
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        auth = {"Authorization": f"Bearer {mei.token}"}
        assert (await http.post("/media", files={"file": ("a", b"abc")})).status_code == 401
        wrong_field = await http.post("/media", files={"photo": ("a", b"abc")}, headers=auth)
        assert wrong_field.status_code == 422
        as_json = await http.post("/media", json={"file": "abc"}, headers=auth)
        assert as_json.status_code == 422
        long = "b" * 300  # more than the multipart parser takes (it was a 500)
        part = 'Content-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc'
        answer = await http.post(
            "/media",
            content=f"--{long}\r\n{part}\r\n--{long}--\r\n".encode(),
            headers={**auth, "Content-Type": f"multipart/form-data; boundary={long}"},
        )
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "bad_multipart")
        assert (await http.get("/media/%2e%2e%2fguanxi.db", headers=auth)).status_code in (
            404,
            422,
        )


def test_a_media_client_is_standalone() -> None:
    assert GuanxiClient.upload_media.__doc__


# -- worker processes ---------------------------------------------------------------------


async def test_uploads_go_on_when_a_worker_process_dies(make_user: UserFactory) -> None:
    """Images are rendered in worker processes; one killed (as the OOM killer would) breaks
    the pool, and the next upload runs in a new one."""
    mei = await make_user("mei")
    first = await mei.upload_media(image("PNG", (30, 20)), "a.png")
    workers = multiprocessing.active_children()
    assert workers, "the image was not rendered in a worker process"
    for worker in workers:
        os.kill(worker.pid or 0, signal.SIGKILL)
        worker.join(5)
    sizes = [(40, 10), (41, 11), (42, 12)]  # at once: each meets the broken pool
    again = await asyncio.gather(*(mei.upload_media(image("PNG", s), "b.png") for s in sizes))
    assert [(x["width"], x["height"]) for x in (first, *again)] == [(30, 20), *sizes]
    assert (await mei.download_bytes(again[0]["id"], "thumbnail"))[:4] == b"RIFF"


@pytest.mark.parametrize("settings", [{"media_processes": 0}], indirect=True)
async def test_without_worker_processes_uploads_render_in_threads(
    make_user: UserFactory, settings: Settings
) -> None:
    mei = await make_user("mei")
    before = set(multiprocessing.active_children())
    item = await mei.upload_media(jpeg_with_gps((300, 200), orientation=1), "gps.jpg")
    assert (item["width"], item["height"]) == (300, 200)
    assert set(multiprocessing.active_children()) <= before  # no worker was started


async def test_a_job_that_kills_its_worker_twice_is_refused() -> None:
    """A worker dying on a job (a crafted file crashing a decoder, memory running out) is
    retried once in a new pool; a second death refuses that job, and the pool works on."""
    workers = MediaWorkers(1)
    try:
        with pytest.raises(InvalidInput) as caught:
            await workers.run(os._exit, 3)
        assert caught.value.code == "unprocessable_media"
        assert await workers.run(operator.add, 2, 3) == 5
    finally:
        workers.close()


async def test_only_a_files_name_reaches_its_recipients(make_user: UserFactory) -> None:
    """A photo's, voice note's or video's file name ("IMG_20240501_Hangzhou.jpg") went to
    everyone who could download it; now only a file (kind `file`) keeps its name for them."""
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    sent = {
        "image": ("IMG_20240501_Hangzhou.jpg", image("JPEG")),
        "voice": ("Mei at home.wav", wav()),
        "video": ("VID_Hangzhou.mp4", mp4()),
        "file": ("合同.pdf", b"%PDF-1.4\n"),
    }
    for kind, (name, data) in sent.items():
        item = await mei.upload_media(data, name)
        await mei.send(chat, "", kind=kind, media_id=item["id"])
        theirs = (await lei.download(item["id"])).headers["content-disposition"]
        mine = (await mei.download(item["id"])).headers["content-disposition"]
        assert quote(name, safe="") in mine
        if kind == "file":
            assert theirs == mine
        else:  # a neutral name (tests/test_file_names.py)
            assert theirs.startswith(f'inline; filename="{NEUTRAL[kind]}'), kind


@pytest.mark.parametrize(
    ("fmt", "declared"), [("HEIF", "image/heic"), ("AVIF", "image/avif"), ("TIFF", "image/tiff")]
)
async def test_heic_avif_and_tiff_photos_are_cleaned(
    make_user: UserFactory, settings: Settings, fmt: str, declared: str
) -> None:
    """They were taken for files and served byte for byte, GPS and camera with them."""
    mei = await make_user("mei")
    original = photo_with_gps(fmt)
    assert b"PhoneMaker" in original
    item = await mei.upload_media(original, f"photo.{fmt.lower()}", declared)
    assert (item["kind"], item["mime"], item["width"], item["height"]) == (
        "image",
        "image/jpeg",
        64,
        48,
    )
    for variant in ("original", "preview", "thumbnail"):
        served = await mei.download_bytes(item["id"], variant)
        picture = Image.open(io.BytesIO(served))
        assert not picture.getexif().get_ifd(0x8825) and 0x010F not in picture.getexif()
        assert [s for s in (b"PhoneMaker", b"Mei Lin", b"+48.8577") if s in served] == []
    for path in blobs(settings):
        assert b"PhoneMaker" not in path.read_bytes()
