"""The WhatsApp export parser (assets/whatsapp*.py): pure unit tests over FolderSource, on the
real exports in tests/fixtures/whatsapp and on small exports written here (iOS, locales, zips
unpacked into a folder, bad input)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from guanxi.assets.bundle import SYSTEM, BadArchive, Chat, Entry
from guanxi.assets.source_folder import FolderSource
from guanxi.assets.source_upload import open_upload
from guanxi.assets.source_zip import ZipLimits
from guanxi.assets.whatsapp import detect_whatsapp, read_whatsapp
from guanxi.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
CHAT_MINER = FIXTURES / "chat-miner"
FROZENSPIDER = FIXTURES / "frozenspider-chat-history-manager" / "whatsapp-text_2023-10"
ANDROID = FROZENSPIDER / "WhatsApp Chat with +123 45 6789.txt"
CHAT_MINER_FILES = sorted(path.name for path in CHAT_MINER.glob("*.txt"))


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * 1000


def read_one(path: Path, *, me: str | None = None, tz: str = "UTC") -> tuple[Chat, list[Entry]]:
    chats = list(read_whatsapp(FolderSource(path), me=me, tz=tz))
    assert len(chats) == 1
    return chats[0], list(chats[0].entries)


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.kind != SYSTEM]


def system(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.kind == SYSTEM]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def unzip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    """An upload as WhatsApp shares it (a zip), unpacked into a folder."""
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    folder = tmp_path / "upload"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    return folder


@pytest.mark.parametrize("name", CHAT_MINER_FILES)
def test_chat_miner_files_give_the_six_messages_of_target_json(name: str) -> None:
    target = json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))
    chat, entries = read_one(CHAT_MINER / name)
    # target.json joins the lines of a message with a space; we keep the line break
    got = [(e.sender, e.text.replace("\n", " "), e.at) for e in messages(entries)]
    want = [(t["author"], t["message"], ms(t["timestamp"])) for t in reversed(target)]
    assert got == want
    assert messages(entries)[1].text.split("\n")[1] == "consectetur adipiscing elit. Duis libero."
    assert [(e.sender, e.text) for e in system(entries)] == [
        ("+12 345 578", '+12 345 578 created group "Groupname"'),
        ("You", "You were added"),
    ]
    assert ms("2019-01-20T11:23:00") not in {e.at for e in entries}  # "John Doe:." is dropped
    assert chat.kind == "group"
    assert chat.title == "Groupname"
    # the five authors of target.json, the group's creator, and the user ("You were added")
    authors = list(dict.fromkeys(t["author"] for t in reversed(target)))
    assert [p.key for p in chat.people] == [*authors, "+12 345 578", "You"]
    assert [p.key for p in chat.people if p.is_me] == ["You"]


def test_chat_miner_files_are_one_chat_with_the_same_keys() -> None:
    read = [read_one(CHAT_MINER / name) for name in CHAT_MINER_FILES]
    assert len({chat.key for chat, _ in read}) == 1
    assert len({tuple(e.key for e in entries) for _, entries in read}) == 1


def test_me_names_the_importing_user_and_you_in_system_lines() -> None:
    chat, entries = read_one(CHAT_MINER / "test_ddmmyy_24hrs.txt", me="John Doe")
    assert [p.key for p in chat.people if p.is_me] == ["John Doe"]
    assert system(entries)[1].sender == "John Doe"


def test_frozenspider_android_export_counts_and_mixed_dates() -> None:
    # Counted by hand in the file: 10 messages (4 texts, 4 attached files, a "null" and a
    # "<Media omitted>"), 3 system lines (encryption notice, "is a contact", message timer),
    # 2 people.
    assert detect_whatsapp(FolderSource(ANDROID))
    chat, entries = read_one(ANDROID, me="Aaaaa Aaaaaaaaaaa")
    assert len(messages(entries)) == 10
    assert len(system(entries)) == 3
    assert [(p.key, p.is_me) for p in chat.people] == [
        ("Aaaaa Aaaaaaaaaaa", True),
        ("+123 45 6789", False),
    ]
    assert (chat.kind, chat.title) == ("direct", "+123 45 6789")
    # "6/30/23" (month-first) and "30/6/2023" (day-first) in one file: all on June 30th
    assert {datetime.fromtimestamp(e.at / 1000, UTC).date().isoformat() for e in entries} == {
        "2023-06-30"
    }
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert messages(entries)[0].text == "hello there!\n\nthis is a\nmulti-line message!"


def test_frozenspider_media_and_system_lines() -> None:
    _, entries = read_one(ANDROID)
    media = [(e.kind, e.text, e.attachment) for e in messages(entries)[4:]]
    assert [(kind, text, a.kind, a.name, a.path) for kind, text, a in media if a] == [
        ("image", "image comment", "image", "IMG-20230630-WA0000.jpg", None),
        ("video", "", "video", "VID-20230630-WA0001.mp4", None),
        ("voice", "", "voice", "AUD-20230630-WA0002.opus", None),
        ("image", "", "image", "STK-20230630-WA0003.webp", None),  # a sticker
        ("file", "", "file", "", None),  # null
        ("file", "", "file", "", None),  # <Media omitted>
    ]
    notices = system(entries)
    assert notices[0].sender is None
    assert notices[0].text.startswith("Messages and calls are end-to-end encrypted.")
    assert (notices[1].sender, notices[1].text) == ("+123 45 6789", "+123 45 6789 is a contact")
    assert notices[2].sender == "+123 45 6789"
    assert "updated the message timer" in notices[2].text


def test_attached_files_the_upload_holds_get_their_path(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / ANDROID.name).write_bytes(ANDROID.read_bytes())
    (folder / "IMG-20230630-WA0000.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "media").mkdir()
    (folder / "media" / "AUD-20230630-WA0002.opus").write_bytes(b"OggS")
    _, entries = read_one(folder)
    paths = [e.attachment.path for e in entries if e.attachment is not None]
    assert paths == ["IMG-20230630-WA0000.jpg", None, "media/AUD-20230630-WA0002.opus"] + [None] * 3


IOS = (
    "\u200e[12/06/2023, 10:15:03] Trip: \u200eMessages and calls are end-to-end encrypted.\n"
    "\u200e[12/06/2023, 10:15:03] Trip: \u200eAnn created group “Trip”\n"
    "\u200e[12/06/2023, 10:15:04] Trip: \u200eAnn added you\n"
    "[12/06/2023, 10:16:00] Ann: Welcome: all of you\n"
    "and a second line\n"
    "[13/06/2023, 08:00:59] Bob 🚲: \u200eimage omitted\n"
    "\u200e[13/06/2023, 08:01:00] Bob 🚲: "
    "\u200e<attached: 00000012-PHOTO-2023-06-13-08-01-00.jpg>\n"
    "[13/06/2023, 08:02:00] Cat: \u200eThis message was deleted.\n"
    "[13/06/2023, 08:03:00] Ann: See you at 9 \u200e<This message was edited>\n"
    "[13/06/2023, 08:04:00] Cat: \u200e<attached: 00000013-AUDIO-2023-06-13-08-04-00.opus>\n"
)


def test_ios_zip_with_brackets_seconds_and_direction_marks(tmp_path: Path) -> None:
    folder = unzip(
        tmp_path,
        {"_chat.txt": IOS.encode(), "00000012-PHOTO-2023-06-13-08-01-00.jpg": b"\xff\xd8\xff"},
    )
    source = FolderSource(folder)
    assert detect_whatsapp(source)
    chat, entries = read_one(folder, me="Ann")
    assert (chat.kind, chat.title) == ("group", "Trip")
    assert [(p.key, p.is_me) for p in chat.people] == [
        ("Ann", True),
        ("Bob 🚲", False),
        ("Cat", False),
    ]
    assert [(e.sender, e.text) for e in system(entries)] == [
        (None, "Messages and calls are end-to-end encrypted."),
        ("Ann", "Ann created group “Trip”"),
        ("Ann", "Ann added you"),
    ]
    welcome, omitted, photo, deleted, edited, voice = messages(entries)
    assert (welcome.text, welcome.at) == (
        "Welcome: all of you\nand a second line",
        ms("2023-06-12T10:16:00"),
    )
    assert omitted.attachment is not None and omitted.attachment.kind == "image"
    assert omitted.attachment.path is None
    assert photo.attachment is not None
    assert photo.attachment.path == "00000012-PHOTO-2023-06-13-08-01-00.jpg"
    assert (photo.at, photo.sender) == (ms("2023-06-13T08:01:00"), "Bob 🚲")
    assert deleted.recalled_at == deleted.at and deleted.text == ""
    assert (edited.text, edited.edit_count, edited.edited_at) == ("See you at 9", 1, edited.at)
    assert voice.kind == "voice" and voice.attachment is not None
    assert voice.attachment.path is None


def test_zip_or_folder_name_carries_the_chat_name(tmp_path: Path) -> None:
    text = "[01/02/2024, 09:00:00] Ann: hi\n[01/02/2024, 09:01:00] Bob: hello\n"
    folder = unzip(tmp_path, {"WhatsApp Chat - Ann & Bob/_chat.txt": text.encode()})
    chat, _ = read_one(folder)
    assert (chat.title, chat.kind) == ("Ann & Bob", "direct")


def test_twelve_hour_clock_with_am_pm_month_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "WhatsApp Chat with Bob.txt",
        "1/5/24, 12:01 AM - Ann: midnight\n"
        "1/5/24, 12:30 PM - Bob: noon\n"
        "1/5/24, 4:13\u202fPM - Bob: iOS 17 puts a narrow space before PM\n",
    )
    _, entries = read_one(path)
    assert [e.at for e in entries] == [
        ms("2024-01-05T00:01:00"),
        ms("2024-01-05T12:30:00"),
        ms("2024-01-05T16:13:00"),
    ]


def test_ambiguous_day_first_for_a_twenty_four_hour_clock(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "01/05/24, 16:13 - Ann: hi\n02/05/24, 16:13 - Bob: yo\n")
    _, entries = read_one(path)
    assert [e.at for e in entries] == [ms("2024-05-01T16:13:00"), ms("2024-05-02T16:13:00")]


def test_dates_running_forward_settle_an_order_with_no_day_over_twelve(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "01/05/24, 4:13 PM - Ann: hi\n02/05/24, 4:13 PM - Bob: yo\n")
    path.write_text(path.read_text() + "01/06/24, 4:13 PM - Ann: later\n")
    _, entries = read_one(path)
    # month-first would go Jan 5, Feb 5, Jan 6 (backwards); day-first runs forward
    assert [e.at for e in entries] == [
        ms("2024-05-01T16:13:00"),
        ms("2024-05-02T16:13:00"),
        ms("2024-06-01T16:13:00"),
    ]


def test_other_languages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "WhatsApp Chat mit Max.txt",
        "31.12.21, 22:01 - Max: Hallo\n"
        "31.12.21, 22:02 - Max: <Medien ausgeschlossen>\n"
        "31.12.21, 22:03 - Max hat die Gruppe verlassen\n"
        "30/12/2021, 10:01 p. m. - Ana: hola\n"
        "30/12/2021, 10:02 p. m. - Ana: Se eliminó este mensaje.\n"
        "2021/12/30 下午10:05 - 小明: 你好\n"
        "30/12/2021 à 22:06 - Luc: <Médias omis>\n",
    )
    chat, entries = read_one(path)
    assert chat.title == "Max" and chat.kind == "group"
    assert [(e.sender, e.kind, e.at) for e in entries] == [
        ("Max", "text", ms("2021-12-31T22:01:00")),
        ("Max", "file", ms("2021-12-31T22:02:00")),
        ("Max", SYSTEM, ms("2021-12-31T22:03:00")),
        ("Ana", "text", ms("2021-12-30T22:01:00")),
        ("Ana", "text", ms("2021-12-30T22:02:00")),
        ("小明", "text", ms("2021-12-30T22:05:00")),
        ("Luc", "file", ms("2021-12-30T22:06:00")),
    ]
    assert entries[4].recalled_at is not None


def test_text_kinds_emoji_and_link(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        "01/02/2024, 09:00 - Ann: 👍🏽\n01/02/2024, 09:01 - Ann: https://example.org/x\n",
    )
    _, entries = read_one(path)
    assert [e.kind for e in entries] == ["emoji", "link"]


def test_times_are_read_in_the_time_zone_given(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "30/06/2023, 16:13 - Ann: hi\n")
    _, entries = read_one(path, tz="Europe/Berlin")
    assert entries[0].at == ms("2023-06-30T14:13:00")
    with pytest.raises(BadArchive) as caught:
        read_one(path, tz="Mars/Olympus")
    assert caught.value.code == "bad_time_zone"


CHAT = [
    "30/06/2023, 16:13 - Ann: one",
    "30/06/2023, 16:14 - Bob: two",
    "30/06/2023, 16:14 - Bob: ok",
    "30/06/2023, 16:14 - Bob: ok",
    "30/06/2023, 16:15 - Ann: three",
    "and more",
    "01/07/2023, 09:00 - Bob: four",
    "01/07/2023, 09:01 - Ann: five",
]


def test_overlapping_exports_give_the_same_chat_and_entry_keys(tmp_path: Path) -> None:
    early = write(tmp_path / "a", "WhatsApp Chat with Bob.txt", "\n".join(CHAT[:6]) + "\n")
    late = write(tmp_path / "b", "WhatsApp Chat with Bob.txt", "\n".join(CHAT[1:]) + "\n")
    chat_a, entries_a = read_one(early)
    chat_b, entries_b = read_one(late)
    assert chat_a.key == chat_b.key
    keys_a = [e.key for e in entries_a]
    keys_b = [e.key for e in entries_b]
    assert keys_a[1:] == keys_b[:4]
    assert len(set(keys_a)) == len(keys_a)  # the two identical "ok" are two entries


def test_another_chat_has_another_key(tmp_path: Path) -> None:
    one = write(tmp_path / "a", "WhatsApp Chat with Bob.txt", "\n".join(CHAT) + "\n")
    other = write(tmp_path / "b", "WhatsApp Chat with Bobby.txt", "\n".join(CHAT) + "\n")
    assert read_one(one)[0].key != read_one(other)[0].key


def test_entries_are_read_lazily(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "\n".join(CHAT) + "\n")
    chat = next(read_whatsapp(FolderSource(path)))
    path.write_text("\n".join(CHAT[:3]) + "\n")  # the entries read the file when asked
    assert len(list(chat.entries)) == 3


def refused(path: Path) -> BadArchive:
    assert not detect_whatsapp(FolderSource(path))
    with pytest.raises(BadArchive) as caught:
        read_one(path)
    return caught.value


def test_a_binary_file_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = refused(path)
    assert (error.code, error.file, error.record) == ("not_text", "chat.txt", "line 1")
    path.write_bytes(b"30/06/2023, 16:13 - Ann: hi\n\x00\x01\x02\n")
    with pytest.raises(BadArchive) as caught:
        read_one(path)
    assert (caught.value.code, caught.value.record) == ("not_text", "line 2")


def test_a_text_that_is_no_whatsapp_chat_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "notes.txt", "\n\nDear diary,\n30/06/2023, 16:13 - Ann: hi\n"))
    assert (error.code, error.file, error.record) == ("not_whatsapp", "notes.txt", "line 3")
    assert "notes.txt record line 3" in str(error)


def test_a_line_of_ten_megabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    with path.open("w") as out:
        out.write("30/06/2023, 16:13 - Ann: hi\n30/06/2023, 16:14 - Ann: ")
        out.write("x" * 10_000_000 + "\n")
    assert detect_whatsapp(FolderSource(path))
    with pytest.raises(BadArchive) as caught:
        read_one(path)
    assert (caught.value.code, caught.value.record) == ("line_too_long", "line 2")


def test_a_message_over_the_cap_is_refused_naming_its_first_line(tmp_path: Path) -> None:
    lines = ["30/06/2023, 16:13 - Ann: hi", "30/06/2023, 16:14 - Ann: long"]
    path = write(tmp_path, "chat.txt", "\n".join(lines + ["y" * 1000] * 200) + "\n")
    with pytest.raises(BadArchive) as caught:
        read_one(path)
    assert (caught.value.code, caught.value.record) == ("message_too_long", "line 2")
    path.write_text(lines[0] + "\n" + lines[1] + "z" * 200_000 + "\n")
    with pytest.raises(BadArchive) as caught:
        read_one(path)
    assert (caught.value.code, caught.value.record) == ("message_too_long", "line 2")


def test_an_upload_without_text_is_refused(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert not detect_whatsapp(FolderSource(tmp_path))
    with pytest.raises(BadArchive) as caught:
        list(read_whatsapp(FolderSource(tmp_path)))
    assert caught.value.code == "not_whatsapp"


def test_other_text_files_beside_a_chat_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path, "WhatsApp Chat with Bob.txt", "\n".join(CHAT) + "\n")
    write(tmp_path, "notes.txt", "a document somebody sent\n")
    chats = list(read_whatsapp(FolderSource(tmp_path)))
    assert [chat.title for chat in chats] == ["Bob"]


def test_the_uploads_own_name_can_carry_the_chat_name(tmp_path: Path) -> None:
    """iOS shares `_chat.txt` inside `WhatsApp Chat - NAME.zip`: the upload's name names it."""
    upload = tmp_path / "upload"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("_chat.txt", "[01/02/2024, 09:00:00] Ann: hi\n")
    limits = ZipLimits.from_settings(Settings())
    named = open_upload(upload, limits, "C:\\fakepath\\WhatsApp Chat - Ann.zip")
    chat = next(read_whatsapp(named))
    assert chat.title == "Ann"
    assert chat.key != next(read_whatsapp(open_upload(upload, limits, "x.zip"))).key


