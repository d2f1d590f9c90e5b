"""A video's poster frame (media/poster.py): its first picture, made into the preview and the
thumbnail a photo gets, without metadata, served to whoever may see the video; a video whose
frames do not decode uploads without one. (Collected with its video: test_media_at_rest.py.)"""

from __future__ import annotations

import io

from PIL import Image

from tests.configured import configured
from tests.conftest import UserFactory, befriend, status_of
from tests.media_files import SECRETS, mp4, mp4_of_noise, mp4_with_tags, recording

FIRST_COLOUR = (0, 120, 200)  # the recordings' first frame; the third is (14, 120, 200)
POSTER = ("preview", "thumbnail")


def webp(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "WEBP"
    return picture


async def test_a_videos_poster_is_its_first_frame_at_a_photos_sizes(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    clip = recording("mp4", 1.0, video="libx264", audio="aac", picture=(640, 360))
    item = await mei.upload_media(clip, "clip.mp4")
    assert (item["kind"], item["mime"]) == ("video", "video/mp4")
    for variant, size in (("preview", (640, 360)), ("thumbnail", (320, 180))):
        answer = await mei.download(item["id"], variant)
        assert answer.headers["content-type"] == "image/webp"
        poster = webp(answer.content)
        assert poster.size == size
        pixel = poster.convert("RGB").getpixel((size[0] // 2, size[1] // 2))
        assert isinstance(pixel, tuple)
        assert max(abs(a - b) for a, b in zip(pixel, FIRST_COLOUR, strict=True)) <= 8, pixel


async def test_a_poster_carries_no_metadata(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(mp4_with_tags(), "VID_Hangzhou.mp4")
    for variant in POSTER:
        data = await mei.download_bytes(item["id"], variant)
        poster = webp(data)
        assert poster.size == (64, 48)  # never enlarged
        assert not poster.getexif()
        assert not {"exif", "xmp", "icc_profile"} & poster.info.keys()
        assert [s for s in SECRETS if s.encode() in data] == []


async def test_a_phones_turned_video_has_an_upright_poster(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    portrait = recording("mp4", 0.5, video="libx264", picture=(640, 360), rotation=-90)
    item = await mei.upload_media(portrait, "portrait.mp4")
    assert webp(await mei.download_bytes(item["id"], "thumbnail")).size == (180, 320)


async def test_the_poster_is_seen_by_whoever_sees_the_video(make_user: UserFactory) -> None:
    mei, lei, out = await make_user("mei"), await make_user("lei"), await make_user("out")
    await befriend(mei, lei)
    item = await mei.upload_media(mp4(), "clip.mp4")
    own = {variant: await mei.download_bytes(item["id"], variant) for variant in POSTER}
    for variant in POSTER:
        assert await status_of(lei.download(item["id"], variant)) == 404
        assert await status_of(out.download(item["id"], variant)) == 404
    chat = (await mei.open_direct("lei"))["id"]
    await mei.send(chat, "", kind="video", media_id=item["id"])
    for variant in POSTER:
        assert await lei.download_bytes(item["id"], variant) == own[variant]
        assert await status_of(out.download(item["id"], variant)) == 404


async def test_a_video_whose_frames_do_not_decode_uploads_without_a_poster(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(mp4_of_noise(), "noise.mp4")
    assert item["kind"] == "video"
    assert (await mei.download(item["id"])).status_code == 200
    for variant in POSTER:
        assert await status_of(mei.download(item["id"], variant)) == 404


@configured(media_image_max_pixels=64 * 48 - 1)
async def test_a_frame_past_the_pixel_limit_is_not_decoded(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    item = await mei.upload_media(mp4(), "clip.mp4")
    assert item["kind"] == "video"
    for variant in POSTER:
        assert await status_of(mei.download(item["id"], variant)) == 404
