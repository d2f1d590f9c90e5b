"""`GET /api/v1/me/insight…`: stages, strength, circles, fading, stability, paging, and that
each user sees their own insight only."""

from __future__ import annotations

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import RunningServer, UserFactory, befriend, code_of, status_of

WEDNESDAY_NOON = 1_793_880_000_000  # 2026-11-04 12:00 UTC: a week's middle, so windows align
HOUR = 3600.0
DAY = 24 * HOUR
settings = configured.settings(session_idle_days=3650)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WEDNESDAY_NOON)


async def talk(clock: FixedClock, a: GuanxiClient, b: GuanxiClient, chat: int) -> None:
    """a writes, b answers an hour later: one interaction."""
    await a.send(chat, "how are you?")
    clock.advance(HOUR)
    await b.send(chat, "well, thanks")


async def followed(server: RunningServer) -> None:
    await server.services.insight_follower.catch_up()


async def test_three_weeks_make_a_relationship_and_silence_makes_it_fade(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob, "family", "family")
    chat = (await ann.open_direct("bob"))["id"]
    await talk(clock, ann, bob, chat)
    clock.advance(7 * DAY)
    await talk(clock, ann, bob, chat)
    await followed(server)
    assert (await ann.insight_contact("bob"))["stage"] == "contact"  # two weeks, 7 days
    clock.advance(7 * DAY)
    await talk(clock, ann, bob, chat)
    await followed(server)
    detail = await ann.insight_contact("bob")
    assert detail["stage"] == "close"  # a relationship, and the only one in the inner circle
    assert detail["circle"] == "support clique"
    assert detail["fading"] is False
    clock.advance(91 * DAY)  # past the 90-day cap
    (contact,) = (await ann.insight_contacts())["contacts"]
    assert contact["fading"] is True
    assert contact["silent_days"] == 91
    overview = await ann.insight()
    assert overview["counts"] == {
        "contacts": 1,
        "relationships": 1,
        "close": 1,
        "fading": 1,
    }
    assert overview["rules"] == {  # what made bob a relationship, for the screen to say
        "relationship_min_weeks": server.services.settings.insight_relationship_min_weeks,
        "relationship_min_span_days": server.services.settings.insight_relationship_min_span_days,
    }


async def test_strongest_first_paged_by_cursor(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann = await make_user("ann")
    others = [await make_user(name) for name in ("bob", "cyd", "dee", "eve")]
    for times, other in enumerate(others, start=1):
        await befriend(ann, other)
        assert other.user is not None
        chat = (await ann.open_direct(other.user["handle"]))["id"]
        for _ in range(times):
            await talk(clock, ann, other, chat)
            clock.advance(HOUR)
    await followed(server)
    seen, cursor = [], None
    while True:
        page = await ann.insight_contacts(cursor=cursor, limit=1)
        seen += page["contacts"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [c["handle"] for c in seen] == ["eve", "dee", "cyd", "bob"]
    strengths = [c["strength"] for c in seen]
    assert strengths == sorted(strengths, reverse=True) and 0 < strengths[-1] < strengths[0] <= 1
    assert await code_of(ann.insight_contacts(cursor="nonsense")) == (422, "bad_cursor")
    assert await status_of(ann.call("GET", "/me/insight/contacts", limit=101)) == 422
    assert await status_of(ann.call("GET", "/me/insight/contacts", limit=0)) == 422


async def test_feedback_share_and_stability_over_windows(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob)
    await befriend(ann, cyd)
    ab = (await ann.open_direct("bob"))["id"]
    ac = (await ann.open_direct("cyd"))["id"]
    for _ in range(4):  # the 28 days before the latest 28: bob and cyd
        await talk(clock, ann, bob, ab)
        await talk(clock, ann, cyd, ac)
        clock.advance(7 * DAY - 2 * HOUR)
    for week in range(4):  # the latest 28 days: bob only
        await talk(clock, ann, bob, ab)
        clock.advance(7 * DAY - HOUR if week < 3 else HOUR)
    await followed(server)
    mine = await ann.insight()
    assert mine["feedback_share"] == {"1h": 1.0, "24h": 1.0, "7d": 1.0, "ever": 1.0}
    windows = {w["window_days"]: w["jaccard"] for w in mine["stability"]["windows"]}
    assert windows[28] == 0.5  # {bob, cyd} then {bob}
    assert windows[90] == 0.0  # nothing in the 90 days before the latest 90
    circles = mine["circles"]
    assert [c["name"] for c in circles] == [
        "support clique",
        "sympathy group",
        "affinity group",
        "active network",
    ]
    assert set(circles[-1]["handles"]) == {"bob", "cyd"}
    assert circles[0]["handles"] == ["bob"]  # twice as many interactions as cyd


async def test_only_contacts_have_a_page_and_blocking_removes_one(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await make_user("dee")  # a stranger to ann
    await befriend(ann, bob)
    await befriend(ann, cyd)
    for other in (bob, cyd):
        assert other.user is not None
        await talk(clock, ann, other, (await ann.open_direct(other.user["handle"]))["id"])
    await followed(server)
    for handle in ("dee", "ann", "nobody_here"):
        assert await code_of(ann.insight_contact(handle)) == (404, "not_found")
    await cyd.block("ann")  # blocked by them: gone for ann too
    await ann.block("bob")
    for handle in ("bob", "cyd"):
        assert await code_of(ann.insight_contact(handle)) == (404, "not_found")
    assert (await ann.insight_contacts())["contacts"] == []
    overview = await ann.insight()
    assert all(c["handles"] == [] for c in overview["circles"])
    assert overview["counts"]["contacts"] == 0


async def test_nobody_learns_how_another_sees_them(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob, "acquaintance", "family")  # each side names the other
    await befriend(ann, cyd)
    chat = (await ann.open_direct("bob"))["id"]
    for _ in range(3):
        await talk(clock, bob, ann, chat)
        clock.advance(3 * DAY)
    await followed(server)
    theirs = await bob.insight_contact("ann")
    assert theirs["role"] == "family"  # bob's own word for ann, nothing of ann's
    mine = await ann.insight_contact("bob")
    assert mine["role"] == "acquaintance"
    assert set(theirs) == set(mine)  # the same fields: one's own view, nothing of the other's
    assert theirs["starts"] == {"me": 3, "them": 0} and mine["starts"] == {"me": 0, "them": 3}
    assert await status_of(cyd.insight_contact("bob")) == 404  # not cyd's contact
    assert await status_of(cyd.call("GET", "/users/ann/insight")) == 404
    anonymous = GuanxiClient(server.url)
    try:
        assert await status_of(anonymous.insight()) == 401
        assert await status_of(anonymous.insight_contact("ann")) == 401
    finally:
        await anonymous.close()
