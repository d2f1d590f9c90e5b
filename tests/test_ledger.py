"""The ledger, `GET /api/v1/me/assets`, through the API on a real server.

The test keeps a book of what it did — every message with who holds it, every like and
comment — and the expected ledger is computed from that book, never written down by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from guanxi.client import GuanxiClient
from guanxi.conversations.models import MEDIA_KINDS, MESSAGE_KINDS
from guanxi.relationships.models import ROLES
from guanxi.web.schemas.ledger import LedgerOut
from tests.conftest import RunningServer, UserFactory, befriend, code_of
from tests.media_files import image, mp4, wav


@dataclass
class Sent:
    sender: str
    holders: frozenset[str]  # whose window of the conversation it lies in
    kind: str
    day: str
    direct: bool
    media: tuple[str, int] | None = None  # media kind, bytes
    recalled: bool = False


@dataclass
class Touch:
    what: str  # likes | comments
    actor: str
    author: str
    day: str


@dataclass
class Book:
    """What the test did, to compute what each ledger must say."""

    messages: list[Sent] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    moments: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # day, items, b

    async def send(
        self,
        client: GuanxiClient,
        chat: int,
        holders: Iterable[str],
        text: str,
        kind: str = "text",
        upload: dict[str, Any] | None = None,
        direct: bool = False,
    ) -> tuple[Sent, int]:
        assert client.user is not None
        media_id = None if upload is None else upload["id"]
        sent = await client.send(chat, text, kind=kind, media_id=media_id)
        record = Sent(
            sender=client.user["handle"],
            holders=frozenset(holders),
            kind=kind,
            day=sent["created_at"][:10],
            direct=direct,
            media=None if upload is None else (upload["kind"], upload["size"]),
        )
        self.messages.append(record)
        return record, int(sent["seq"])

    def history(self, me: str, peer: str | None = None) -> dict[str, Any]:
        """The ledger's history part for `me` in total (peer None) or shared with `peer`."""
        held = [
            m
            for m in self.messages
            if me in m.holders
            and not m.recalled
            and (peer is None or (m.direct and m.holders == {me, peer}))
        ]
        touches = [
            t
            for t in self.touches
            if (t.actor == me) != (t.author == me) and (peer is None or peer in (t.actor, t.author))
        ]
        days = [m.day for m in held] + [t.day for t in touches]
        if peer is None:
            days += [d for d, _, _ in self.moments.get(me, [])]
        return {
            "messages": {d: _messages(held, me, d) for d in ("sent", "received")},
            "media": {d: _media(held, me, d) for d in ("sent", "received")},
            "likes": _touches(touches, me, "likes"),
            "comments": _touches(touches, me, "comments"),
            "first_day": min(days, default=None),
            "last_day": max(days, default=None),
        }


def _direction(m: Sent, me: str) -> str:
    return "sent" if m.sender == me else "received"


def _messages(held: list[Sent], me: str, direction: str) -> dict[str, Any]:
    mine = [m for m in held if _direction(m, me) == direction]
    by_kind = {k: sum(1 for m in mine if m.kind == k) for k in MESSAGE_KINDS}
    return {"total": len(mine), "by_kind": by_kind}


def _media(held: list[Sent], me: str, direction: str) -> dict[str, Any]:
    media = [m.media for m in held if m.media is not None and _direction(m, me) == direction]
    by_kind = {
        k: {"items": len(sizes), "bytes": sum(sizes)}
        for k in MEDIA_KINDS
        for sizes in [[b for kind, b in media if kind == k]]
    }
    return {"items": len(media), "bytes": sum(b for _, b in media), "by_kind": by_kind}


def _touches(touches: list[Touch], me: str, what: str) -> dict[str, int]:
    of_kind = [t for t in touches if t.what == what]
    return {
        "given": sum(1 for t in of_kind if t.actor == me),
        "received": sum(1 for t in of_kind if t.author == me),
    }


def part(ledger_part: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: ledger_part[key] for key in expected}


@dataclass
class World:
    alice: GuanxiClient
    bob: GuanxiClient
    carol: GuanxiClient
    dave: GuanxiClient
    book: Book
    roles: dict[str, str]
    group: int


