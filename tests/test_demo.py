"""`guanxi serve --demo` makes a community to look around in, once, on an empty database:
half a year of history in the rhythms of real ties."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from guanxi.cli.demo import PASSWORD, seed_if_empty
from guanxi.cli.demo_history import history
from guanxi.client import GuanxiClient
from guanxi.settings import Settings
from tests.conftest import RunningServer

DAY_MS = 86_400_000
# a Wednesday afternoon (UTC): the weekday and hour checks below need a known day
NOW = int(datetime(2026, 12, 2, 15, 30, tzinfo=UTC).timestamp() * 1000)


async def _everything(client: GuanxiClient, conversation_id: int) -> list[dict[str, Any]]:
    """Every message of a chat, oldest first (the API pages newest first)."""
    messages: list[dict[str, Any]] = []
    before = None
    while True:
        page = (await client.history(conversation_id, before=before, limit=100))["messages"]
        messages.extend(page)
        if len(page) < 100:
            return sorted(messages, key=lambda m: m["seq"])
        before = min(m["seq"] for m in page)


def _ms(message: dict[str, Any]) -> int:
    return int(datetime.fromisoformat(message["created_at"]).timestamp() * 1000)


def _days_ago(message: dict[str, Any]) -> float:
    return (NOW - _ms(message)) / DAY_MS


def _weeks(messages: list[dict[str, Any]]) -> set[tuple[int, int]]:
    return {datetime.fromtimestamp(_ms(m) / 1000, UTC).isocalendar()[:2] for m in messages}


async def test_demo_community_is_made_once_and_lived_in(
    settings: Settings, server: RunningServer
) -> None:
    assert await seed_if_empty(settings, NOW) is True
    assert await seed_if_empty(settings, NOW) is False  # never twice, never over real users
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
        history_page = (await mei.history(family["id"]))["messages"]
        times = [m["created_at"] for m in history_page]
        assert times == sorted(times, reverse=True)  # months of history, in order
        assert times[-1] < times[0]
        assert any(m["kind"] == "image" for m in history_page)
        feed = (await mei.call("GET", "/moments/feed"))["moments"]
        authors = [m["author"]["handle"] for m in feed]
        assert {"mei", "mama", "anna"} <= set(authors)
        hike = next(m for m in feed if m["author"]["handle"] == "mei")
        assert len(hike["media_ids"]) == 4
        assert {c["user"]["handle"] for c in hike["comments"]} == {"mama", "anna"}
    async with GuanxiClient(server.url) as anna:
        await anna.login("anna", PASSWORD)
        feed = (await anna.call("GET", "/moments/feed"))["moments"]
        hike = next(m for m in feed if m["author"]["handle"] == "mei")
        # anna is not mama's friend: WeChat's rule hides mama's comment from her
        assert {c["user"]["handle"] for c in hike["comments"]} == {"anna"}


async def test_demo_history_has_the_rhythms_of_real_ties(
    settings: Settings, server: RunningServer
) -> None:
    assert await seed_if_empty(settings, NOW) is True
    async with GuanxiClient(server.url) as mei:
        await mei.login("mei", PASSWORD)
        chats = {(c["peer"] or {}).get("handle") or c["name"]: c for c in await mei.conversations()}
        mama = await _everything(mei, chats["mama"]["id"])
        # family: close and steady, several times a week for half a year, until this week
        assert _days_ago(mama[0]) > 170 and _days_ago(mama[-1]) < 3
        assert len(_weeks(mama)) >= 22 and len(mama) >= 150
        assert {m["sender"] for m in mama} == {"mama", "mei"}
        # classmates: lively months ago, silent for the last four months
        lei = await _everything(mei, chats["lei"]["id"])
        assert len(lei) >= 20 and len(_weeks(lei)) >= 5
        assert _days_ago(lei[0]) > 150 and 120 < _days_ago(lei[-1]) < 135
        for handle in ("tao", "yun"):
            classmate = await _everything(mei, chats[handle]["id"])
            assert classmate and min(_days_ago(m) for m in classmate) > 120
        # colleagues: weekdays, working hours
        for chat in (chats["anna"], chats["ben"], chats["Product team 产品组"]):
            for message in await _everything(mei, chat["id"]):
                if message["kind"] == "system":  # the group's lines ("created") are not talk
                    continue
                at = datetime.fromtimestamp(_ms(message) / 1000, UTC)
                assert at.weekday() < 5 and 8 <= at.hour < 19, (chat["name"], message)
        # 樊宇, met in the hiking group: a friend on paper, two days of talk, nothing since
        friends = {f["user"]["handle"]: f for f in await mei.friends()}
        assert friends["fan"]["role"] == "acquaintance"
        fan = await _everything(mei, chats["fan"]["id"])
        days = {datetime.fromtimestamp(_ms(m) / 1000, UTC).date() for m in fan}
        assert len(days) == 2 and _days_ago(fan[-1]) > 45
        hikers = await mei.call("GET", f"/conversations/{chats['周末徒步 Weekend hikes']['id']}")
        assert hikers["kind"] == "group"
        # the served history is the generated one, line for line
        today = NOW - NOW % DAY_MS
        generated = [(ln.at_ms, ln.text) for ln in history(today) if ln.chat == "dm:mama:mei"]
        served = {(_ms(m), m["text"]) for m in mama}
        assert generated and set(generated) <= served
