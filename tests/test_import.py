"""Imports through the public API, on a real server: what a chat becomes, importing again,
merging overlapping exports, all or nothing, and who sees what.

The chats come in the tests' own format (tests/bundle_format.py), registered for the test
(recognised by format=auto), so each test says exactly which people and entries it imports;
the real formats are tested by test_import_exports.py and their parsers' own tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from guanxi.assets import formats
from guanxi.client import GuanxiClient
from guanxi.db.metadata import metadata
from guanxi.settings import Settings
from tests import bundle_format
from tests.bundle_format import pack
from tests.conftest import (
    PASSWORD,
    RunningServer,
    UserFactory,
    befriend,
    code_of,
    ready,
    status_of,
)
from tests.media_files import image
from tests.test_invites import guanxi

T0 = 1_600_000_000_000
MINUTE = 60_000


@pytest.fixture(autouse=True)
def bundle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)
    yield


def people(*names: str) -> list[dict[str, Any]]:
    return [{"key": n.lower(), "name": n, "is_me": n == "Me"} for n in names]


def text(n: int, sender: str, words: str, **more: Any) -> dict[str, Any]:
    return {"key": str(n), "sender": sender, "at": T0 + n * MINUTE, "text": words, **more}


def direct_chat() -> dict[str, Any]:
    return {
        "key": "chat-mei",
        "kind": "direct",
        "title": "Mei",
        "people": [*people("Me"), {"key": "mei", "name": "Mei", "handle": "mei"}],
        "entries": [
            text(1, "mei", "hello from mei"),
            text(2, "me", "hi Mei", reply_to="1"),
            text(
                3,
                "mei",
                "",
                kind="image",
                attachment={"kind": "image", "path": "a.png", "name": "a.png"},
            ),
            text(4, "mei", "typo", edited_at=T0 + 5 * MINUTE, edit_count=2),
            text(5, "mei", "", recalled_at=T0 + 6 * MINUTE),
            text(
                6,
                "me",
                "👍 nice",
                reactions=[{"sender": "mei", "emoji": "❤️", "at": T0 + 7 * MINUTE}],
            ),
            {
                "key": "7",
                "sender": None,
                "at": T0 + 8 * MINUTE,
                "kind": "system",
                "text": "Mei called you",
            },
        ],
    }


def group_chat() -> dict[str, Any]:
    return {
        "key": "chat-group",
        "kind": "group",
        "title": "Hiking club",
        "people": people("Me", "Ann", "Bo", "Cy"),
        "entries": [
            {
                "key": "1",
                "sender": "ann",
                "at": T0,
                "kind": "system",
                "text": "Ann created the group",
            },
            text(2, "ann", "trail on sunday?"),
            text(3, "bo", "yes"),
            text(4, "cy", "@ann count me in", mentions=["ann"]),
            text(5, "me", "me too"),
        ],
    }


async def everything(client: GuanxiClient, conversation_id: int) -> list[dict[str, Any]]:
    page = await client.history(conversation_id, limit=100)
    return sorted(page["messages"], key=lambda m: m["seq"])


async def import_(client: GuanxiClient, body: bytes, **options: Any) -> dict[str, Any]:
    started = await client.start_import(body, "export.zip", **options)
    assert started["state"] == "queued"
    return await client.wait_import(started["id"])


async def row_counts(server: RunningServer) -> dict[str, int]:
    """Every table's row count, but the jobs and the event log (an import's own job and its
    one event are what a failed import leaves). Insight's follower catches up first: its
    tables follow the history, so they are counted as of the same moment."""
    await server.services.insight_follower.catch_up()
    counts: dict[str, int] = {}
    async with server.services.db.read() as conn:
        for table in metadata.sorted_tables:
            if table.name in ("asset_jobs", "events"):
                continue
            query = sa.select(sa.func.count()).select_from(table)
            counts[table.name] = int((await conn.execute(query)).scalar_one())
    return counts


async def test_an_import_brings_its_chats_with_placeholders_system_entries_and_media(
    make_user: UserFactory,
) -> None:
    me = await make_user("importer")
    mei = await make_user("mei")  # a real account with the handle the archive names
    body = pack({"chats": [direct_chat(), group_chat()]}, {"a.png": image("PNG")})
    job = await import_(me, body)
    assert job["state"] == "done", job
    assert job["counts"] == {
        "conversations": 2,
        "messages": 12,
        "media": 1,
        "media_skipped": 0,
        "contacts": 4,
        "moments": 0,
    }
    chats = {c["kind"]: c for c in await me.conversations()}
    direct, group = chats["direct"], chats["group"]
    assert direct["peer"]["display_name"] == "Mei"
    assert direct["peer"]["handle"].startswith("imported.")  # never the real @mei
    assert direct["peer"]["is_placeholder"] is True
    assert direct["unread"] == 0
    history = await everything(me, direct["id"])
    assert [m["seq"] for m in history] == [1, 2, 3, 4, 5, 6, 7]
    assert history[0]["text"] == "hello from mei" and history[0]["created_at"].startswith("2020-")
    assert history[1]["sender"] == "importer" and history[1]["reply_to"]["seq"] == 1
    assert history[2]["kind"] == "image" and history[2]["media"]["kind"] == "image"
    assert await me.download_bytes(history[2]["media"]["id"])
    assert history[3]["edited"] is True
    assert history[4]["recalled"] is True and history[4]["text"] == ""
    assert history[5]["reactions"] == [
        {"emoji": "❤️", "count": 1, "handles": [direct["peer"]["handle"]]}
    ]
    assert history[6]["kind"] == "system" and history[6]["sender"] == ""
    assert history[6]["text"] == "Mei called you"
    assert group["name"] == "Hiking club" and group["member_count"] == 4
    assert group["owner"] == "importer"
    messages = await everything(me, group["id"])
    assert messages[0]["kind"] == "system" and messages[0]["sender"] == ""
    assert messages[3]["mentions"] == [messages[1]["sender"]]
    assert await mei.conversations() == []  # the real @mei was pulled into nothing


async def test_system_entries_take_no_edit_and_no_reaction(make_user: UserFactory) -> None:
    me = await make_user("importer")
    chat = group_chat()
    chat["entries"][0]["at"] = 10**13  # "recent", inside the edit window
    await import_(me, pack({"chats": [chat]}))
    (group,) = await me.conversations()
    first = (await everything(me, group["id"]))[0]
    assert first["kind"] == "system"
    assert await code_of(me.edit(group["id"], first["seq"], "x")) == (403, "not_sender")
    assert await code_of(me.react(group["id"], first["seq"], "👍")) == (409, "system_entry")


async def test_importing_the_same_export_again_adds_nothing(
    make_user: UserFactory, server: RunningServer
) -> None:
    me = await make_user("importer")
    body = pack({"chats": [direct_chat(), group_chat()]}, {"a.png": image("PNG")})
    await import_(me, body)
    chats = await me.conversations()
    before = await row_counts(server)
    again = await import_(me, body)
    assert again["state"] == "done"
    assert again["counts"]["messages"] == 0 and again["counts"]["contacts"] == 0
    assert again["counts"]["conversations"] == 0 and again["counts"]["media"] == 0
    assert await me.conversations() == chats
    assert await row_counts(server) == before


async def test_overlapping_exports_of_a_chat_merge_in_time_order_without_duplicates(
    make_user: UserFactory,
) -> None:
    me = await make_user("importer")
    entries = [text(n, "ann" if n % 2 else "me", f"message {n}") for n in range(1, 21)]
    entries[15]["reply_to"] = "3"  # in the second export, answering one of the first's
    entries[9]["text"] = entries[10]["text"] = "ok"
    entries[10]["at"] = entries[9]["at"]  # the same words twice in one minute: two messages
    entries[10]["sender"] = entries[9]["sender"]

    def export(part: list[dict[str, Any]]) -> bytes:
        chat = {
            "key": "chat-ann",
            "kind": "direct",
            "title": "Ann",
            "people": people("Me", "Ann"),
            "entries": part,
        }
        return pack({"chats": [chat]})

    first = await import_(me, export(entries[8:]))  # the later half first
    assert first["counts"]["messages"] == 12
    (before,) = await me.conversations()
    second = await import_(me, export(entries[:14]))  # overlaps entries 9-14
    assert second["state"] == "done", second
    assert second["counts"]["messages"] == 8 and second["counts"]["conversations"] == 1
    (chat,) = await me.conversations()
    assert chat["peer"]["handle"] == before["peer"]["handle"]  # the same placeholder
    history = await everything(me, chat["id"])
    assert [m["text"] for m in history] == [e["text"] for e in entries]
    assert [m["seq"] for m in history] == list(range(1, 21))
    assert history[15]["reply_to"] is None or history[15]["reply_to"]["seq"] == 3
    assert chat["last_seq"] == 20
    await import_(me, export(entries))  # the whole of it: nothing new
    assert len(await everything(me, (await me.conversations())[0]["id"])) == 20


async def test_a_bad_record_fails_the_import_naming_it_and_changes_nothing(
    make_user: UserFactory, server: RunningServer
) -> None:
    me = await make_user("importer")
    broken = group_chat()
    broken["entries"].append({"at": T0, "fail": True})
    before = await row_counts(server)
    job = await import_(me, pack({"chats": [direct_chat(), broken]}, {"a.png": image("PNG")}))
    assert job["state"] == "failed"
    assert job["error"] == {
        "code": "bad_record",
        "message": "bundle.json record 6: a broken record",
        "file": "bundle.json",
        "record": "6",
    }
    assert await me.conversations() == []
    assert await row_counts(server) == before


async def test_a_failure_in_the_write_pass_takes_out_everything_it_wrote(
    make_user: UserFactory, server: RunningServer
) -> None:
    me = await make_user("importer")
    await import_(me, pack({"chats": [group_chat()]}))
    chats = await me.conversations()
    before = await row_counts(server)
    merged = group_chat()
    merged["entries"].append(text(9, "bo", "a new one"))
    late = {**direct_chat(), "key": "late", "fail_on_read": 2}  # read well once, then not
    body = pack({"chats": [direct_chat(), merged, late]}, {"a.png": image("PNG")})
    job = await import_(me, body)
    assert job["state"] == "failed" and job["error"]["code"] == "changed"
    assert job["error"]["record"] == "late"
    assert await me.conversations() == chats
    assert await row_counts(server) == before
    assert not list((server.services.settings.data_dir / "imports").iterdir())


async def test_a_file_that_breaks_while_read_takes_out_the_files_stored_beside_it(
    make_user: UserFactory, server: RunningServer
) -> None:
    """A photo is stored, then a file of the same batch turns out corrupt (its CRC fails,
    which only reading it shows): the import fails, and the photo's item goes with the rest."""
    me = await make_user("importer")
    before = await row_counts(server)
    chat = group_chat()
    for n, name in ((6, "a.png"), (7, "b.bin")):
        attachment = {"kind": "file", "path": name, "name": name}
        chat["entries"].append(text(n, "bo", "", kind="file", attachment=attachment))
    payload = b"the bytes of b, as the zip's checksum has them " * 20
    body = pack({"chats": [chat]}, {"a.png": image("PNG"), "b.bin": payload})
    broken = body.replace(payload, payload[:-1] + b"!")  # stored, not compressed: one byte off
    job = await import_(me, broken)
    assert job["state"] == "failed", job
    assert job["error"]["code"] == "corrupt" and job["error"]["file"] == "b.bin", job
    assert await me.conversations() == []
    assert await row_counts(server) == before


