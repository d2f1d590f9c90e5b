"""Export → import into a fresh server → export again gives the same content.

A community with every kind of content (tests/test_export.py: a direct chat with every message
kind, edits, a recall, reactions, read markers; a group, one left, one joined late; moments
under every audience with likes and comments) is exported by ana; the archive is imported
into a fresh server's ana; she exports again. The two archives are compared record by record,
ignoring what must change — ids, the export's own time, the handles of the others (they are
placeholders on the new server: mapped one to one), seqs (a conversation imported holds only
the user's window, numbered from 1: mapped), and the bytes of photos (the import cleans them
again as any upload, which re-encodes them) — and every other difference is printed.

What does not travel by design is listed in EXPECTED and reported apart: friends, blocks and
the user's likes and comments on others' moments (the importer's relationships are the new
server's), the profile (the importer's account is their own), moment audiences (they come in
private: the people and tags they named are another server's), and a left group's window
(the importer holds the history of their window; it comes in as a conversation of theirs)."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.settings import Settings
from tests import configured
from tests.conftest import PASSWORD, PG_URL, Copies, RunningServer, UserFactory
from tests.test_export import Archive, build_community, exported, unzip

clock = configured.clock

Record = dict[str, Any]
# Collections and fields that do not travel by design (see the module's docstring).
EXPECTED = {
    "friends": "the importer's friends are the new server's",
    "blocks": "the importer's blocks are the new server's",
    "interactions": "likes and comments on others' moments stay with those moments",
    "profile": "the importer's profile is their account's on the new server",
    "moments.audience": "imported moments are private",
    "conversations.window": "an imported conversation is the importer's whole",
    "conversations.members.left_at": "the importer is a member of what they imported",
    "conversations.members.joined_at": "members join an imported conversation when it lands",
}


@pytest.fixture
async def fresh(
    settings: Settings, template: str, copies: Copies | None, tmp_path: Any
) -> AsyncIterator[Settings]:
    """Settings of a second, empty community (its own data folder and database)."""
    data_dir = tmp_path / "fresh"
    data_dir.mkdir()
    if PG_URL is None:
        shutil.copy(template, data_dir / "guanxi.db")
        yield settings.model_copy(update={"data_dir": data_dir})
        return
    assert copies is not None
    name = copies.take()
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    yield settings.model_copy(update={"data_dir": data_dir, "database_url": url})
    copies.give_back(name)


async def test_export_import_export_gives_the_same_content(
    make_user: UserFactory, clock: FixedClock, fresh: Settings
) -> None:
    world = await build_community(make_user, clock)
    _, first_zip = await exported(world.ana)
    first = unzip(first_zip)
    second_server = RunningServer(fresh, clock)
    await second_server.start()
    try:
        async with GuanxiClient(second_server.url) as ana:
            await ana.register("ana", PASSWORD, "Ana")
            started = await ana.start_import(first_zip, "guanxi-ana.zip", format="guanxi")
            job = await ana.wait_import(started["id"])
            assert job["state"] == "done", job
            _, second_zip = await exported(ana)
    finally:
        await second_server.stop()
    second = unzip(second_zip)
    differences, expected = compare(first, second)
    for line in expected:
        print("expected:", line)
    assert not differences, "the archives differ:\n" + "\n".join(differences)


def test_the_comparison_finds_what_differs() -> None:
    """The comparison itself: an archive is the same as itself, and a changed text, a lost
    reaction or a moment too many are found."""
    from tests import guanxi_archive

    records = guanxi_archive.sample()
    same = _archive(records)
    assert compare(same, same)[0] == []
    records["messages.jsonl"][0]["text"] = "changed"
    records["messages.jsonl"][1]["reactions"] = []
    records["moments.jsonl"].append({**records["moments.jsonl"][0], "text": "one more"})
    differences = compare(same, _archive(records))[0]
    assert any(".text:" in d for d in differences), differences
    assert any(".reactions:" in d for d in differences), differences
    assert any(d.startswith("moments:") for d in differences), differences


def _archive(records: dict[str, Any]) -> Archive:
    from tests import guanxi_archive

    files = guanxi_archive.encode(records)
    manifest = json.dumps(guanxi_archive.manifest_of(files)).encode()
    return Archive(b"", {**files, "manifest.json": manifest})


# -- comparing ------------------------------------------------------------------------------


class Maps:
    """What must change, mapped from the first archive to the second as it is met: handles,
    conversation ids, seqs per conversation, media hashes. A mapping must stay one to one."""

    def __init__(self, me: str) -> None:
        self.maps: dict[str, dict[Any, Any]] = {"handle": {me: me}}
        self.problems: list[str] = []

    def same(self, kind: str, a: Any, b: Any, where: str) -> None:
        known = self.maps.setdefault(kind, {})
        if a in known:
            if known[a] != b:
                self.problems.append(f"{where}: {kind} {a!r} is {known[a]!r} before, {b!r} here")
            return
        if b in known.values():
            self.problems.append(f"{where}: two {kind}s become {b!r}")
        known[a] = b


def compare(first: Archive, second: Archive) -> tuple[list[str], list[str]]:
    me = first.json("manifest.json")["user"]["handle"]
    maps = Maps(me)
    differences: list[str] = []
    expected = [f"{name}: {why}" for name, why in EXPECTED.items() if "." not in name]
    _conversations(first, second, maps, differences, expected)
    _messages(first, second, maps, differences)
    _read_markers(first, second, maps, differences, expected)
    _moments(first, second, maps, differences, expected)
    _media(first, second, maps, differences)
    _people(first, second, maps, differences)
    return maps.problems + differences, expected


def _pairs(
    first: Archive, second: Archive, collection: str, differences: list[str]
) -> list[tuple[Record, Record]]:
    a, b = first.lines(collection), second.lines(collection)
    if len(a) != len(b):
        differences.append(f"{collection}: {len(a)} records, then {len(b)}")
    return list(zip(a, b, strict=False))


def _diff(where: str, a: Any, b: Any, differences: list[str]) -> None:
    if a != b:
        differences.append(f"{where}: {a!r} became {b!r}")


def _conversations(
    first: Archive, second: Archive, maps: Maps, differences: list[str], expected: list[str]
) -> None:
    ordered = sorted(first.lines("conversations"), key=lambda c: (c["kind"], c["name"]))
    again = sorted(second.lines("conversations"), key=lambda c: (c["kind"], c["name"]))
    if len(ordered) != len(again):
        differences.append(f"conversations: {len(ordered)} records, then {len(again)}")
    for a, b in zip(ordered, again, strict=False):
        where = f"conversation {a['name'] or a['id']!r}"
        maps.same("conversation", a["id"], b["id"], where)
        for key in ("kind", "name", "announcement", "created_at"):
            _diff(f"{where}.{key}", a[key], b[key], differences)
        if a["owner"] is not None and b["owner"] is not None:
            maps.same("handle", a["owner"], b["owner"], f"{where}.owner")
        members_a = sorted(a["members"], key=lambda m: m["handle"])
        members_b = {m["handle"]: m for m in b["members"]}
        if len(members_a) != len(members_b):
            differences.append(f"{where}.members: {len(members_a)}, then {len(members_b)}")
        if a["window"] != b["window"]:
            expected.append(f"{where}.window {a['window']} → {b['window']}")
        _member_roles(where, members_a, members_b, maps, differences)


def _member_roles(
    where: str,
    members_a: list[Record],
    members_b: dict[str, Record],
    maps: Maps,
    differences: list[str],
) -> None:
    mapped = maps.maps["handle"]
    for member in members_a:
        other = members_b.get(mapped.get(member["handle"], ""))
        if other is not None:
            _diff(
                f"{where}.members[{member['handle']}].role",
                member["role"],
                other["role"],
                differences,
            )


def _read_markers(
    first: Archive, second: Archive, maps: Maps, differences: list[str], expected: list[str]
) -> None:
    """Read markers the archive holds (the user's own, a direct peer's), through the seqs; a
    marker at the start of the user's window is at the start of theirs there too."""
    again = {c["id"]: c for c in second.lines("conversations")}
    placeholders = {p["handle"] for p in second.lines("people") if p["is_placeholder"]}
    for a in first.lines("conversations"):
        b = again.get(maps.maps.get("conversation", {}).get(a["id"]))
        if b is None:
            continue
        seqs = maps.maps.get(f"seq in {a['id']}", {})
        marks_b = {m["handle"]: m["last_read_seq"] for m in b["members"]}
        for member in a["members"]:
            mark, handle = member["last_read_seq"], maps.maps["handle"].get(member["handle"])
            if mark is None or handle is None:
                continue
            where = f"conversation {a['name'] or a['id']!r}.members[{member['handle']}]"
            if marks_b.get(handle) is None and handle in placeholders:
                expected.append(f"{where}.last_read_seq: a placeholder's is not exported")
                continue
            if mark <= a["window"]["after_seq"]:
                mark = b["window"]["after_seq"]
            else:
                mark = seqs.get(mark, mark)
            _diff(f"{where}.last_read_seq", mark, marks_b.get(handle), differences)


