"""The Telegram Desktop JSON parser (assets/telegram*.py) over real exports and hand-written
variants: counts their sources give, who is who, what becomes a system entry, media, replies,
edits, forwards, reactions, and bad inputs refused with the file and the record named."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from guanxi.assets.bundle import SYSTEM, Attachment, BadArchive, Chat, Entry, Reaction
from guanxi.assets.source_folder import FolderSource
from guanxi.assets.telegram import detect_telegram, read_telegram
from guanxi.assets.telegram_stream import MAX_TOKEN_BYTES, Message, read_items

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
FROZENSPIDER = FIXTURES / "frozenspider"
CHAT_MINER = FIXTURES / "chat-miner"
HANDMADE = FIXTURES / "handmade"


def read(path: Path, me: str | None = None) -> list[tuple[Chat, list[Entry]]]:
    return [(chat, list(chat.entries)) for chat in read_telegram(FolderSource(path), me=me)]


def people(chats: list[tuple[Chat, list[Entry]]]) -> dict[str, str]:
    return {p.key: p.name for chat, _ in chats for p in chat.people}


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("export", "users", "chats", "messages"),
    [
        ("telegram_2020-01", 9, 4, 50),
        ("telegram_2021-05", 4, 1, 3),
        ("telegram_2021-06_supergroup", 4, 1, 4),
        ("telegram_2023-01", 3, 1, 6),
    ],
)
def test_frozenspider_counts(export: str, users: int, chats: int, messages: int) -> None:
    found = read(FROZENSPIDER / export)
    assert len(found) == chats
    assert len(people(found)) == users  # the account's owner included, as upstream counts
    assert sum(len(entries) for _, entries in found) == messages
    assert detect_telegram(FolderSource(FROZENSPIDER / export))


def test_account_export_knows_me_from_personal_information() -> None:
    for export in ("telegram_2020-01", "telegram_2021-05", "telegram_2023-01"):
        for chat, _ in read(FROZENSPIDER / export):
            mine = [p for p in chat.people if p.is_me]
            assert [(p.key, p.name, p.handle) for p in mine] == [
                ("user11111111", "Aaaaa Aaaaaaaaaaa", "frozenspider")
            ]


def test_2020_export_chats_entries_and_media() -> None:
    (group, entries), (direct, direct_entries), *_ = read(FROZENSPIDER / "telegram_2020-01")
    assert (group.kind, group.title) == ("group", "ppppppp gggggg")
    assert group.created_at == ms("2016-11-09T00:26:24")  # its create_group message
    assert [p.key for p in group.people if p.role == "owner"] == ["user22222222"]
    assert direct.created_at is None
    assert (direct.kind, direct.title) == ("direct", "Vvvvv")
    by_key = {e.key: e for e in entries + direct_entries}
    assert by_key["4730"] == Entry(
        key="4730", sender="user44444444", at=ms("2016-11-09T00:36:45"), kind="text", text="Видел)"
    )
    assert by_key["39740"].reply_to == "39739"
    assert by_key["67346"].edited_at == ms("2018-11-17T00:58:05")
    assert by_key["67346"].edit_count == 1
    assert all(by_key[k].edited_at is None for k in ("4730", "39739", "36302"))  # 1970 = none
    assert by_key["27100"].forwarded_from == "Uzbek-MDK"
    assert by_key["10415"].text == (
        "девиз Вольво:\nhttp://cs5.pikabu.ru/post_img/big/2015/12/04/5/1449210847155432089.jpgгыгы"
    )
    assert by_key["36970"].kind == "link"
    root = "chats/chat_01/"
    assert by_key["4725"].attachment == Attachment(
        kind="image", path=root + "group_photo_2.jpg", name="group_photo_2.jpg", mime="image/jpeg"
    )
    assert by_key["4744"].attachment == Attachment(
        kind="image", path=root + "stickers/sticker.webp", name="sticker.webp", mime="image/webp"
    )
    assert by_key["10355"].kind == "voice"
    assert by_key["10355"].attachment is not None
    assert by_key["10355"].attachment.path == root + "voice_messages/test.mp3"
    not_included = {k: by_key[k].attachment for k in ("10699", "38952", "39125", "124030")}
    assert {k: (a.kind, a.path) for k, a in not_included.items() if a} == {
        "10699": ("video", None),  # an animation
        "38952": ("video", None),  # a video note
        "39125": ("image", None),
        "124030": ("file", None),
    }
    assert by_key["39125"].text == "Всех с наступающим!🐶🍾🎄"  # a photo's caption
    assert by_key["74752"].text == "Contact: Vvvvv Vvvvvvvvv, +7 910 041 13 85"
    assert by_key["129455"].text == "Live location: 41.328109, 69.327564"
    assert by_key["132894"].text.startswith("Poll: Вечерний Мудозвон – это...\n- Соловьёв (18714")


def test_service_messages_are_system_entries_never_someones_message() -> None:
    found = read(FROZENSPIDER / "telegram_2020-01")
    system = {e.key: e for _, entries in found for e in entries if e.kind == SYSTEM}
    assert {k: (e.sender, e.text) for k, e in system.items()} == {
        "4720": ("user22222222", 'Wwwwww Www created the group "ppppppp gggggg"'),
        "4721": ("user22222222", "Wwwwww Www changed the group photo"),
        "4722": ("user333333333", "Ddddddd Uuuuuuuu left the group"),
        "4740": ("user22222222", "Wwwwww Www pinned a message"),
        "4756": ("user22222222", "Wwwwww Www added Vvvvv Vvvvvvvvv"),
        "40149": ("user777777777", "Missed call from Vvvvv Vvvvvvvvv"),
        "40163": ("user777777777", "Call (1 min)"),
        "91190": ("user11111111", "Aaaaa Aaaaaaaaaaa cleared the history"),
    }
    assert system["4740"].reply_to == "4723"  # the pinned message
    assert all(e.attachment is None for e in system.values())
    later = read(FROZENSPIDER / "telegram_2023-01")[0][1]
    assert [(e.kind, e.sender, e.text) for e in later if e.kind == SYSTEM] == [
        (SYSTEM, "user44444444", "Eeeee Eeeeeeeeee upgraded the group to a supergroup"),
        (SYSTEM, "channel123123123", 'The group "My Group" was upgraded to a supergroup'),
        (SYSTEM, "user11111111", "Aaaaa Aaaaaaaaaaa added Deleted Account"),
        (SYSTEM, "user11111111", "Aaaaa Aaaaaaaaaaa removed the group photo"),
        (SYSTEM, "user11111111", "Aaaaa Aaaaaaaaaaa suggested a profile photo"),
    ]


def test_chat_keys_are_telegram_ids_with_their_kind() -> None:
    keys = [
        chat.key
        for export in ("telegram_2021-05", "telegram_2021-06_supergroup")
        for chat, _ in read(FROZENSPIDER / export)
    ]
    assert keys == ["chat123123123", "channel1234567890"]
    # 2020 exports shift the ids (+2^32 for a personal chat); the key takes the shift off
    assert read(FROZENSPIDER / "telegram_2020-01")[1][0].key == f"user{9777777777 - 2**32}"


def test_2023_text_entities_flatten_to_plain_text() -> None:
    entries = read(FROZENSPIDER / "telegram_2023-01")[0][1]
    message = next(e for e in entries if e.key == "111111")
    assert message.text == "this contains a lot of stuff: 😁http://mylink.org/HIDE ME"
    assert message.at == 1479387460 * 1000  # date_unixtime wins over the local date


@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_chat_miner_gives_its_target_records(name: str) -> None:
    target = json.loads((CHAT_MINER / "target.json").read_text())
    found = read(CHAT_MINER / name)
    assert len(found) == 1
    chat, entries = found[0]
    names = {p.key: p.name for p in chat.people}
    got = [(e.at, names[e.sender or ""], "".join(e.text.split())) for e in entries]
    assert got == [(ms(t["timestamp"]), t["author"], "".join(t["message"].split())) for t in target]
    assert detect_telegram(FolderSource(CHAT_MINER / name))


def test_single_personal_chat_2024() -> None:
    [(chat, entries)] = read(HANDMADE / "personal_2024")
    assert (chat.key, chat.kind, chat.title) == ("user5123456789", "direct", "Bbbbb Bbbbbb")
    # no personal_information: the sender who is not the chat's peer is the user
    assert {(p.key, p.name, p.is_me) for p in chat.people} == {
        ("user5123456789", "Bbbbb Bbbbbb", False),
        ("user42", "Aaaaa Aaaaaa", True),
    }
    by_key = {e.key: e for e in entries}
    assert "107" not in by_key  # "unsupported": nothing to keep
    assert by_key["100"].at == ms("2024-02-01T10:00:00")  # date_unixtime is UTC
    assert by_key["100"].text == "Hi there, line one\nline two"
    hey = by_key["101"]
    assert hey.text == "Hey Bbbbb, see this — bold!"
    assert hey.mentions == ("user5123456789",)
    assert (hey.reply_to, hey.edited_at) == ("100", ms("2024-02-01T10:05:00"))
    # the reaction's local time, corrected by the offset date - date_unixtime (UTC+3)
    assert hey.reactions == (
        Reaction(sender="user5123456789", emoji="👍", at=ms("2024-02-01T10:10:00")),
    )
    assert by_key["102"].attachment == Attachment(
        kind="file", path=None, name="report.pdf", mime="application/pdf"
    )
    assert by_key["102"].text == "the report"
    voice = by_key["103"]
    assert voice.kind == "voice"
    assert voice.attachment is not None
    assert voice.attachment.path == "files/audio_1@01-02-2024_10-00-00.ogg"
    sticker = by_key["104"]
    assert (sticker.kind, sticker.text, sticker.attachment) == ("emoji", "😂", None)
    assert sticker.forwarded_from == "Some Channel"
    assert (by_key["105"].kind, by_key["105"].text) == (SYSTEM, "Call (3 min)")
    assert (by_key["106"].text, by_key["106"].reply_to) == ("Bbbbb Bbbbbb pinned a message", "101")
    assert by_key["108"].text == "a bell \x07 rang"  # Telegram's "\x07" escape, mended


def test_me_by_name_when_the_export_does_not_say(tmp_path: Path) -> None:
    [(chat, _)] = read(CHAT_MINER / "test_batch_export.json", me="Author 2")
    assert [p.name for p in chat.people if p.is_me] == ["Author 2"]


def test_zip_folder_prefix_and_media_paths(tmp_path: Path) -> None:
    shutil.copytree(FROZENSPIDER / "telegram_2020-01", tmp_path / "Telegram Desktop" / "Export")
    source = FolderSource(tmp_path)
    assert detect_telegram(source)
    chats = read_telegram(source)  # kept: a chat's entries are read while its reader runs
    entries = next(chats).entries
    photo = next(e for e in entries if e.key == "4725")
    assert photo.attachment is not None
    assert photo.attachment.path == "Telegram Desktop/Export/chats/chat_01/group_photo_2.jpg"


def test_a_missing_media_file_has_no_path(tmp_path: Path) -> None:
    shutil.copy(FROZENSPIDER / "telegram_2020-01" / "result.json", tmp_path / "result.json")
    chats = read_telegram(FolderSource(tmp_path))
    entries = next(chats).entries
    photo = next(e for e in entries if e.key == "4725")
    assert photo.attachment == Attachment(kind="image", path=None, mime="image/jpeg")


def test_not_telegram(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert not detect_telegram(FolderSource(tmp_path))
    (tmp_path / "result.json").write_text('{"format": "guanxi-archive"}')
    assert not detect_telegram(FolderSource(tmp_path))
    (tmp_path / "result.json").write_text("[1, 2")
    assert not detect_telegram(FolderSource(tmp_path))
    with pytest.raises(BadArchive):
        list(read_telegram(FolderSource(tmp_path / "notes.txt")))


# Bad inputs: each is refused with the file and the record named.

SINGLE = {"name": "X", "type": "personal_chat", "id": 7, "messages": []}
MESSAGE = {
    "id": 1,
    "type": "message",
    "date_unixtime": "1700000000",
    "from": "A",
    "from_id": "user1",
    "text": "hi",
}


def bad(tmp_path: Path, text: str) -> BadArchive:
    (tmp_path / "result.json").write_text(text)
    with pytest.raises(BadArchive) as caught:
        for chat in read_telegram(FolderSource(tmp_path)):
            list(chat.entries)
    assert caught.value.file == "result.json"
    return caught.value


def with_messages(*messages: object) -> str:
    return json.dumps({**SINGLE, "messages": list(messages)})


def test_truncated_json(tmp_path: Path) -> None:
    text = with_messages(MESSAGE, {**MESSAGE, "id": 2})
    error = bad(tmp_path, text[: text.index('"id": 2') + 10])
    assert error.code == "invalid_json"
    assert error.record == "messages[1] (id 2)"


def test_a_message_that_is_a_list(tmp_path: Path) -> None:
    error = bad(tmp_path, with_messages(MESSAGE, [1, 2]))
    assert (error.code, error.record) == ("wrong_type", "messages[1]")


def test_a_missing_date(tmp_path: Path) -> None:
    undated = {k: v for k, v in MESSAGE.items() if k != "date_unixtime"}
    error = bad(tmp_path, with_messages(MESSAGE, {**undated, "id": 5}))
    assert (error.code, error.record) == ("missing_field", "messages[1] (id 5)")


def test_deep_nesting(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    text = with_messages(MESSAGE, {**MESSAGE, "id": 9, "text": "DEEP"}).replace('"DEEP"', deep)
    error = bad(tmp_path, text)
    assert (error.code, error.record) == ("too_deep", "messages[1] (id 9)")
    error = bad(tmp_path, "[" * 10_000)  # outside any message, before anything is read
    assert error.code == "too_deep"


def test_wrong_types(tmp_path: Path) -> None:
    cases = {
        "text": {**MESSAGE, "text": 5},
        "date_unixtime": {**MESSAGE, "date_unixtime": "yesterday"},
        "from_id": {**MESSAGE, "from_id": "someone"},
        "date": {"id": 1, "type": "message", "date": 17, "from_id": "user1", "text": ""},
    }
    for case in cases.values():
        error = bad(tmp_path, with_messages(case))
        assert (error.code, error.record) == ("wrong_type", "messages[0] (id 1)")
    assert bad(tmp_path, json.dumps({**SINGLE, "messages": {}})).code == "wrong_type"


def test_absurd_sizes(tmp_path: Path) -> None:
    long_string = "x" * (MAX_TOKEN_BYTES + 10)
    error = bad(tmp_path, with_messages(MESSAGE, {**MESSAGE, "text": long_string}))
    assert (error.code, error.record) == ("too_large", "messages[1] (id 1)")
    long_text = ["y" * 60_000, "z" * 60_000]
    error = bad(tmp_path, with_messages({**MESSAGE, "text": long_text}))
    assert (error.code, error.record) == ("too_large", "messages[0] (id 1)")
    many_parts = {**MESSAGE, "text": [""] * 100_001}
    error = bad(tmp_path, with_messages(many_parts))
    assert (error.code, error.record) == ("too_large", "messages[0] (id 1)")
    error = bad(tmp_path, '{"messages": [' + " " * (MAX_TOKEN_BYTES + 10) + "]}")
    assert error.code == "too_large"


def test_account_export_error_names_the_chat(tmp_path: Path) -> None:
    export = {
        "personal_information": {"user_id": 1},
        "chats": {
            "list": [
                {"name": "A", "type": "personal_chat", "id": 2, "messages": [MESSAGE]},
                {"name": "B", "type": "private_group", "id": 3, "messages": [MESSAGE, "nope"]},
            ]
        },
    }
    error = bad(tmp_path, json.dumps(export))
    assert (error.code, error.record) == ("wrong_type", "chats.list[1].messages[1]")


class Trickle(io.BytesIO):
    """A stream that hands out one byte per read, as a slow upload may."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(1)


