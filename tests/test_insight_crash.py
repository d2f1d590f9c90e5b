"""Killing `guanxi serve` with -9 while its insight follower works, and starting it again,
leaves insight equal to a rebuild from history: the follower's statistics and checkpoint
commit together, so nothing is lost and nothing is applied twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from guanxi.client import ApiError, GuanxiClient
from guanxi.settings import Settings
from tests.conftest import PASSWORD, befriend
from tests.insight_state import equals_a_rebuild, months_total
from tests.test_crash import ServerProcess

SENDS = 160
WAITS = 600  # looks at the insight page, 0.05 s apart, until the follower has caught up


@pytest.fixture
async def process(settings: Settings) -> AsyncIterator[ServerProcess]:
    server = ServerProcess(settings)
    await server.start()
    yield server
    await server.stop()


async def _talk(
    client: GuanxiClient, chat: int, n: int, acked: list[int], quarter: asyncio.Event
) -> None:
    try:
        sent = await client.send(chat, f"message {n}", client_id=f"insight-{n}")
        if n % 5 == 0:
            await client.react(chat, sent["seq"], "👍")  # one's own message: counts nowhere
    except (httpx.TransportError, ApiError):
        return
    acked.append(n)
    if len(acked) >= SENDS // 4:
        quarter.set()


async def _stored(client: GuanxiClient, chat: int) -> int:
    return len((await client.history(chat, limit=200))["messages"])


async def test_insight_after_kill_9_equals_a_rebuild(
    process: ServerProcess, settings: Settings
) -> None:
    mei = GuanxiClient(process.url, timeout=10)
    lei = GuanxiClient(process.url, timeout=10)
    await mei.register("mei", PASSWORD, "Mei")
    await lei.register("lei", PASSWORD, "Lei")
    await befriend(mei, lei, "family", "family")
    chat = (await mei.open_direct("lei"))["id"]
    acked: list[int] = []
    quarter = asyncio.Event()
    talk = [
        asyncio.create_task(_talk(mei if n % 2 else lei, chat, n, acked, quarter))
        for n in range(SENDS)
    ]
    await quarter.wait()
    await process.kill()
    await asyncio.gather(*talk)

    await process.start()
    await mei.login("mei", PASSWORD)
    await lei.login("lei", PASSWORD)
    await lei.send(chat, "after the crash")
    stored = await _stored(mei, chat)
    for _ in range(WAITS):  # the restarted server's follower catches up
        if await months_total(mei, "lei") == stored:
            break
        await asyncio.sleep(0.05)
    assert await months_total(mei, "lei") == stored
    await process.stop()
    await mei.close()
    await lei.close()

    assert await equals_a_rebuild(settings)