def test_own_deletions_and_android_edits(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        "30/06/2023, 16:13 - Ann: You deleted this message\n"
        "30/06/2023, 16:14 - Bob: fixed it <This message was edited>\n"
        "30/06/2023, 16:15 - Bob: a message that says: you left\n"
        "30/06/2023, 16:16 - \n"
        "30/06/2023, 16:17 - Ann: \n",
    )
    chat, entries = read_one(path)
    assert (entries[0].sender, entries[0].recalled_at) == ("Ann", entries[0].at)
    assert (entries[1].text, entries[1].edit_count) == ("fixed it", 1)
    assert (entries[2].kind, entries[2].text) == ("text", "a message that says: you left")
    assert len(entries) == 3  # a stamp with nothing after it, and "Ann: " with nothing, dropped
    assert chat.kind == "direct"


def test_creation_time_and_mentions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        '30/06/2023, 16:13 - Ann created group "Plans"\n'
        "30/06/2023, 16:14 - Ann: hi @Bob Lee and @Cat\n"
        "30/06/2023, 16:15 - Bob Lee: hi\n",
    )
    chat, entries = read_one(path)
    assert (chat.title, chat.kind, chat.created_at) == ("Plans", "group", ms("2023-06-30T16:13:00"))
    assert entries[1].mentions == ("Bob Lee",)


