"""The ledger's asset value, `GET /api/v1/me/assets`: each person's units weighted by the
user's own tie strength (docs/api.md, "The ledger"), through the API on a real server.

Expected units are computed here from what the test did, by the documented formula; the
strength is the one the user's own insight page shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from guanxi.assets import formats
from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import bundle_format, configured
from tests.conftest import RunningServer, UserFactory, befriend, code_of
from tests.insight_state import caught_up, import_chat_with_mei
from tests.media_files import image
from tests.test_placeholders import make_placeholder

WEDNESDAY_NOON = 1_793_880_000_000  # 2026-11-04 12:00 UTC
HOUR = 3600.0
DAY = 24 * HOUR
YEAR_MS = 365.25 * 86_400_000
settings = configured.settings(session_idle_days=3650)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WEDNESDAY_NOON)


def units(messages: int, images: int, likes: int, comments: int, span_ms: int) -> float:
    """The documented formula: 1 a message, 4 an image, 0.5 a like, 1 a comment, 12 a year."""
    return messages + 4 * images + 0.5 * likes + comments + 12 * span_ms / YEAR_MS


def row(ledger: dict[str, Any], handle: str) -> dict[str, Any]:
    found = [f for f in ledger["by_friend"] if f["handle"] == handle]
    assert len(found) == 1, handle
    return found[0]


def check_formula(ledger: dict[str, Any]) -> None:
    """Every row's value is its units times its weight, the weight its own strength's."""
    for f in ledger["by_friend"]:
        strength = f["insight"]["strength"] if f["insight"] else 0.0
        assert f["weight"] == pytest.approx(0.1 + 0.9 * strength, abs=1e-6)
        assert f["value"] == pytest.approx(f["units"] * f["weight"], abs=0.01)


async def strength_of(client: GuanxiClient, handle: str) -> float:
    contacts = (await client.insight_contacts(limit=100))["contacts"]
    return float(next(c["strength"] for c in contacts if c["handle"] == handle))


async def photo(client: GuanxiClient, chat: int) -> dict[str, Any]:
    media = await client.upload_media(image("PNG", (32, 24)), "photo.png")
    return await client.send(chat, "", kind="image", media_id=media["id"])


async def weeks_of_talk(
    clock: FixedClock, ann: GuanxiClient, bob: GuanxiClient, cyd: GuanxiClient
) -> dict[str, list[dict[str, Any]]]:
    """Three weeks in which ann sends bob and cyd a photo each: bob answers within the hour,
    cyd two days later (no feedback within 24 h). The same counts both ways for both."""
    chats = {
        "bob": int((await ann.open_direct("bob"))["id"]),
        "cyd": int((await ann.open_direct("cyd"))["id"]),
    }
    sent: dict[str, list[dict[str, Any]]] = {"bob": [], "cyd": []}
    for _ in range(3):
        for handle in ("bob", "cyd"):
            sent[handle].append(await photo(ann, chats[handle]))
        clock.advance(HOUR)
        await bob.send(chats["bob"], "lovely!")
        clock.advance(2 * DAY - HOUR)
        await cyd.send(chats["cyd"], "lovely!")
        clock.advance(5 * DAY)
    return sent


@dataclass
class Three:
    """ann, her family bob and her acquaintance cyd after three weeks of photos; the photos."""

    ann: GuanxiClient
    bob: GuanxiClient
    cyd: GuanxiClient
    sent: dict[str, list[dict[str, Any]]]


@pytest.fixture
async def three(server: RunningServer, make_user: UserFactory, clock: FixedClock) -> Three:
    ann, bob, cyd = [await make_user(h) for h in ("ann", "bob", "cyd")]
    await befriend(ann, bob, "family", "family")
    await befriend(ann, cyd, "acquaintance", "acquaintance")
    sent = await weeks_of_talk(clock, ann, bob, cyd)
    await caught_up(server)
    return Three(ann, bob, cyd, sent)


@pytest.fixture
def tests_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """The neutral test format imports may use (tests/bundle_format.py)."""
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)


async def test_a_close_ties_photos_outweigh_a_weak_ties_chat(three: Three) -> None:
    ann = three.ann
    ledger = await ann.assets()
    bobs, cyds = row(ledger, "bob"), row(ledger, "cyd")
    two_weeks = 14 * 86_400_000
    assert bobs["units"] == pytest.approx(units(6, 3, 0, 0, two_weeks + 3_600_000), abs=0.01)
    assert cyds["units"] == pytest.approx(units(6, 3, 0, 0, two_weeks + 2 * 86_400_000), abs=0.01)
    assert bobs["insight"]["strength"] == await strength_of(ann, "bob")
    assert cyds["insight"]["strength"] == await strength_of(ann, "cyd")
    assert bobs["insight"]["strength"] > cyds["insight"]["strength"]
    assert bobs["value"] > cyds["value"]  # fewer units (a shorter span), worth more
    assert [f["handle"] for f in ledger["by_friend"]] == ["bob", "cyd"]
    check_formula(ledger)
    assert ledger["totals"]["value"] == {
        "value": pytest.approx(bobs["value"] + cyds["value"], abs=0.01),
        "units": pytest.approx(bobs["units"] + cyds["units"], abs=0.01),
        "people": 2,
    }


async def test_the_value_follows_the_strength_when_insight_recounts(
    server: RunningServer, three: Three
) -> None:
    ann, cyd, sent = three.ann, three.cyd, three.sent
    chat = int((await ann.open_direct("cyd"))["id"])
    for message in sent["cyd"]:  # cyd's reactions: feedback insight counts, the ledger does not
        await cyd.react(chat, message["seq"], "❤️")
    await caught_up(server)
    before = row(await ann.assets(), "cyd")
    for message in sent["cyd"]:
        await cyd.unreact(chat, message["seq"], "❤️")  # a take-back: insight recounts the pair
    await caught_up(server)
    after = row(await ann.assets(), "cyd")
    assert after["units"] == before["units"]  # what ann holds is the same
    assert after["insight"]["strength"] < before["insight"]["strength"]
    assert after["insight"]["strength"] == await strength_of(ann, "cyd")
    assert after["value"] < before["value"]


async def test_each_side_sees_only_its_own_view_of_the_tie(three: Three) -> None:
    ann, bob, cyd = three.ann, three.bob, three.cyd
    anns_view = await strength_of(ann, "bob")
    bobs_view = await strength_of(bob, "ann")
    assert anns_view != bobs_view  # ann weighs bob against cyd; bob has ann alone
    bobs_ledger = await bob.assets()
    (only,) = bobs_ledger["by_friend"]
    assert only["handle"] == "ann" and only["insight"]["strength"] == bobs_view
    assert str(anns_view) not in json.dumps(bobs_ledger)
    assert row(await ann.assets(), "bob")["insight"]["strength"] == anns_view
    assert str(bobs_view) not in json.dumps(await ann.assets())
    assert [f["handle"] for f in (await cyd.assets())["by_friend"]] == ["ann"]


async def test_recalled_and_deleted_things_are_not_valued(
    server: RunningServer, three: Three
) -> None:
    ann, bob = three.ann, three.bob
    pairs = ((ann, "bob"), (bob, "ann"))
    base = {client: row(await client.assets(), handle) for client, handle in pairs}
    chat = int((await ann.open_direct("bob"))["id"])
    extra = await photo(ann, chat)
    moment = await ann.post_moment("a walk")
    await bob.like(moment["id"])
    await bob.comment(moment["id"], "nice")
    await caught_up(server)
    grown = row(await ann.assets(), "bob")
    assert grown["units"] >= base[ann]["units"] + 1 + 4 + 0.5 + 1
    assert grown["likes"]["received"] == 1
    await ann.recall(chat, extra["seq"])
    await ann.delete_moment(moment["id"])  # its like and comment go with it
    await caught_up(server)
    for client, handle in pairs:
        ledger = await client.assets()
        after = row(ledger, handle)
        assert after["units"] == base[client]["units"]
        assert {k: after[k] for k in ("messages", "media", "likes", "comments")} == {
            k: base[client][k] for k in ("messages", "media", "likes", "comments")
        }
        check_formula(ledger)


@pytest.mark.usefixtures("tests_format")
async def test_imported_people_are_valued_and_move_with_a_link(
    server: RunningServer, three: Three
) -> None:
    ann = three.ann
    await import_chat_with_mei(ann, 6)
    await caught_up(server)
    ledger = await ann.assets()
    (mei,) = [f for f in ledger["by_friend"] if f["placeholder_id"] is not None]
    assert mei["display_name"] == "Mei" and mei["role"] is None and mei["friend"] is False
    assert mei["units"] == pytest.approx(units(6, 0, 0, 0, 5 * 3_600_000), abs=0.01)
    assert mei["insight"]["strength"] == await strength_of(ann, mei["handle"])
    (placeholder,) = await ann.placeholders()
    assert placeholder["id"] == mei["placeholder_id"]
    cyd_before = row(ledger, "cyd")
    await ann.link_placeholder(placeholder["id"], "cyd")
    await caught_up(server)
    ledger = await ann.assets()
    assert [f for f in ledger["by_friend"] if f["placeholder_id"] is not None] == []
    cyds = row(ledger, "cyd")
    assert cyds["linked_placeholders"] == 1
    assert cyds["messages"]["received"]["total"] == cyd_before["messages"]["received"]["total"] + 3
    assert cyds["first_day"] == "2020-09-13"  # the imported years count as shared history
    assert cyds["units"] > cyd_before["units"] + 12 * 6
    check_formula(ledger)


async def test_everyone_is_listed_once_in_pages_by_value(
    server: RunningServer, make_user: UserFactory, three: Three
) -> None:
    ann = three.ann
    dee = await make_user("dee")
    await befriend(ann, dee)  # a friend with nothing shared yet: valued 0
    await caught_up(server)
    whole = await ann.assets(limit=100)
    assert whole["next_cursor"] is None
    assert [f["handle"] for f in whole["by_friend"]] == ["bob", "cyd", "dee"]
    assert row(whole, "dee")["value"] == 0 and row(whole, "dee")["insight"]["strength"] == 0
    seen, cursor = [], None
    while True:
        page = await ann.assets(cursor=cursor, limit=1)
        assert page["totals"] == whole["totals"]
        seen += page["by_friend"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole["by_friend"]
    assert whole["totals"]["value"]["people"] == 3
    for bad in ({"cursor": "nonsense"}, {"limit": 0}, {"limit": 101}):
        assert (await code_of(ann.assets(**bad)))[0] in (400, 422)


async def test_a_linked_friend_who_blocks_is_no_longer_named(
    server: RunningServer, make_user: UserFactory
) -> None:
    alice, bob = await make_user("alice"), await make_user("bob")
    await befriend(alice, bob)
    grandpa = await make_placeholder(server, alice, "Grandpa", mine=2, theirs=3)
    await alice.link_placeholder(grandpa, "bob")
    assert [f["handle"] for f in (await alice.assets())["by_friend"]] == ["bob"]
    await bob.block("alice")
    ledger = await alice.assets()
    assert ledger["by_friend"] == [] and ledger["totals"]["value"]["people"] == 0
    assert "bob" not in json.dumps(ledger)
    assert ledger["totals"]["messages"]["received"]["total"] == 3  # her imported history stays