def test_escapes_mended_whatever_the_reads() -> None:
    raw = (HANDMADE / "personal_2024" / "result.json").read_bytes()
    items = list(read_items(Trickle(raw), "result.json"))
    texts = [i.data.get("text") for i in items if isinstance(i, Message)]
    assert "a bell \x07 rang" in texts
    escaped = (
        b'{"messages": [{"text": "\\\\x41 and \\\\\\x41"}]}'  # an escaped backslash, then \x41
    )
    [message] = [i for i in read_items(Trickle(escaped), "f") if isinstance(i, Message)]
    assert message.data["text"] == "\\x41 and \\A"


def test_left_chats_key_order_and_skipped_entries(tmp_path: Path) -> None:
    export = {
        "personal_information": {"user_id": 1, "first_name": "Me", "username": "@me"},
        "chats": {
            "list": [
                {"messages": [MESSAGE], "id": 2, "type": "personal_chat", "name": "B"},
                {"name": "Notes", "type": "saved_messages", "id": 1, "messages": []},
            ]
        },
        "left_chats": {
            "list": [
                {
                    "name": "Old",
                    "type": "public_supergroup",
                    "id": 9,
                    "messages": [MESSAGE, {**MESSAGE, "id": 2, "text": "bye"}],
                }
            ]
        },
    }
    (tmp_path / "result.json").write_text(json.dumps(export))
    chats = list(read_telegram(FolderSource(tmp_path)))  # no chat's entries read on the way
    assert [(c.key, c.kind) for c in chats] == [
        ("user2", "direct"),
        ("user1", "direct"),
        ("channel9", "group"),
    ]
    assert all(
        any(p.is_me and p.key == "user1" and p.handle == "me" for p in c.people) for c in chats
    )
    found = read(tmp_path)
    assert [[e.text for e in entries] for _, entries in found] == [["hi"], [], ["hi", "bye"]]


def test_2020_numeric_ids_lose_their_shift(tmp_path: Path) -> None:
    old = {k: v for k, v in MESSAGE.items() if k != "date_unixtime"}
    export = {
        "chats": {
            "list": [
                {
                    "name": "P",
                    "type": "personal_chat",
                    "id": 2**32 + 5,
                    "messages": [
                        {**old, "date": "2020-10-01T12:00:00", "from_id": 2**32 + 5},
                        {**old, "id": 2, "date": "2020-10-01T12:01:00", "from_id": 8, "from": "Me"},
                    ],
                },
                {"name": "G", "type": "private_group", "id": 2**33 + 7, "messages": []},
            ]
        }
    }
    (tmp_path / "result.json").write_text(json.dumps(export))
    (personal, entries), (group, _) = read(tmp_path)
    assert (personal.key, group.key) == ("user5", "chat7")
    assert [e.sender for e in entries] == ["user5", "user8"]
    assert entries[0].at == ms("2020-10-01T12:00:00")  # a local date alone is read as UTC
    assert [p.key for p in personal.people if p.is_me] == ["user8"]  # not the chat's peer
