"""Profile pictures over HTTP: set through the image pipeline (metadata gone, a WebP
thumbnail served), only images, shown to whoever may see the profile and to no one the owner
blocked; a replaced or removed picture's files are gone from disk at once, unless the same
item is carried by a message too. The bio keeps its length limit."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from PIL import Image

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend, code_of

WEBP = b"RIFF"


def photo(colour: tuple[int, int, int] = (200, 40, 40), gps: bool = True) -> bytes:
    """A JPEG with EXIF (a camera model and GPS coordinates) that must not survive."""
    image = Image.new("RGB", (400, 400), colour)
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 9000"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def files_of(server: RunningServer, client: GuanxiClient, media_id: str) -> list[Any]:
    """The paths on disk of an item's original and thumbnail (named by their bytes' hash)."""
    storage: Any = server.services.media.storage
    original = await client.download_bytes(media_id)
    thumbnail = await client.download_bytes(media_id, "thumbnail")
    return [storage.path(hashlib.sha256(b).hexdigest()) for b in (original, thumbnail)]


async def test_a_picture_is_cleaned_served_as_a_thumbnail_and_seen_by_who_sees_the_profile(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, wei, lan = await make_user("mei"), await make_user("wei"), await make_user("lan")
    await befriend(mei, wei)
    me = await mei.set_avatar(photo(), "IMG_20261206_0930.jpg", "image/jpeg")
    assert me["avatar"]
    assert (await mei.me())["avatar"] == me["avatar"]
    # the friend sees it (in the profile and as bytes), and so does a stranger (a profile
    # is there for everyone but the blocked)
    assert (await wei.profile("mei"))["user"]["avatar"] == me["avatar"]
    thumbnail = await wei.avatar("mei")
    assert thumbnail.startswith(WEBP) and b"Secret Camera" not in thumbnail
    assert (await lan.avatar("mei")) == thumbnail
    # the stored original lost its metadata
    original = await mei.download_bytes(me["avatar"])
    assert b"Secret Camera" not in original
    assert not Image.open(io.BytesIO(original)).getexif()
    # no one gets it through /media/{id}: only the owner
    assert (await code_of(wei.download_bytes(me["avatar"])))[0] == 404
    # blocked: the picture is not there, as the profile is not
    await mei.block("lan")
    assert (await code_of(lan.avatar("mei")))[0] == 404
    assert (await code_of(lan.profile("mei")))[0] == 404
    # someone without a picture: 404, and `avatar` null
    assert (await code_of(mei.avatar("wei")))[0] == 404
    assert (await mei.profile("wei"))["user"]["avatar"] is None


async def test_only_an_image_is_taken_and_a_refusal_changes_nothing(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    me = await mei.set_avatar(photo(), "a.jpg", "image/jpeg")
    media = server.services.settings.data_dir / "media"
    before = sorted(p for p in media.rglob("*") if p.is_file())
    for body, name, kind in [
        (b"%PDF-1.4 not a picture", "a.pdf", "application/pdf"),
        (b"hello, plain text", "a.txt", "text/plain"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "image/png"),  # a broken image
    ]:
        status, _ = await code_of(mei.set_avatar(body, name, kind))
        assert status == 422, (name, status)
    assert (await mei.me())["avatar"] == me["avatar"]
    assert sorted(p for p in media.rglob("*") if p.is_file()) == before


async def test_a_replaced_or_removed_picture_is_gone_from_disk(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, wei = await make_user("mei"), await make_user("wei")
    await befriend(mei, wei)
    first = (await mei.set_avatar(photo((10, 200, 10)), "a.jpg", "image/jpeg"))["avatar"]
    first_files = await files_of(server, mei, first)
    assert all(path.exists() for path in first_files)
    second = (await mei.set_avatar(photo((10, 10, 200)), "b.jpg", "image/jpeg"))["avatar"]
    assert second != first
    assert not any(path.exists() for path in first_files)  # at once, not at the next sweep
    assert (await code_of(mei.download_bytes(first)))[0] == 404
    second_files = await files_of(server, mei, second)
    assert (await wei.avatar("mei")) == second_files[1].read_bytes()
    removed = await mei.remove_avatar()
    assert removed["avatar"] is None
    assert not any(path.exists() for path in second_files)
    assert (await code_of(wei.avatar("mei")))[0] == 404


async def test_a_picture_also_sent_in_a_chat_stays_for_the_chat(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, wei = await make_user("mei"), await make_user("wei")
    await befriend(mei, wei)
    picture = photo((120, 120, 0))
    sent = await mei.upload_media(picture, "p.jpg", "image/jpeg")
    conv = await mei.open_direct("wei")
    await mei.send(conv["id"], "", kind="image", media_id=sent["id"])
    avatar = (await mei.set_avatar(picture, "p.jpg", "image/jpeg"))["avatar"]
    await mei.remove_avatar()
    # the message's photo is whole, whichever item the picture was
    assert (await wei.download_bytes(sent["id"])).startswith(b"\xff\xd8")
    assert await wei.download_bytes(sent["id"], "thumbnail")
    assert avatar


async def test_the_bio_and_name_keep_their_limits(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei", "Mei Lin")
    await mei.update_me(bio="short and true")
    assert (await code_of(mei.update_me(bio="x" * 501)))[0] == 422
    assert (await code_of(mei.update_me(display_name="")))[0] == 422
    me = await mei.me()
    assert me["bio"] == "short and true" and me["display_name"] == "Mei Lin"
