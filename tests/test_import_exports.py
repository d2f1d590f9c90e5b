"""Real Telegram and WhatsApp exports (tests/fixtures) imported through the public API: the
conversations, messages and people their sources give, system lines as system entries, media
attached; importing again adds nothing; two overlapping WhatsApp exports merge."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from guanxi.assets import bundle, telegram, whatsapp
from guanxi.assets.source_folder import FolderSource
from guanxi.client import GuanxiClient
from tests.conftest import UserFactory

FIXTURES = Path(__file__).parent / "fixtures"
ANDROID = (
    FIXTURES
    / "whatsapp"
    / "frozenspider-chat-history-manager"
    / "whatsapp-text_2023-10"
    / "WhatsApp Chat with +123 45 6789.txt"
)


def content(path: Path) -> bytes:
    return path.read_bytes()


async def everything(client: GuanxiClient, conversation_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    before = None
    while True:
        page = await client.history(conversation_id, before=before, limit=100)
        found += page["messages"]
        if not page["has_more"]:
            return sorted(found, key=lambda m: m["seq"])
        before = min(m["seq"] for m in page["messages"])


async def import_(client: GuanxiClient, body: bytes, name: str, **options: Any) -> dict[str, Any]:
    started = await client.start_import(body, name, **options)
    job = await client.wait_import(started["id"])
    assert job["state"] == "done", job
    return job


def source_entries(path: Path, **options: Any) -> list[list[bundle.Entry]]:
    chats = whatsapp.read_whatsapp(FolderSource(path), **options)
    return [list(chat.entries) for chat in chats]


WHATSAPP_TEXTS = sorted((FIXTURES / "whatsapp").rglob("*.txt"))


@pytest.mark.parametrize("path", WHATSAPP_TEXTS, ids=lambda path: path.name)
async def test_a_whatsapp_chat_comes_in_as_its_export_gives_it(
    make_user: UserFactory, path: Path
) -> None:
    me = await make_user("importer")
    ((chat_in, entries),) = [
        (chat, list(chat.entries)) for chat in whatsapp.read_whatsapp(FolderSource(path))
    ]
    job = await import_(me, content(path), path.name)
    assert job["counts"]["messages"] == len(entries)
    (chat,) = await me.conversations()
    assert chat["member_count"] == participants(chat_in, entries)
    history = await everything(me, chat["id"])
    assert len(history) == len(entries)
    systems = [m for m in history if m["kind"] == "system"]
    assert all(m["sender"] == "" for m in systems)
    assert len(systems) == sum(1 for e in entries if e.kind == bundle.SYSTEM)
    again = await import_(me, content(path), path.name)
    assert again["counts"]["messages"] == 0
    assert len(await everything(me, chat["id"])) == len(entries)


async def test_the_user_says_who_they_are_in_a_whatsapp_chat(make_user: UserFactory) -> None:
    me = await make_user("importer")
    ((_, entries),) = [(c, list(c.entries)) for c in whatsapp.read_whatsapp(FolderSource(ANDROID))]
    await import_(me, content(ANDROID), ANDROID.name, me="Aaaaa Aaaaaaaaaaa")
    (chat,) = await me.conversations()
    history = await everything(me, chat["id"])
    mine = sum(1 for e in entries if e.sender == "Aaaaa Aaaaaaaaaaa" and e.kind != bundle.SYSTEM)
    assert mine and sum(1 for m in history if m["sender"] == "importer") == mine


async def test_two_overlapping_whatsapp_exports_merge_into_one_chat(
    make_user: UserFactory,
) -> None:
    me, other = await make_user("importer"), await make_user("other")
    lines = ANDROID.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line[:1].isdigit() and " - " in line]
    cut_a, cut_b = starts[len(starts) // 3], starts[2 * len(starts) // 3]
    first, second = "".join(lines[:cut_b]), "".join(lines[cut_a:])
    (whole,) = source_entries(ANDROID)
    await import_(me, second.encode(), ANDROID.name)
    await import_(me, first.encode(), ANDROID.name)
    (chat,) = await me.conversations()
    history = await everything(me, chat["id"])
    assert len(history) == len(whole)
    await import_(other, content(ANDROID), ANDROID.name)  # the whole export at once
    (one,) = await other.conversations()
    at_once = await everything(other, one["id"])

    def shown(messages: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return [(m["kind"], m["text"], m["created_at"]) for m in messages]

    assert shown(history) == shown(at_once)


def zipped(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return out.getvalue()


TELEGRAM = FIXTURES / "telegram" / "frozenspider"


def participants(chat: bundle.Chat, entries: list[bundle.Entry]) -> int:
    """Everyone the source names in a chat (its people, senders, reactors, mentioned), the
    importer once."""
    me = {p.key for p in chat.people if p.is_me}
    keys = {p.key for p in chat.people}
    for entry in entries:
        if entry.sender is not None and entry.kind != bundle.SYSTEM:
            keys.add(entry.sender)
        keys.update(r.sender for r in entry.reactions)
        keys.update(entry.mentions)
    return len(keys - me) + 1


@pytest.mark.parametrize(
    "export",
    [
        "telegram_2020-01",
        "telegram_2021-05",
        "telegram_2021-06_supergroup",
        "telegram_2023-01",
        "../handmade/personal_2024",
    ],
)
async def test_a_telegram_account_export_comes_in_as_its_export_gives_it(
    make_user: UserFactory, export: str
) -> None:
    folder = TELEGRAM / export
    chats = [(chat, list(chat.entries)) for chat in telegram.read_telegram(FolderSource(folder))]
    me = await make_user("importer")
    job = await import_(me, zipped(folder), f"{export}.zip")
    assert job["counts"]["conversations"] == len(chats)
    assert job["counts"]["messages"] == sum(len(entries) for _, entries in chats)
    mine = {c["id"]: c for c in await me.conversations()}
    assert len(mine) == len(chats)
    sizes = []
    for conversation in mine.values():
        history = await everything(me, conversation["id"])
        sizes.append(len(history))
        assert all(m["sender"] == "" for m in history if m["kind"] == "system")
    assert sorted(sizes) == sorted(len(entries) for _, entries in chats)
    members = sorted(c["member_count"] for c in mine.values())
    assert members == sorted(participants(chat, entries) for chat, entries in chats)
    systems = sum(1 for _, entries in chats for e in entries if e.kind == bundle.SYSTEM)
    assert systems > 0
    attached = sum(1 for _, entries in chats for e in entries if e.attachment and e.attachment.path)
    assert job["counts"]["media"] + job["counts"]["media_skipped"] >= min(attached, 1)
    if export == "../handmade/personal_2024":  # its "voice note" is no audio: a plain file
        shown = [m for c in mine.values() for m in await everything(me, c["id"])]
        assert [m["media"]["kind"] for m in shown if m["media"]] == ["file"]
        assert job["counts"]["media"] == 1
    again = await import_(me, zipped(folder), f"{export}.zip")
    assert again["counts"]["messages"] == 0 and again["counts"]["conversations"] == 0


@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
async def test_a_telegram_json_export_on_its_own_comes_in_whole(
    make_user: UserFactory, name: str
) -> None:
    path = FIXTURES / "telegram" / "chat-miner" / name
    chats = [(chat, list(chat.entries)) for chat in telegram.read_telegram(FolderSource(path))]
    me = await make_user("importer")
    job = await import_(me, content(path), name)
    assert job["counts"]["conversations"] == len(chats)
    assert job["counts"]["messages"] == sum(len(entries) for _, entries in chats)
    mine = await me.conversations()
    members = sorted(c["member_count"] for c in mine)
    assert members == sorted(participants(chat, entries) for chat, entries in chats)


async def test_a_whatsapp_zip_brings_its_media(make_user: UserFactory) -> None:
    from tests.media_files import image

    me = await make_user("importer")
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr(ANDROID.name, content(ANDROID))
        archive.writestr("IMG-20230630-WA0000.jpg", image("JPEG"))
    job = await import_(me, upload.getvalue(), "WhatsApp Chat with +123 45 6789.zip")
    assert job["counts"]["media"] == 1
    (chat,) = await me.conversations()
    photos = [m for m in await everything(me, chat["id"]) if m["kind"] == "image"]
    assert len(photos) == 1 and photos[0]["text"] == "image comment"
    assert await me.download_bytes(photos[0]["media"]["id"])