async def upload(client: GuanxiClient, content: bytes, name: str) -> dict[str, Any]:
    return await client.upload_media(content, name)


async def direct_chats(w: World) -> None:
    """alice ↔ bob with every kind (one recalled), alice ↔ carol a little."""
    alice, bob, carol, book = w.alice, w.bob, w.carol, w.book
    ab = int((await alice.open_direct("bob"))["id"])
    pair = ("alice", "bob")
    for text, kind in (("hi bob", "text"), ("😀", "emoji"), ("https://example.org", "link")):
        await book.send(alice, ab, pair, text, kind, direct=True)
    for kind, content, name in (
        ("image", image("PNG", (40, 30)), "dot.png"),
        ("voice", wav(0.5), "hello.wav"),
        ("video", mp4(), "clip.mp4"),
        ("file", b"%PDF-1.4\n% a small paper\n", "paper.pdf"),
    ):
        media = await upload(alice, content, name)
        assert media["kind"] == kind
        await book.send(alice, ab, pair, "", kind, media, direct=True)
    oops, seq = await book.send(alice, ab, pair, "oops, wrong chat", direct=True)
    await alice.recall(ab, seq)
    oops.recalled = True
    await book.send(bob, ab, pair, "hi alice", direct=True)
    photo = await upload(bob, image("JPEG", (64, 48)), "photo.jpg")
    await book.send(bob, ab, pair, "look", "image", photo, direct=True)
    ac = int((await carol.open_direct("alice"))["id"])
    await book.send(carol, ac, ("alice", "carol"), "coffee?", direct=True)
    await book.send(alice, ac, ("alice", "carol"), "yes", direct=True)


async def group_chat(w: World) -> None:
    """A group of four; dave leaves, and what comes after is not his."""
    book, g = w.book, w.group
    everyone = ("alice", "bob", "carol", "dave")
    await book.send(w.alice, g, everyone, "welcome all")
    snap = await upload(w.bob, image("PNG", (20, 20)), "snap.png")
    await book.send(w.bob, g, everyone, "", "image", snap)
    await book.send(w.dave, g, everyone, "bye soon")
    await w.dave.leave(g)
    rest = ("alice", "bob", "carol")
    await book.send(w.carol, g, rest, "after dave left")
    note = await upload(w.alice, wav(0.3), "note.wav")
    await book.send(w.alice, g, rest, "", "voice", note)


async def moments(w: World) -> None:
    """Moments with likes and comments both ways (and alice on her own: not counted)."""
    book, alice = w.book, w.alice
    pic = await upload(alice, image("PNG", (30, 30)), "sun.png")
    first = await alice.post_moment("sunny", [pic["id"]])
    second = await alice.post_moment("rainy")
    book.moments["alice"] = [
        (first["created_at"][:10], 1, pic["size"]),
        (second["created_at"][:10], 0, 0),
    ]
    bobs = await w.bob.post_moment("bob's day")
    carols = await w.carol.post_moment("carol's day")
    acts: list[tuple[GuanxiClient, str, int, str, str]] = [
        (w.bob, "likes", first["id"], "bob", "alice"),
        (w.bob, "likes", second["id"], "bob", "alice"),
        (w.carol, "comments", first["id"], "carol", "alice"),
        (w.dave, "likes", second["id"], "dave", "alice"),
        (alice, "likes", first["id"], "alice", "alice"),
        (alice, "comments", first["id"], "alice", "alice"),
        (alice, "likes", bobs["id"], "alice", "bob"),
        (alice, "comments", bobs["id"], "alice", "bob"),
        (alice, "comments", carols["id"], "alice", "carol"),
        (alice, "comments", carols["id"], "alice", "carol"),
    ]
    for client, what, moment, actor, author in acts:
        done = await (client.like(moment) if what == "likes" else client.comment(moment, "nice"))
        day = (done.get("created_at") or first["created_at"])[:10]
        book.touches.append(Touch(what, actor, author, day))