def _messages(first: Archive, second: Archive, maps: Maps, differences: list[str]) -> None:
    groups_a = _by_conversation(first.lines("messages"))
    groups_b = _by_conversation(second.lines("messages"))
    for conversation, messages_a in groups_a.items():
        mapped = maps.maps.get("conversation", {}).get(conversation)
        messages_b = groups_b.get(mapped, [])
        where = f"conversation {conversation}"
        if len(messages_a) != len(messages_b):
            differences.append(f"{where}: {len(messages_a)} messages, then {len(messages_b)}")
        for a, b in zip(messages_a, messages_b, strict=False):
            _message(f"{where} seq {a['seq']}", a, b, maps, differences)


def _by_conversation(records: list[Record]) -> dict[Any, list[Record]]:
    groups: dict[Any, list[Record]] = {}
    for record in records:
        groups.setdefault(record["conversation"], []).append(record)
    return groups


def _message(where: str, a: Record, b: Record, maps: Maps, differences: list[str]) -> None:
    conversation = a["conversation"]
    maps.same(f"seq in {conversation}", a["seq"], b["seq"], where)
    maps.same("handle", a["sender"], b["sender"], f"{where}.sender")
    for key in ("kind", "text", "created_at", "edited_at", "edit_count", "recalled_at"):
        _diff(f"{where}.{key}", a[key], b[key], differences)
    if (a["reply_to_seq"] is None) != (b["reply_to_seq"] is None):
        _diff(f"{where}.reply_to_seq", a["reply_to_seq"], b["reply_to_seq"], differences)
    elif a["reply_to_seq"] is not None:
        maps.same(f"seq in {conversation}", a["reply_to_seq"], b["reply_to_seq"], where)
    _handles(f"{where}.mentions", a["mentions"], b["mentions"], maps, differences)
    if (a["media"] is None) != (b["media"] is None):
        _diff(f"{where}.media", a["media"], b["media"], differences)
    elif a["media"] is not None:
        maps.same("media", a["media"], b["media"], f"{where}.media")
    reactions_a = [(r["emoji"], r["created_at"]) for r in a["reactions"]]
    reactions_b = [(r["emoji"], r["created_at"]) for r in b["reactions"]]
    _diff(f"{where}.reactions", reactions_a, reactions_b, differences)
    for ra, rb in zip(a["reactions"], b["reactions"], strict=False):
        maps.same("handle", ra["handle"], rb["handle"], f"{where}.reactions")


