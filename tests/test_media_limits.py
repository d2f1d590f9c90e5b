"""Upload processing cannot be tied up: frames and animation length are capped, every decoder
error is a 4xx, each job has a deadline, one user's uploads are processed one at a time, and
each user has a storage quota."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from guanxi.client import ApiError, GuanxiClient
from guanxi.errors import TooLarge
from guanxi.media import store as media_store
from guanxi.media.models import Media
from tests.conftest import PASSWORD, RunningServer, UserFactory
from tests.media_files import gif_frames, image


async def refused(call: object, status: int = 422) -> str:
    with pytest.raises(ApiError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.status == status, caught.value
    return caught.value.code


async def test_frames_and_animation_length_are_capped(make_user: UserFactory) -> None:
    """A 1×1 GIF of 100,000 frames fitted the pixel budget (width × height × frames) and was
    decoded frame by frame for 17 s; alike frames made the encoder overflow (a 500)."""
    mei = await make_user("mei")
    assert await refused(mei.upload_media(gif_frames(100_000), "a.gif")) == "too_many_frames"
    alike = gif_frames(100_000, identical=True)
    assert await refused(mei.upload_media(alike, "b.gif")) == "too_many_frames"
    long = gif_frames(20, delay=1000)  # 200 s
    assert await refused(mei.upload_media(long, "c.gif")) == "animation_too_long"
    fine = await mei.upload_media(gif_frames(1000, delay=5), "d.gif")  # 1,000 frames, 50 s
    assert (fine["kind"], fine["width"], fine["height"]) == ("image", 1, 1)


@pytest.mark.parametrize("settings", [{"media_image_max_animation_seconds": 10_000}], indirect=True)
async def test_an_encoder_error_is_a_422_not_a_500(make_user: UserFactory) -> None:
    """Two alike frames of 400 s each: the GIF encoder merges them into 800 s, more than a
    GIF delay holds (OverflowError). Every decoder or encoder error is a bad image."""
    mei = await make_user("mei")
    merged = gif_frames(2, identical=True, delay=40_000)
    assert await refused(mei.upload_media(merged, "a.gif")) == "bad_image"


def noise_png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


@pytest.mark.parametrize("settings", [{"media_job_seconds": 0.2}], indirect=True)
async def test_a_job_past_its_deadline_is_refused_and_the_workers_go_on(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei = await make_user("mei")
    slow = noise_png((2000, 1500))  # about a second to decode and encode three times
    assert await refused(mei.upload_media(slow, "slow.png")) == "media_too_slow"
    server.services.media.workers.timeout = 30  # the same pool serves the next upload
    assert (await mei.upload_media(image("PNG"), "small.png"))["width"] == 64


@pytest.mark.parametrize("settings", [{"media_processes": 2}], indirect=True)
async def test_one_users_large_uploads_do_not_hold_up_another_users_photo(
    make_user: UserFactory,
) -> None:
    """Each user's uploads are processed one at a time: someone else's photo takes the other
    worker instead of queueing behind them (six large PNGs held a small photo for 11 s)."""
    mei, lei = await make_user("mei"), await make_user("lei")
    done: list[str] = []

    async def upload(who: GuanxiClient, data: bytes, name: str) -> None:
        await who.upload_media(data, name)
        done.append(name)

    large = [noise_png((1600, 1000 + n)) for n in range(3)]
    meis = [asyncio.create_task(upload(mei, data, f"large{n}")) for n, data in enumerate(large)]
    await asyncio.sleep(0.3)  # mei's uploads have arrived and the first is being processed
    await upload(lei, image("PNG"), "small")
    await asyncio.gather(*meis)
    assert done[0] == "small", done


@pytest.mark.parametrize("settings", [{"media_quota_bytes": 10_000}], indirect=True)
async def test_each_user_has_a_storage_quota(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await mei.upload_media(b"x" * 6_000, "a.bin")
    assert await refused(mei.upload_media(b"y" * 6_000, "b.bin"), 413) == "quota_exceeded"
    await mei.upload_media(b"z" * 4_000, "c.bin")  # fits exactly
    assert await refused(mei.upload_media(b"w", "d.bin"), 413) == "quota_exceeded"
    assert (await lei.upload_media(b"y" * 6_000, "b.bin"))["size"] == 6_000  # lei's own quota


class Upload:
    """Bytes as the media domain's UploadSource (what an import hands it)."""

    def __init__(self, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.declared_type = ""

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.data


@pytest.mark.parametrize("settings", [{"media_quota_bytes": 10_000}], indirect=True)
async def test_a_batch_is_held_to_the_quota_as_its_files_would_be_one_by_one(
    server: RunningServer,
) -> None:
    media = server.services.media
    mei = (await server.services.accounts.register("mei", PASSWORD, "Mei", by_operator=True))[0]

    async def used() -> int:
        async with server.services.db.read() as conn:
            return await media_store.sum_served_size(conn, mei.id)

    refused = await media.upload_batch(
        mei.id, [Upload(b"a" * 6_000, "a"), Upload(b"b" * 5_000, "b")]
    )
    assert [type(r) for r in refused] == [Media, TooLarge]  # the second would pass the quota
    assert await used() == 6_000
    over = await media.upload_batch(mei.id, [Upload(b"c" * 4_001, "c"), Upload(b"", "d")])
    assert [getattr(r, "code", None) for r in over] == ["quota_exceeded", "empty_file"]
    assert await used() == 6_000  # nothing of a refused file stays
    fits = await media.upload_batch(mei.id, [Upload(b"e" * 3_000, "e"), Upload(b"f" * 1_000, "f")])
    assert all(isinstance(r, Media) for r in fits) and await used() == 10_000  # exactly full
    full = await media.upload_batch(mei.id, [Upload(b"g", "g")])
    assert [getattr(r, "code", None) for r in full] == ["quota_exceeded"]