def test_ios_calls_are_system_lines_and_locations_are_messages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "_chat.txt",
        "[01/02/2024, 09:00:00] Ann: \u200eMessages and calls are end-to-end encrypted.\n"
        "[01/02/2024, 09:01:00] Ann: \u200eMissed voice call\n"
        "[01/02/2024, 09:02:00] Bob: \u200eLocation: https://maps.google.com/?q=1,2\n",
    )
    chat, entries = read_one(path)
    assert [e.kind for e in entries] == [SYSTEM, SYSTEM, "text"]
    assert (chat.title, [p.key for p in chat.people]) == ("Ann", ["Bob"])


def test_documents_sent_in_the_chat(tmp_path: Path) -> None:
    write(
        tmp_path,
        "WhatsApp Chat with Bob.txt",
        "30/06/2023, 16:13 - Bob: report final.pdf • 3 pages (file attached)\n"
        "the numbers\n"
        "30/06/2023, 16:14 - Bob: notes.txt (file attached)\n",
    )
    write(tmp_path, "notes.txt", "a document somebody sent\n")
    _, entries = read_one(tmp_path)
    files = [(e.kind, e.text, e.attachment) for e in entries]
    assert [(kind, text, a.name, a.path, a.mime) for kind, text, a in files if a] == [
        ("file", "the numbers", "report final.pdf", None, "application/pdf"),
        ("file", "", "notes.txt", "notes.txt", ""),
    ]