async def test_an_import_is_its_owners_alone(make_user: UserFactory) -> None:
    me = await make_user("importer")
    other = await make_user("other")
    started = await me.start_import(pack({"chats": [group_chat()]}), "x.zip")
    assert await status_of(other.get_import(started["id"])) == 404
    assert await status_of(other.get_import(10**9)) == 404
    assert (await me.wait_import(started["id"]))["state"] == "done"


async def test_placeholders_are_seen_by_their_importer_alone(make_user: UserFactory) -> None:
    me = await make_user("importer")
    other = await make_user("other")
    await import_(me, pack({"chats": [direct_chat()]}, {"a.png": image("PNG")}))
    (chat,) = await me.conversations()
    handle = chat["peer"]["handle"]
    assert (await me.profile(handle))["user"]["display_name"] == "Mei"
    assert await status_of(other.profile(handle)) == 404
    assert await status_of(other.request_friend(handle)) == 404
    assert await status_of(me.request_friend(handle)) == 404  # nobody behind it
    assert (await other.search("hello from mei"))["messages"] == []
    assert len((await me.search("hello from mei"))["messages"]) == 1


async def test_a_placeholder_handle_cannot_be_registered(make_user: UserFactory) -> None:
    with pytest.raises(Exception) as caught:
        await make_user("imported.0123456789abcdef")
    assert getattr(caught.value, "code", "") == "invalid_handle"


