"""Live events go on when the connections to Redis drop (Redis restarted, a network cut):
the worker subscribes again, and what was published meanwhile is read from the log."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from guanxi.settings import Settings
from tests.conftest import REDIS_URL, UserFactory, befriend, ready


async def _cut(channel: str) -> int:
    """Close every connection of the community's workers to Redis, as a restart does (they
    are named for the channel); how many were cut."""
    assert REDIS_URL is not None
    admin = aioredis.from_url(REDIS_URL)
    try:
        mine = [c for c in await admin.client_list() if c.get("name") == channel]
        for client in mine:
            await admin.client_kill_filter(_id=client["id"])
        return len(mine)
    finally:
        await admin.aclose()


@pytest.mark.skipif(REDIS_URL is None, reason="needs Redis")
async def test_live_events_go_on_after_the_connections_to_redis_drop(
    make_user: UserFactory, settings: Settings
) -> None:
    assert settings.redis_channel is not None
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    async with lei.events() as stream:
        await ready(stream)
        await mei.send(chat, "before")
        assert (await stream.next_of("message.created"))["message"]["text"] == "before"
        assert await _cut(settings.redis_channel) >= 1  # the subscription's, at least
        for text in ("after", "and after"):
            await mei.send(chat, text)
        received = [await stream.next_of("message.created") for _ in range(2)]
    assert [m["message"]["text"] for m in received] == ["after", "and after"]
    assert received[0]["cursor"] < received[1]["cursor"]