@pytest.fixture
async def world(make_user: UserFactory) -> World:
    alice, bob, carol, dave = [await make_user(h) for h in ("alice", "bob", "carol", "dave")]
    roles = {"bob": "family", "carol": "classmate", "dave": "colleague"}
    for friend, role in roles.items():
        await befriend(alice, {"bob": bob, "carol": carol, "dave": dave}[friend], role_a=role)
    group = int((await alice.create_group("Four of us", ["bob", "carol", "dave"]))["id"])
    w = World(alice, bob, carol, dave, Book(), roles, group)
    await direct_chats(w)
    await group_chat(w)
    await moments(w)
    return w


async def test_totals_are_what_the_user_holds(world: World) -> None:
    ledger = await world.alice.assets()
    assert LedgerOut.model_validate(ledger).model_dump() == ledger  # the OpenAPI shape, exactly
    totals = ledger["totals"]
    expected = world.book.history("alice")
    assert part(totals, expected) == expected
    pics = world.book.moments["alice"]
    assert totals["moments"] == {
        "count": len(pics),
        "items": sum(items for _, items, _ in pics),
        "bytes": sum(size for _, _, size in pics),
    }
    assert totals["conversations"] == {"direct": 2, "group": 1}
    by_role = {role: list(world.roles.values()).count(role) for role in ROLES}
    assert totals["friends"] == {"total": len(world.roles), "by_role": by_role}


async def test_per_friend_is_the_history_shared_with_them(world: World) -> None:
    ledger = await world.alice.assets()
    friends = {f["handle"]: f for f in ledger["by_friend"]}
    assert set(friends) == set(world.roles)
    for handle, role in world.roles.items():
        expected = world.book.history("alice", handle)
        assert part(friends[handle], expected) == expected, handle
        assert friends[handle]["role"] == role
        assert friends[handle]["display_name"] == handle.title()
    values = [f["value"] for f in ledger["by_friend"]]
    assert values == sorted(values, reverse=True)  # the highest asset value first


async def test_a_member_who_left_holds_only_their_window(world: World) -> None:
    ledger = await world.dave.assets()
    expected = world.book.history("dave")
    assert part(ledger["totals"], expected) == expected
    assert ledger["totals"]["conversations"] == {"direct": 0, "group": 1}


async def test_a_ledger_is_its_owners_alone(
    world: World, make_user: UserFactory, server: RunningServer
) -> None:
    erin = await make_user("erin")
    ledger = await erin.assets()
    assert ledger["by_friend"] == []
    assert ledger["totals"] == {**ledger["totals"], **Book().history("erin")}
    assert ledger["totals"]["moments"]["count"] == 0
    anonymous = GuanxiClient(server.url)
    try:
        assert (await code_of(anonymous.assets()))[0] == 401
    finally:
        await anonymous.close()


async def test_a_blocker_and_their_chat_are_left_out(world: World) -> None:
    await world.bob.block("alice")
    ledger = await world.alice.assets()
    assert "bob" not in {f["handle"] for f in ledger["by_friend"]}
    assert ledger["totals"]["conversations"]["direct"] == 1
    book = world.book
    book.messages = [m for m in book.messages if not (m.direct and "bob" in m.holders)]
    book.touches = [t for t in book.touches if "bob" not in (t.actor, t.author)]
    expected = book.history("alice")
    assert part(ledger["totals"], expected) == expected
    blocked = next(f for f in (await world.bob.assets())["by_friend"] if f["handle"] == "alice")
    assert blocked["insight"] is None and blocked["weight"] == 0.1  # insight leaves blocks out
    assert blocked["messages"]["received"]["total"] > 0  # bob still holds their chat


async def test_a_newcomer_holds_nothing_from_before_they_joined(make_user: UserFactory) -> None:
    alice, bob, carol = [await make_user(h) for h in ("alice", "bob", "carol")]
    await befriend(alice, bob)
    await befriend(alice, carol)
    book = Book()
    group = int((await alice.create_group("Later", ["bob"]))["id"])
    await book.send(alice, group, ("alice", "bob"), "before carol")
    await book.send(bob, group, ("alice", "bob"), "still before")
    await alice.add_members(group, ["carol"])
    await book.send(bob, group, ("alice", "bob", "carol"), "welcome carol")
    for client, handle in ((alice, "alice"), (carol, "carol")):
        expected = book.history(handle)
        assert part((await client.assets())["totals"], expected) == expected, handle