@pytest.mark.parametrize("settings", [{"imports_per_day": 1}], indirect=True)
async def test_so_many_imports_a_day(make_user: UserFactory) -> None:
    me = await make_user("importer")
    body = pack({"chats": [group_chat()]})
    assert await code_of(me.start_import(body, "x.zip", format="xml")) == (422, "bad_format")
    await me.wait_import((await me.start_import(body, "x.zip"))["id"])
    assert await code_of(me.start_import(body, "x.zip")) == (429, "imports_per_day")


async def test_the_importers_devices_hear_once_that_it_is_done(make_user: UserFactory) -> None:
    me = await make_user("importer")
    async with me.events() as stream:
        await ready(stream)
        started = await me.start_import(pack({"chats": [group_chat()]}), "x.zip")
        event = await stream.next_of("import.done")
    assert event["import"]["id"] == started["id"] and event["import"]["state"] == "done"
    assert event["import"]["counts"]["messages"] == 5


async def test_account_deletion_takes_its_imports_along(
    make_user: UserFactory, server: RunningServer
) -> None:
    me = await make_user("importer")
    before = await row_counts(server)
    await import_(me, pack({"chats": [direct_chat(), group_chat()]}, {"a.png": image("PNG")}))
    await me.delete_account("correct horse battery")
    after = await row_counts(server)
    for table in (
        "conversations",
        "messages",
        "placeholders",
        "imported_conversations",
        "imported_messages",
        "conversation_members",
        "reactions",
    ):
        assert after[table] == before[table], table