def _handles(where: str, a: list[str], b: list[str], maps: Maps, differences: list[str]) -> None:
    if len(a) != len(b):
        _diff(where, a, b, differences)
    for x, y in zip(a, b, strict=False):
        maps.same("handle", x, y, where)


def _media(first: Archive, second: Archive, maps: Maps, differences: list[str]) -> None:
    by_hash = {m["sha256"]: m for m in second.lines("media")}
    for a in first.lines("media"):
        mapped = maps.maps.get("media", {}).get(a["sha256"])
        b = by_hash.get(mapped) if mapped else None
        where = f"media {a['filename'] or a['sha256'][:12]}"
        if b is None:
            differences.append(f"{where}: not in the second archive")
            continue
        keys = ["kind", "mime", "width", "height", "duration_ms", "filename"]
        if a["kind"] != "image":  # photos are cleaned again, which re-encodes them
            keys += ["size"]
            _diff(f"{where}.sha256", a["sha256"], b["sha256"], differences)
        for key in keys:
            _diff(f"{where}.{key}", a[key], b[key], differences)
        _diff(
            f"{where} bytes",
            len(first.files[a["path"]]) > 0,
            len(second.files[b["path"]]) > 0,
            differences,
        )


def _moments(
    first: Archive, second: Archive, maps: Maps, differences: list[str], expected: list[str]
) -> None:
    key: Callable[[Record], Any] = lambda m: (m["created_at"], m["text"])  # noqa: E731
    for a, b in zip(
        sorted(first.lines("moments"), key=key),
        sorted(second.lines("moments"), key=key),
        strict=False,
    ):
        where = f"moment {a['text']!r}"
        for field in ("text", "place", "created_at"):
            _diff(f"{where}.{field}", a[field], b[field], differences)
        if a["audience"] != b["audience"]:
            expected.append(f"{where}.audience {a['audience']} → {b['audience']}")
        _diff(f"{where}.media count", len(a["media"]), len(b["media"]), differences)
        for x, y in zip(a["media"], b["media"], strict=False):
            maps.same("media", x, y, f"{where}.media")
        likes_a, likes_b = ([like["created_at"] for like in m["likes"]] for m in (a, b))
        _diff(f"{where}.likes", likes_a, likes_b, differences)
        for x, y in zip(a["likes"], b["likes"], strict=False):
            maps.same("handle", x["handle"], y["handle"], f"{where}.likes")
        comments_a = [(c["text"], c["created_at"], c["reply_to"] is None) for c in a["comments"]]
        comments_b = [(c["text"], c["created_at"], c["reply_to"] is None) for c in b["comments"]]
        _diff(f"{where}.comments", comments_a, comments_b, differences)
        for x, y in zip(a["comments"], b["comments"], strict=False):
            maps.same("handle", x["handle"], y["handle"], f"{where}.comments")
    count_a, count_b = len(first.lines("moments")), len(second.lines("moments"))
    if count_a != count_b:
        differences.append(f"moments: {count_a} records, then {count_b}")


def _people(first: Archive, second: Archive, maps: Maps, differences: list[str]) -> None:
    people_b = {p["handle"]: p for p in second.lines("people")}
    for handle, mapped in maps.maps["handle"].items():
        a = next((p for p in first.lines("people") if p["handle"] == handle), None)
        b = people_b.get(mapped)
        if a is None or b is None:
            differences.append(f"person {handle}: missing from an archive's people")
            continue
        _diff(f"person {handle}.display_name", a["display_name"], b["display_name"], differences)
