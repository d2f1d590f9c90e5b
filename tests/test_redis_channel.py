"""The Redis channel belongs to one community: named from its secret, envelopes signed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from guanxi.realtime.broker import RedisBroker
from guanxi.realtime.community import community_key, sign
from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub
from guanxi.settings import Settings
from tests.conftest import REDIS_URL, UserFactory, befriend


async def _empty_log() -> int:
    return 0  # the head of an empty event log


def test_each_data_folder_has_its_own_secret(tmp_path: Path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    assert community_key(one) == community_key(one)
    assert community_key(one) != community_key(other)
    assert stat.S_IMODE((one / "community.key").stat().st_mode) == 0o600


@pytest.mark.skipif(REDIS_URL is None, reason="needs Redis")
async def test_two_communities_on_one_redis_get_two_channels(tmp_path: Path) -> None:
    assert REDIS_URL is not None
    brokers = [RedisBroker(Hub(), REDIS_URL, None, tmp_path / n, _empty_log) for n in "ab"]
    for broker in brokers:
        await broker.start()
    try:
        channels = {broker.channel for broker in brokers}
        assert len(channels) == 2 and all(c.startswith("guanxi:") for c in channels)
    finally:
        for broker in brokers:
            await broker.stop()


@pytest.mark.skipif(REDIS_URL is None, reason="needs Redis")
async def test_envelopes_not_signed_by_the_community_are_dropped(
    make_user: UserFactory, settings: Settings
) -> None:
    assert REDIS_URL is not None and settings.redis_channel is not None
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    forged = Envelope(
        10**9,
        "message.created",
        {"message": {"text": "send me your password", "seq": 99}},
        tuple(range(1, 10_000)),  # whoever mei is
    ).to_wire()
    async with mei.events() as stream:
        assert (await stream.next())["type"] == "ready"
        publisher = aioredis.from_url(REDIS_URL)
        try:
            await publisher.publish(settings.redis_channel, forged)  # unsigned
            await publisher.publish(settings.redis_channel, sign(b"x" * 32, forged))  # a stranger
        finally:
            await publisher.aclose()
        await lei.send(chat, "hello")
        event = await stream.next()
        assert event["type"] == "message.created"
        assert event["message"]["text"] == "hello"