async def test_guanxi_import_brings_an_export_on_disk_into_an_account(
    make_user: UserFactory, settings: Settings, tmp_path: Path
) -> None:
    me = await make_user("importer")
    export = tmp_path / "export.zip"
    export.write_bytes(pack({"chats": [direct_chat(), group_chat()]}, {"a.png": image("PNG")}))
    done = await guanxi(settings, "import", "--user", "importer", str(export))
    assert done.exit_code == 0, done.output
    assert "12 messages" in done.stdout
    assert export.exists()  # the operator's file is left where it is
    assert len(await me.conversations()) == 2
    again = await guanxi(settings, "import", "--user", "importer", str(export))
    assert "0 messages" in again.stdout
    broken = tmp_path / "broken.zip"
    chat = group_chat()
    chat["key"] = "other"
    chat["entries"].append({"at": T0, "fail": True})
    broken.write_bytes(pack({"chats": [chat]}))
    failed = await guanxi(settings, "import", "--user", "importer", str(broken))
    assert failed.exit_code == 1
    assert "a broken record" in failed.output and "bundle.json 6" in failed.output
    assert len(await me.conversations()) == 2
    nobody = await guanxi(settings, "import", "--user", "nobody", str(export))
    assert nobody.exit_code == 2


@pytest.mark.parametrize("settings", [{"import_batch": 50}], indirect=True)
async def test_an_import_cut_short_by_a_stop_is_taken_out_at_the_next_start(
    settings: Settings, clock: Any
) -> None:
    first = RunningServer(settings, clock)
    await first.start()
    me = GuanxiClient(first.url)
    await me.register("importer", PASSWORD, "Importer")
    await import_(me, pack({"chats": [group_chat()]}))
    before = await row_counts(first)
    many = {**group_chat(), "key": "big"}
    many["entries"] = [text(n, "ann", f"line {n}") for n in range(1, 20_001)]
    started = await me.start_import(pack({"chats": [direct_chat(), many]}, {"a.png": image("PNG")}))
    while (job := await me.get_import(started["id"]))["progress"]["done"] < 500:
        assert job["state"] in ("queued", "running"), job
    await me.close()
    await first.stop()  # mid-import: its job is still running, its writes half done
    second = RunningServer(settings, clock)
    await second.start()
    try:
        async with GuanxiClient(second.url) as again:
            await again.login("importer", PASSWORD)
            job = await again.get_import(started["id"])
            assert job["state"] == "failed" and job["error"]["code"] == "interrupted"
            (group,) = await again.conversations()
            after = await row_counts(second)
            assert after.pop("sessions") == before.pop("sessions") + 1  # the login just now
            assert after == before
            # ids of the rows taken out are handed out again (SQLite): still found by search
            await again.send(group["id"], "after the stop")
            assert len((await again.search("after the stop"))["messages"]) == 1
            assert (await again.search("line 1"))["messages"] == []
    finally:
        await second.stop()


