"""Files keep a useful name: a file message carries its (cleaned) name and downloads under it;
photos, voice notes and videos go out under neutral names (theirs tell when and where)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from guanxi.client import GuanxiClient
from guanxi.media.names import clean_filename, neutral_name
from tests.conftest import UserFactory, befriend
from tests.media_files import image, mp4, wav
from tests.test_export import exported, unzip


async def sent_file(
    make_user: UserFactory, name: str, data: bytes = b"hello world"
) -> tuple[GuanxiClient, GuanxiClient, dict[str, Any]]:
    """mei sends lei a file named `name`; lei's view of the message."""
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    item = await mei.upload_media(data, name)
    await mei.send(chat, "", kind="file", media_id=item["id"])
    [message] = (await lei.history(chat))["messages"]
    return mei, lei, message


async def disposition(client: GuanxiClient, media_id: str) -> str:
    header: str = (await client.download(media_id)).headers["content-disposition"]
    return header


async def test_a_file_arrives_and_downloads_under_its_name(make_user: UserFactory) -> None:
    _mei, lei, message = await sent_file(make_user, "notes.txt")
    media = message["media"]
    assert (media["filename"], media["size"]) == ("notes.txt", 11)
    header = await disposition(lei, media["id"])
    assert header == "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    listed = (await lei.conversations())[0]["last_message"]["media"]
    assert listed["filename"] == "notes.txt"  # the chat list's preview has it too
    files = {m["filename"] for m in unzip((await exported(lei))[1]).lines("media")}
    assert files == {"notes.txt"}  # lei's export keeps the name of a file sent to him


async def test_a_chinese_name_is_encoded_and_given_an_ascii_fallback(
    make_user: UserFactory,
) -> None:
    _mei, lei, message = await sent_file(make_user, '合同 "final"; 100%.pdf')
    assert message["media"]["filename"] == '合同 "final"; 100%.pdf'
    header = await disposition(lei, message["media"]["id"])
    encoded = quote('合同 "final"; 100%.pdf', safe="")
    assert header == f"attachment; filename=\"__ _final_; 100_.pdf\"; filename*=UTF-8''{encoded}"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override: "exe.pdf"
        ("a\u2066b\u2069c\u200f.txt", "abc.txt"),  # isolates and marks
        ("bell\x07\r\nline.txt", "bellline.txt"),
        ("para\u2029graph.txt", "paragraph.txt"),
        ("C:\\Users\\mei\\report.doc", "report.doc"),
        ("../../etc/passwd", "passwd"),
        ("  spaced.txt  ", "spaced.txt"),
        ("..", ""),
        ("\u202e", ""),
        ("长" * 300 + ".txt", "长" * 255),
    ],
)
def test_names_are_cleaned_of_control_and_bidi_characters(given: str, kept: str) -> None:
    assert clean_filename(given) == kept


async def test_a_cleaned_name_is_what_recipients_see_and_save(make_user: UserFactory) -> None:
    _mei, lei, message = await sent_file(make_user, "invoice\u202efdp.exe\x00")
    assert message["media"]["filename"] == "invoicefdp.exe"
    header = await disposition(lei, message["media"]["id"])
    assert header.endswith("filename*=UTF-8''invoicefdp.exe")


async def test_a_nameless_file_downloads_under_a_neutral_name(make_user: UserFactory) -> None:
    _mei, lei, message = await sent_file(make_user, "\u202e..")
    assert message["media"]["filename"] == ""
    header = await disposition(lei, message["media"]["id"])
    assert header == "attachment; filename=\"file.bin\"; filename*=UTF-8''file.bin"


async def test_photos_voice_notes_and_videos_go_out_under_neutral_names(
    make_user: UserFactory,
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    sent = {
        "image": ("IMG_20240501_153012.jpg", image("JPEG"), "photo.jpg"),
        "voice": ("Voice 2024-05-01 at home.wav", wav(), "voice."),
        "video": ("VID_20240501_Hangzhou.mp4", mp4(), "video.mp4"),
    }
    for kind, (name, data, neutral) in sent.items():
        item = await mei.upload_media(data, name)
        await mei.send(chat, "", kind=kind, media_id=item["id"])
        [message] = (await lei.history(chat, limit=1))["messages"]
        assert message["media"]["filename"] == ""
        theirs = await disposition(lei, item["id"])
        assert theirs.startswith(f'inline; filename="{neutral}'), theirs
        assert "2024" not in theirs
        assert quote(name, safe="") in await disposition(mei, item["id"])  # her own name


def test_neutral_names_follow_the_kind_and_type() -> None:
    assert neutral_name("image", "image/png") == "photo.png"
    assert neutral_name("voice", "audio/ogg") == "voice.ogg"
    assert neutral_name("video", "video/webm") == "video.webm"
    assert neutral_name("image", "application/x-unknown") == "photo"
