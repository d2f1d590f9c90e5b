"""`guanxi serve --demo` makes a community to look around in, once, on an empty database."""

from __future__ import annotations

from guanxi.cli.demo import PASSWORD, seed_if_empty
from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.settings import Settings
from tests.conftest import RunningServer


async def test_demo_community_is_made_once_and_lived_in(
    settings: Settings, server: RunningServer
) -> None:
    now = Clock().now_ms()
    assert await seed_if_empty(settings, now) is True
    assert await seed_if_empty(settings, now) is False  # never twice, never over real users
    async with GuanxiClient(server.url) as mei:
        await mei.login("mei", PASSWORD)
        chats = await mei.conversations()
        assert {c["kind"] for c in chats} == {"direct", "group"}
        assert len(chats) >= 6
        assert any(c["unread"] > 0 for c in chats)
        friends = {f["user"]["handle"]: f["role"] for f in await mei.friends()}
        assert friends["mama"] == "family" and friends["anna"] == "colleague"
        waiting = (await mei.friend_requests())["incoming"]
        assert [r["from"]["handle"] for r in waiting] == ["zhou"]
        family = next(c for c in chats if c["name"] == "一家人")
        history = (await mei.history(family["id"]))["messages"]
        times = [m["created_at"] for m in history]
        assert times == sorted(times, reverse=True)  # weeks of history, in order
        assert times[-1] < times[0]
        assert any(m["kind"] == "image" for m in history)
        feed = (await mei.call("GET", "/moments/feed"))["moments"]
        authors = [m["author"]["handle"] for m in feed]
        assert {"mei", "mama", "anna"} <= set(authors)
        hike = next(m for m in feed if m["author"]["handle"] == "mei")
        assert len(hike["media_ids"]) == 4
        assert {c["user"]["handle"] for c in hike["comments"]} == {"mama", "lei"}
    async with GuanxiClient(server.url) as lei:
        await lei.login("lei", PASSWORD)
        feed = (await lei.call("GET", "/moments/feed"))["moments"]
        hike = next(m for m in feed if m["author"]["handle"] == "mei")
        # lei is not mama's friend: WeChat's rule hides her comment from him
        assert {c["user"]["handle"] for c in hike["comments"]} == {"lei"}