async def test_moments_come_in_for_the_importer_alone_with_likes_and_comments(
    make_user: UserFactory,
) -> None:
    me = await make_user("importer")
    friend = await make_user("friend")
    await befriend(me, friend)
    moment = {
        "key": "m1",
        "text": "spring",
        "at": T0,
        "media": [{"kind": "image", "path": "p.png", "name": "p.png"}],
        "people": people("Ann", "Bo"),
        "likes": [{"sender": "ann", "at": T0 + MINUTE}],
        "comments": [
            {"key": "c1", "sender": "bo", "text": "nice", "at": T0 + 2 * MINUTE},
            {"key": "c2", "sender": "ann", "text": "yes", "at": T0 + 3 * MINUTE, "reply_to": "c1"},
        ],
    }
    job = await import_(me, pack({"chats": [], "moments": [moment]}, {"p.png": image("PNG")}))
    assert job["counts"]["moments"] == 1 and job["counts"]["media"] == 1
    (mine,) = (await me.user_moments("importer"))["moments"]
    assert mine["text"] == "spring" and mine["created_at"].startswith("2020-")
    assert mine["audience"]["kind"] == "private"
    assert len(mine["media"]) == 1 and len(mine["likes"]) == 1
    assert [c["text"] for c in mine["comments"]] == ["nice", "yes"]
    assert (await friend.user_moments("importer"))["moments"] == []


async def test_a_new_entry_answering_one_imported_before_points_at_it(
    make_user: UserFactory,
) -> None:
    me = await make_user("importer")
    entries = [text(n, "ann" if n % 2 else "me", f"message {n}") for n in range(1, 21)]
    entries[14]["reply_to"] = "7"

    def export(part: list[dict[str, Any]]) -> bytes:
        chat = {"key": "k", "kind": "group", "title": "Two", "people": people("Me", "Ann")}
        return pack({"chats": [{**chat, "entries": part}]})

    await import_(me, export(entries[:10]))
    await import_(me, export(entries[5:]))
    (chat,) = await me.conversations()
    history = await everything(me, chat["id"])
    assert [m["seq"] for m in history] == list(range(1, 21))
    assert history[14]["reply_to"]["seq"] == 7
    assert history[14]["reply_to"]["text"] == "message 7"


async def test_nobody_real_is_added_to_an_imported_chat(make_user: UserFactory) -> None:
    me = await make_user("importer")
    friend = await make_user("friend")
    await befriend(me, friend)
    await import_(me, pack({"chats": [group_chat()]}))
    (group,) = await me.conversations()
    assert await code_of(me.add_members(group["id"], ["friend"])) == (403, "imported_chat")
    assert await friend.conversations() == []
