"""Redis restarted mid-stream, under two workers (a Redis of the test's own, on a free port):
sending goes on (Redis only carries live pushes between workers), live delivery resumes once
Redis is back, and a device that missed pushes meanwhile gets them (its worker reads them from
the log, or the device resumes from its cursor) — each message once, in order."""

from __future__ import annotations

import shutil

import pytest

from guanxi.settings import Settings
from tests.fault_servers import (
    Device,
    PrivateRedis,
    all_client_ids,
    eventually,
    needs_postgres,
    on,
    pair,
    workers,
)

pytestmark = [
    needs_postgres,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


async def test_delivery_resumes_after_redis_restarts(settings: Settings) -> None:
    redis = PrivateRedis()
    await redis.start()
    try:
        async with workers(settings, 2, redis.url) as (first, second):
            mei, lei, chat = await pair(first)
            lei_there = on(second, lei)
            phone = Device(lei_there, again=True)  # on the other worker: pushes come via Redis
            phone.follow()
            await phone.connected.wait()
            await mei.send(chat, "before", client_id="before")
            await eventually(lambda: _has(phone, "before"), "a push through Redis")

            await redis.kill()
            for n in range(5):  # acknowledged: the database has them, Redis only fans out
                await mei.send(chat, f"during {n}", client_id=f"during-{n}")
            await redis.start()

            looks = 0

            async def resumed() -> bool:  # a new message each second until one comes live
                nonlocal looks
                if looks % 20 == 0:
                    n = looks // 20
                    await mei.send(chat, f"after {n}", client_id=f"after-{n}")
                looks += 1
                return any(seen.startswith("after-") for seen in phone.seen)

            await eventually(resumed, "live delivery through the restarted Redis")
            stored = await all_client_ids(lei_there, chat)

            async def caught_up() -> bool:
                return phone.seen == stored

            await eventually(caught_up, "the phone has every message, once, in order")
            await phone.stop()
            for client in (mei, lei, lei_there):
                await client.close()
    finally:
        await redis.kill()


async def _has(device: Device, client_id: str) -> bool:
    return client_id in device.seen
