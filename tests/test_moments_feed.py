"""The feed query against the pure rules: a small circle posts moments to every kind of audience,
with tags as odd as the API allows, time windows, hide switches and many moments sharing a
time; every viewer's feed and every page are walked a few moments at a time and compared with
what `visibility.may_see` says, and so is moment search."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.moments.visibility import Post, Tie, may_see
from tests import configured
from tests.conftest import UserFactory, befriend

DAY = 86_400
# Randomized communities: each member posts dozens of moments at one instant of the fixed
# clock, as no person does; the rate limits are tested in tests/test_rate_limits.py.
pytestmark = pytest.mark.rate_limits_off

HANDLES = ("aaa", "bbb", "ccc", "ddd", "eee")
STRANGERS = {("ddd", "eee")}
TAGS = ["家人", 'say "hi"', "it's", "a,b", "{x}", "back\\slash", "%_", "🌸", "[1]", "Work"]
WORDS = ["Spring 春天", "spring", "SPRING!", "100% sure", "snake_case", "平常的一天"]


clock = configured.clock  # time stands still unless a test moves it


@dataclass
class Circle:
    """What the test did, to ask the rules what each viewer should see."""

    clients: dict[str, GuanxiClient]
    ids: dict[str, int] = field(default_factory=lambda: {h: i for i, h in enumerate(HANDLES)})
    tags: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (author, viewer)
    hide_mine: set[tuple[str, str]] = field(default_factory=set)  # author hides from viewer
    hide_theirs: set[tuple[str, str]] = field(default_factory=set)  # viewer hides author
    windows: dict[str, str] = field(default_factory=dict)
    posts: list[tuple[int, str, Post, str]] = field(default_factory=list)  # id, author, …, text

    def tie(self, author: str, viewer: str) -> Tie | None:
        if {(author, viewer), (viewer, author)} & STRANGERS:
            return None
        return Tie(
            frozenset(self.tags.get((author, viewer), [])),
            (author, viewer) in self.hide_mine,
            (viewer, author) in self.hide_theirs,
        )

    def expected(self, viewer: str, now_ms: int, *, for_feed: bool) -> list[tuple[int, str]]:
        seen = [
            (post.created_at, moment_id, author, text)
            for moment_id, author, post, text in self.posts
            if author == viewer
            or may_see(
                self.ids[viewer],
                post,
                self.tie(author, viewer),
                setting=self.windows.get(author, "all"),
                now_ms=now_ms,
                for_feed=for_feed,
            )
        ]
        return [(moment_id, author) for _, moment_id, author, _ in sorted(seen, reverse=True)]


async def walk(client: GuanxiClient, handle: str | None, limit: int) -> list[tuple[int, str]]:
    """Every moment of the feed (or of `handle`'s page), `limit` at a time."""
    found: list[tuple[int, str]] = []
    cursor = None
    while True:
        if handle is None:
            page = await client.feed(cursor=cursor, limit=limit)
        else:
            page = await client.user_moments(handle, cursor=cursor, limit=limit)
        found += [(m["id"], m["author"]["handle"]) for m in page["moments"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def build(make_user: UserFactory, clock: FixedClock, rnd: random.Random) -> Circle:
    circle = Circle({h: await make_user(h) for h in HANDLES})
    for i, a in enumerate(HANDLES):
        for b in HANDLES[i + 1 :]:
            if (a, b) not in STRANGERS:
                await befriend(circle.clients[a], circle.clients[b])
                await tag_both_ways(circle, a, b, rnd)
    await post_some(circle, clock, rnd, 8)
    await circle.clients["aaa"].update_me(moments_visible="3d")
    await circle.clients["bbb"].update_me(moments_visible="6m")
    circle.windows |= {"aaa": "3d", "bbb": "6m"}
    clock.advance(4 * DAY)  # aaa's moments so far are now outside aaa's window
    await post_some(circle, clock, rnd, 6)
    return circle


async def tag_both_ways(circle: Circle, a: str, b: str, rnd: random.Random) -> None:
    """Each side's tags on the other, and now and then a hide switch."""
    for me, friend in ((a, b), (b, a)):
        tags = rnd.sample(TAGS, rnd.randrange(0, 4))
        changes: dict[str, object] = {"tags": tags}
        circle.tags[(me, friend)] = tags
        if rnd.random() < 0.15:
            changes["hide_my_moments"] = True
            circle.hide_mine.add((me, friend))
        if rnd.random() < 0.15:
            changes["hide_their_moments"] = True
            circle.hide_theirs.add((me, friend))
        await circle.clients[me].update_friend(friend, **changes)


async def post_some(circle: Circle, clock: FixedClock, rnd: random.Random, each: int) -> None:
    for _ in range(each * len(HANDLES)):
        author = rnd.choice(HANDLES)
        audience = rnd.choice(["all", "all", "only", "only", "except", "except", "private"])
        tags = rnd.sample(TAGS, rnd.randrange(1, 4)) if audience in ("only", "except") else []
        text = f"{rnd.choice(WORDS)} #{len(circle.posts)}"
        moment = await circle.clients[author].post_moment(text, audience=audience, tags=tags)
        post = Post(circle.ids[author], audience, frozenset(tags), clock.now_ms())
        circle.posts.append((moment["id"], author, post, text))
        clock.advance(rnd.choice([0, 0, 0.001, 1]))  # many moments share a time


async def test_feed_and_pages_follow_the_rules(make_user: UserFactory, clock: FixedClock) -> None:
    circle = await build(make_user, clock, random.Random(3))
    for viewer, client in circle.clients.items():
        expected = circle.expected(viewer, clock.now_ms(), for_feed=True)
        assert len(expected) > 5, viewer
        assert await walk(client, None, 3) == expected, viewer
        assert await walk(client, None, 100) == expected, viewer
        pages = circle.expected(viewer, clock.now_ms(), for_feed=False)
        for author in HANDLES:
            page = [m for m in pages if m[1] == author]
            assert await walk(client, author, 4) == page, (viewer, author)


async def test_moment_search_follows_the_rules(make_user: UserFactory, clock: FixedClock) -> None:
    circle = await build(make_user, clock, random.Random(5))
    texts = {moment_id: text for moment_id, _, _, text in circle.posts}
    for viewer, client in circle.clients.items():
        visible = circle.expected(viewer, clock.now_ms(), for_feed=False)
        for q in ("spring", "SPRING", "春天", "100%", "%", "_case", "_", "#1"):
            expected = [m for m, _ in visible if q.lower() in texts[m].lower()][:10]
            found = (await client.search(q, limit=10))["moments"]
            assert [m["id"] for m in found] == expected, (viewer, q)
