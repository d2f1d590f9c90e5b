"""Exports through the public API on a real server: a community with every kind of content,
exported, downloaded (whole and by ranges), unzipped and checked — every record against its
schema, every hash in the manifest, what must be there and what must not (recalled text, the
text before an edit, a group's history outside the user's window, a blocker's chat)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from guanxi.assets.export_format import COLLECTIONS, load_schema, path_of
from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.settings import Settings
from tests import configured, media_files
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, code_of

clock = configured.clock

# Words that must not travel: each is written somewhere the user may not (or no longer) see.
RECALLED = "recalled-gingko-7731"
BEFORE_EDIT = "before-edit-lotus-4410"
AFTER_LEAVING = "after-leaving-peony-2093"
EDITED_AFTER_LEAVING = "edited-after-leaving-plum-5518"
BEFORE_JOINING = "before-joining-bamboo-8124"
BLOCKER_CHAT = "blocker-chat-orchid-3307"
ON_HIDDEN_MOMENT = "on-hidden-moment-camellia-6642"
PHOTO_NAME = "IMG_20240501_Hangzhou-gps.png"  # someone else's photo's name: not shown to ana
NEVER = (
    PHOTO_NAME,
    RECALLED,
    BEFORE_EDIT,
    AFTER_LEAVING,
    EDITED_AFTER_LEAVING,
    BEFORE_JOINING,
    BLOCKER_CHAT,
    ON_HIDDEN_MOMENT,
)


@dataclass
class Community:
    """Who is who, and what ana (the exporting user) should find in her archive."""

    ana: GuanxiClient
    bo: GuanxiClient
    cai: GuanxiClient
    direct: int = 0
    hike: int = 0  # ana's group, she is still in it
    old: int = 0  # bo's group, ana left it
    late: int = 0  # bo's group, ana joined after it began
    left_seq: int = 0  # ana's last seq in `old`
    joined_seq: int = 0  # the seq before ana joined `late`
    media: dict[str, bytes] = field(default_factory=dict)  # kind → bytes as served
    moments: dict[str, int] = field(default_factory=dict)  # audience → ana's moment id


async def build_community(make_user: UserFactory, clock: FixedClock) -> Community:
    """ana, with friends bo (family) and cai (classmate), a blocked eve, and dan who blocked
    her; a direct chat with every message kind, three groups (one she left, one she joined
    late), moments under each audience with likes and comments, her own likes and comments."""
    ana, bo, cai, dan, eve = [await make_user(h) for h in ("ana", "bob", "cai", "dan", "eve")]
    for other in (bo, cai, dan):
        await befriend(ana, other)
        clock.advance(1)
    await befriend(bo, cai)
    await ana.update_friend("bob", role="family", remark="Big Bo", tags=["hiking", "kin"])
    await ana.update_friend("cai", tags=["school"])
    await ana.block("eve")
    assert eve.user is not None
    world = Community(ana=ana, bo=bo, cai=cai)
    await _direct_chat(world, clock)
    await _groups(world, clock)
    await _moments(world, clock)
    await _blocker(world, ana, dan, clock)
    return world


async def _direct_chat(world: Community, clock: FixedClock) -> None:
    ana, bo = world.ana, world.bo
    chat = await ana.open_direct("bob")
    world.direct = chat["id"]
    first = await ana.send(world.direct, "你好 Bo")
    await bo.send(world.direct, "🙂", kind="emoji")
    await bo.send(world.direct, "https://example.org", kind="link", reply_to=first["seq"])
    uploads = {
        "image": (media_files.image("JPEG", (80, 60)), "photo.jpg"),
        "voice": (media_files.wav(), "voice.wav"),
        "video": (media_files.mp4(), "clip.mp4"),
        "file": (b"%PDF-1.4\nnot much of a document\n%%EOF\n", "notes.pdf"),
    }
    for kind, (data, name) in uploads.items():
        item = await ana.upload_media(data, name)
        world.media[kind] = await ana.download_bytes(item["id"])
        await ana.send(world.direct, f"a {kind}", kind=kind, media_id=item["id"])
        clock.advance(1)
    again = await ana.upload_media(uploads["image"][0], "same.jpg")  # the same bytes again
    await ana.send(world.direct, "", kind="image", media_id=again["id"])
    theirs = await bo.upload_media(media_files.image("PNG", (40, 40)), PHOTO_NAME)
    world.media["theirs"] = await bo.download_bytes(theirs["id"])
    await bo.send(world.direct, "from bob", kind="image", media_id=theirs["id"])
    edited = await ana.send(world.direct, BEFORE_EDIT)
    await ana.edit(world.direct, edited["seq"], "after the edit")
    recalled = await ana.send(world.direct, RECALLED)
    await bo.react(world.direct, recalled["seq"], "👍")
    await ana.recall(world.direct, recalled["seq"])
    await bo.react(world.direct, first["seq"], "❤️")
    await ana.mark_read(world.direct, recalled["seq"])
    await bo.mark_read(world.direct, edited["seq"])


async def _groups(world: Community, clock: FixedClock) -> None:
    ana, bo, cai = world.ana, world.bo, world.cai
    hike = await ana.create_group("Hike", ["bob", "cai"])
    world.hike = hike["id"]
    await ana.send(world.hike, "Saturday? @bob @cai")
    await cai.send(world.hike, "yes")
    old = await bo.create_group("Old friends", ["ana", "cai"])
    world.old = old["id"]
    await bo.send(world.old, "welcome")
    early = await cai.send(world.old, "to be edited later")
    world.left_seq = (await ana.send(world.old, "bye all"))["seq"]
    clock.advance(1)
    await ana.leave(world.old)
    clock.advance(1)
    await bo.send(world.old, AFTER_LEAVING)
    await cai.edit(world.old, early["seq"], EDITED_AFTER_LEAVING)
    await bo.react(world.old, world.left_seq, "😢")
    late = await bo.create_group("Late", ["cai"])
    world.late = late["id"]
    world.joined_seq = (await cai.send(world.late, BEFORE_JOINING))["seq"]
    await bo.add_members(world.late, ["ana"])
    await bo.send(world.late, "hi ana")


async def _moments(world: Community, clock: FixedClock) -> None:
    ana, bo, cai = world.ana, world.bo, world.cai
    photo = await ana.upload_media(media_files.image("PNG", (30, 20)), "moment.png")
    world.media["moment"] = await ana.download_bytes(photo["id"])
    for audience, tags in (("all", []), ("only", ["hiking"]), ("except", ["school"])):
        posted = await ana.post_moment(f"moment {audience}", audience=audience, tags=tags)
        world.moments[audience] = posted["id"]
        clock.advance(1)
    private = await ana.post_moment("just me", [photo["id"]], place="Home", audience="private")
    world.moments["private"] = private["id"]
    await bo.like(world.moments["all"])
    said = await cai.comment(world.moments["all"], "nice")
    await bo.comment(world.moments["all"], "indeed", reply_to=said["id"])
    theirs = await bo.post_moment("bo's summit")
    await ana.like(theirs["id"])
    await ana.comment(theirs["id"], "well done")


async def _blocker(
    world: Community, ana: GuanxiClient, dan: GuanxiClient, clock: FixedClock
) -> None:
    """dan chats with ana and posts a moment she comments on, then blocks her: the chat and
    her comment are no longer hers to see."""
    chat = await dan.open_direct("ana")
    await dan.send(chat["id"], BLOCKER_CHAT)
    posted = await dan.post_moment("dan's moment")
    await ana.comment(posted["id"], ON_HIDDEN_MOMENT)
    clock.advance(1)
    await dan.block("ana")


# -- exporting and reading ------------------------------------------------------------------


async def finished(client: GuanxiClient, export_id: int) -> dict[str, Any]:
    for _ in range(600):
        export = await client.export(export_id)
        if export["state"] in ("done", "failed"):
            return export
        await asyncio.sleep(0.05)
    raise AssertionError("the export did not finish")


async def exported(client: GuanxiClient) -> tuple[dict[str, Any], bytes]:
    started = await client.start_export()
    assert started["state"] == "queued"
    export = await finished(client, started["id"])
    assert export["state"] == "done", export
    response = await client.download_export(started["id"])
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert export["size"] == len(response.content)
    return export, response.content


@dataclass
class Archive:
    zip: bytes
    files: dict[str, bytes]

    def lines(self, collection: str) -> list[dict[str, Any]]:
        text = self.files[path_of(collection)].decode("utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])


def unzip(data: bytes) -> Archive:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "manifest.json"
        assert archive.testzip() is None
        return Archive(data, {name: archive.read(name) for name in archive.namelist()})


def check_manifest_and_schemas(archive: Archive) -> dict[str, Any]:
    manifest = archive.json("manifest.json")
    jsonschema.validate(manifest, load_schema("manifest"))
    listed = manifest["files"]
    assert set(listed) == set(archive.files) - {"manifest.json"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.files[name]).hexdigest() == digest, name
    jsonschema.validate(archive.json("profile.json"), load_schema("profile"))
    for collection, schema in COLLECTIONS.items():
        if collection != "profile":
            validator = jsonschema.Draft202012Validator(load_schema(schema))
            for record in archive.lines(collection):
                validator.validate(record)
    for name, key in (
        ("conversations", "conversations"),
        ("messages", "messages"),
        ("media", "media"),
        ("moments", "moments"),
        ("friends", "friends"),
        ("people", "people"),
    ):
        assert manifest["counts"][key] == len(archive.lines(name)), name
    return dict(manifest)


def by_conversation(archive: Archive) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for message in archive.lines("messages"):
        found.setdefault(message["conversation"], []).append(message)
    return found


# -- the tests ------------------------------------------------------------------------------


async def test_an_export_holds_everything_of_the_users_and_nothing_more(
    make_user: UserFactory, clock: FixedClock
) -> None:
    world = await build_community(make_user, clock)
    export, data = await exported(world.ana)
    archive = unzip(data)
    manifest = check_manifest_and_schemas(archive)
    assert manifest["format"] == "guanxi-archive" and manifest["version"] == 1
    assert manifest["user"] == {"handle": "ana", "display_name": "Ana"}
    assert export["progress"]["done"] == export["progress"]["total"] > 0
    if importlib.util.find_spec("guanxi.assets.viewer_pack") is not None:
        assert "index.html" in archive.files and "viewer/data/index.js" in archive.files
    for word in NEVER:
        assert word.encode() not in data, word
        for name, body in archive.files.items():
            assert word.encode() not in body, (word, name)
    check_conversations(world, archive)
    check_messages(world, archive)
    check_media(world, archive)
    check_relationships(archive)
    check_moments(world, archive)


def check_conversations(world: Community, archive: Archive) -> None:
    conversations = {c["id"]: c for c in archive.lines("conversations")}
    assert list(conversations) == sorted([world.direct, world.hike, world.old, world.late])
    old = conversations[world.old]
    assert old["window"] == {"after_seq": 0, "through_seq": world.left_seq}
    mine = next(m for m in old["members"] if m["handle"] == "ana")
    assert mine["left_at"] is not None
    assert {m["handle"] for m in old["members"]} == {"ana", "bob", "cai"}
    late = conversations[world.late]
    assert late["window"]["after_seq"] == world.joined_seq
    assert late["window"]["through_seq"] is None  # still a member
    direct = conversations[world.direct]
    assert direct["kind"] == "direct" and direct["owner"] is None
    readers = {m["handle"]: m["last_read_seq"] for m in direct["members"]}
    assert readers["ana"] > 0 and readers["bob"] is not None  # a direct peer's receipt
    hike = conversations[world.hike]
    assert hike["owner"] == "ana"
    assert {m["handle"]: m["last_read_seq"] for m in hike["members"]}["bob"] is None


def check_messages(world: Community, archive: Archive) -> None:
    chats = by_conversation(archive)
    assert list(chats) == sorted(chats)
    for messages in chats.values():
        seqs = [m["seq"] for m in messages]
        assert seqs == sorted(seqs)
    direct = chats[world.direct]
    kinds = [m["kind"] for m in direct]
    assert {"text", "emoji", "link", "image", "voice", "video", "file"} <= set(kinds)
    assert direct[0]["text"] == "你好 Bo"
    assert [r["emoji"] for r in direct[0]["reactions"]] == ["❤️"]
    assert direct[2]["reply_to_seq"] == direct[0]["seq"]
    edited = next(m for m in direct if m["edit_count"])
    assert edited["text"] == "after the edit" and edited["edited_at"] is not None
    tombstone = next(m for m in direct if m["recalled_at"] is not None)
    assert tombstone["text"] == "" and tombstone["media"] is None
    assert tombstone["reactions"] == []
    mention = next(m for m in chats[world.hike] if m["kind"] != "system")  # after its lines
    assert mention["mentions"] == ["bob", "cai"]
    old = chats[world.old]
    assert [m["seq"] for m in old] == list(range(1, world.left_seq + 1))
    old_said = [m for m in old if m["kind"] != "system"]
    assert old_said[1]["text"] == "" and old_said[1]["edit_count"] == 1  # edited after she left
    assert old[-1]["reactions"] == []  # the reaction came after she left
    # a late joiner's export starts at her joining: the line that added her, then what followed
    assert [m["text"] for m in chats[world.late]] == ["bob added ana", "hi ana"]


def check_media(world: Community, archive: Archive) -> None:
    media = {m["sha256"]: m for m in archive.lines("media")}
    assert len(media) == len(archive.lines("media"))
    for sha, item in media.items():
        body = archive.files[item["path"]]
        assert hashlib.sha256(body).hexdigest() == sha and len(body) == item["size"]
    served = {hashlib.sha256(body).hexdigest(): kind for kind, body in world.media.items()}
    assert set(served) == set(media)
    assert {media[sha]["kind"] for sha in media} == {"image", "voice", "video", "file"}
    used = [m["media"] for m in archive.lines("messages") if m["media"]]
    assert len(used) == 6 and len(set(used)) == 5  # the photo sent twice is stored once
    assert set(used) <= set(media)
    names = {served[sha]: item["filename"] for sha, item in media.items()}
    assert names["file"] == "notes.pdf" and names["image"] == "photo.jpg"  # her own
    assert names["theirs"] == ""


def check_relationships(archive: Archive) -> None:
    friends = {f["handle"]: f for f in archive.lines("friends")}
    assert set(friends) == {"bob", "cai"}  # dan blocked ana: no longer a friend
    assert friends["bob"]["role"] == "family" and friends["bob"]["remark"] == "Big Bo"
    assert friends["bob"]["tags"] == ["hiking", "kin"]
    assert [b["handle"] for b in archive.lines("blocks")] == ["eve"]
    people = {p["handle"]: p for p in archive.lines("people")}
    assert list(people) == sorted(people)
    assert {"ana", "bob", "cai", "eve"} <= set(people)
    assert "dan" not in people  # nothing she may see names him
    assert people["bob"]["display_name"] == "Bob"
    profile = archive.json("profile.json")
    assert profile["handle"] == "ana" and profile["moments_visible"] == "all"


def check_moments(world: Community, archive: Archive) -> None:
    moments = {m["id"]: m for m in archive.lines("moments")}
    assert list(moments) == [world.moments[a] for a in ("all", "only", "except", "private")]
    first = moments[world.moments["all"]]
    assert [like["handle"] for like in first["likes"]] == ["bob"]
    comments = first["comments"]
    assert [c["handle"] for c in comments] == ["cai", "bob"]
    assert comments[1]["reply_to"] == comments[0]["id"]
    assert moments[world.moments["only"]]["audience"] == {"kind": "only", "tags": ["hiking"]}
    private = moments[world.moments["private"]]
    assert private["place"] == "Home" and len(private["media"]) == 1
    assert private["media"][0] == hashlib.sha256(world.media["moment"]).hexdigest()
    interactions = archive.lines("interactions")
    assert [(i["kind"], i["moment"]["author"], i["text"]) for i in interactions] == [
        ("like", "bob", ""),
        ("comment", "bob", "well done"),
    ]


async def test_the_archive_downloads_by_ranges(make_user: UserFactory) -> None:
    ana = await make_user("ana")
    export, whole = await exported(ana)
    size = len(whole)
    first = await ana.download_export(export["id"], {"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    rest = await ana.download_export(export["id"], {"Range": "bytes=100-"})
    assert first.content + rest.content == whole
    tail = await ana.download_export(export["id"], {"Range": "bytes=-10"})
    assert tail.content == whole[-10:]
    past = await code_of(ana.download_export(export["id"], {"Range": f"bytes={size}-"}))
    assert past == (416, "range_not_satisfiable")
    etag = first.headers["etag"]
    same = await ana.download_export(export["id"], {"If-None-Match": etag})
    assert same.status_code == 304


async def test_another_user_can_neither_see_nor_download_an_export(
    make_user: UserFactory, server: RunningServer
) -> None:
    ana, bo = await make_user("ana"), await make_user("bob")
    export, _ = await exported(ana)
    assert await code_of(bo.export(export["id"])) == (404, "not_found")
    assert await code_of(bo.download_export(export["id"])) == (404, "not_found")
    assert await code_of(bo.export(export["id"] + 1000)) == (404, "not_found")
    anonymous = GuanxiClient(server.url)
    try:
        assert (await code_of(anonymous.start_export()))[0] == 401
    finally:
        await anonymous.close()


@configured.configured(exports_per_day=2)
async def test_exports_are_limited_one_at_a_time_and_per_day(
    make_user: UserFactory, server: RunningServer
) -> None:
    """With the runner held (the server busy with other exports), an export stays queued:
    its archive is not there yet, and a second one is refused until it is done."""
    ana = await make_user("ana")
    runner = server.services.exports.runner
    await runner.stop()
    first = await ana.start_export()
    assert (await ana.export(first["id"]))["state"] == "queued"
    assert await code_of(ana.download_export(first["id"])) == (404, "archive_not_ready")
    assert await code_of(ana.start_export()) == (429, "export_running")
    await runner.start()
    assert (await finished(ana, first["id"]))["state"] == "done"
    second = await ana.start_export()
    await finished(ana, second["id"])
    assert await code_of(ana.start_export()) == (429, "exports_per_day")


async def test_an_account_deleted_while_its_export_waits_leaves_no_trace(
    make_user: UserFactory, server: RunningServer, settings: Settings
) -> None:
    """The deletion takes the queued export with it; the runner goes on with the next."""
    ana, bob = await make_user("ana"), await make_user("bob")
    runner = server.services.exports.runner
    await runner.stop()
    await ana.start_export()
    theirs = await bob.start_export()
    await ana.delete_account(PASSWORD)
    await runner.start()
    assert (await finished(bob, theirs["id"]))["state"] == "done"
    folder = settings.data_dir / "exports"
    assert names_in(folder) == [f"{theirs['id']}.zip"]


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@configured.configured(export_retention_hours=1, export_sweep_interval_seconds=0.05)
async def test_an_archive_expires_after_the_retention(
    make_user: UserFactory, clock: FixedClock, settings: Settings
) -> None:
    ana = await make_user("ana")
    export, _ = await exported(ana)
    archive = settings.data_dir / "exports" / f"{export['id']}.zip"
    assert archive.is_file()
    clock.advance(3599)
    assert (await ana.export(export["id"]))["state"] == "done"
    clock.advance(2)
    assert await code_of(ana.download_export(export["id"])) == (404, "not_found")
    for _ in range(200):
        if not archive.exists():
            break
        await asyncio.sleep(0.05)
    assert not archive.exists()
    assert await code_of(ana.export(export["id"])) == (404, "not_found")


async def test_a_failed_export_leaves_nothing_and_has_no_archive(
    make_user: UserFactory, settings: Settings
) -> None:
    """The staging folder cannot be made (a file is in its way): the export fails, its
    partial files are gone, and its archive answers 404 archive_not_ready."""
    ana = await make_user("ana")
    done, _ = await exported(ana)
    folder = settings.data_dir / "exports"
    blocker = folder / f"{done['id'] + 1}.staging"
    blocker.write_bytes(b"in the way")
    started = await ana.start_export()
    assert started["id"] == done["id"] + 1
    failed = await finished(ana, started["id"])
    assert failed["state"] == "failed" and failed["error"]["code"] == "internal"
    assert await code_of(ana.download_export(started["id"])) == (404, "archive_not_ready")
    blocker.unlink()
    assert names_in(folder) == [f"{done['id']}.zip"]


async def test_deleting_the_account_deletes_its_exports(
    make_user: UserFactory, settings: Settings
) -> None:
    ana = await make_user("ana")
    await exported(ana)
    folder = settings.data_dir / "exports"
    assert list(folder.iterdir())
    await ana.delete_account(PASSWORD)
    assert list(folder.iterdir()) == []


def test_schemas_ship_with_the_package() -> None:
    import guanxi.assets

    folder = Path(guanxi.assets.__file__).parent / "schemas"
    assert {p.stem for p in folder.glob("*.json")} >= set(COLLECTIONS.values())


def test_load_schema_refuses_unknown_names() -> None:
    with pytest.raises(KeyError):
        load_schema("../message")
