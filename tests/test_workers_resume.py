"""Several workers on one PostgreSQL and Redis: every device's stream is exact.

The test's own server and `guanxi serve --workers 2` (three workers) share one database and
one Redis. Senders send at once into several groups through every worker; devices read
their event streams through any worker and reconnect with their cursors at random moments.
At the end each device's stream is checked against the database (the groups' histories):
every message once, nothing doubled, in order.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.settings import Settings
from tests.conftest import RunningServer, UserFactory, befriend, ready
from tests.serve_process import ServeProcess, needs_postgresql_and_redis

pytestmark = needs_postgresql_and_redis

SENDERS = 8
DEVICES = 10
GROUPS = 4
MESSAGES_EACH = 75  # 600 messages, each to the 10 devices
FRAMES_BEFORE_HANGING_UP = (1, 40)


@pytest.fixture
async def workers(server: RunningServer, settings: Settings) -> AsyncIterator[list[str]]:
    """Three workers: the test's own server and `guanxi serve --workers 2` beside it."""
    process = ServeProcess(settings, "--workers", "2")
    await process.start()
    try:
        yield [server.url, process.url]
    finally:
        await process.stop()


class Device:
    """One user's device: reads its stream through any worker, hangs up now and then, and
    comes back with its cursor."""

    def __init__(self, token: str, urls: list[str], rng: random.Random) -> None:
        self.clients = [GuanxiClient(url, token) for url in urls]
        self.rng = rng
        self.cursor: int | None = None
        self.frames: list[dict[str, Any]] = []  # the message.created frames, as received
        self.reconnects = 0

    async def start(self) -> None:
        """The first connection, before anything is sent: the cursor to resume from."""
        async with self.clients[0].events() as stream:
            first = await stream.next()
            assert first["type"] == "ready", first
            self.cursor = first["cursor"]

    async def run(self, done: asyncio.Event) -> None:
        """Connect, read a random number of frames, hang up; again until the senders are
        done. Then once more, up to `ready`: everything sent by then is in the replay."""
        while not done.is_set():
            await self._session(self.rng.randint(*FRAMES_BEFORE_HANGING_UP), done)
            self.reconnects += 1
        await self._session(0, done)

    async def _session(self, frames: int, done: asyncio.Event) -> None:
        async with self.rng.choice(self.clients).events(self.cursor) as stream:
            while (event := await stream.next(timeout=None))["type"] != "ready":
                self._take(event)  # the replay
            for _ in range(frames):
                event = await _next_unless(stream, done)
                if event is None:
                    break
                self._take(event)
            if stream.cursor is not None:
                self.cursor = stream.cursor

    def _take(self, event: dict[str, Any]) -> None:
        assert event["type"] != "resync", event
        if event["type"] == "message.created":
            self.frames.append(event)

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


async def _next_unless(stream: Any, done: asyncio.Event) -> dict[str, Any] | None:
    """The next frame, or None once `done` is set first."""
    reading = asyncio.ensure_future(stream.next(timeout=None))
    stopping = asyncio.ensure_future(done.wait())
    await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if reading.done():
        event: dict[str, Any] = reading.result()
        return event
    reading.cancel()
    return None


async def _people(
    make_user: UserFactory, urls: list[str]
) -> tuple[list[GuanxiClient], list[GuanxiClient], list[int]]:
    """Senders (each through its worker) and device owners, every one a friend of the first
    sender, who makes the groups with them all."""
    senders = [await make_user(f"sender{i}") for i in range(SENDERS)]
    owners = [await make_user(f"device{i}") for i in range(DEVICES)]
    everyone = senders[1:] + owners
    for other in everyone:
        await befriend(senders[0], other)
    handles = [c.user["handle"] for c in everyone if c.user is not None]
    groups = [(await senders[0].create_group(f"g{g}", handles))["id"] for g in range(GROUPS)]
    through = [GuanxiClient(urls[i % len(urls)], s.token) for i, s in enumerate(senders)]
    return through, owners, groups


async def _send_all(sender: GuanxiClient, groups: list[int], rng: random.Random) -> None:
    for n in range(MESSAGES_EACH):
        await sender.send(rng.choice(groups), f"{sender.user and sender.user['handle']} {n}")


async def _history(client: GuanxiClient, group: int) -> list[tuple[int, int]]:
    """The group's messages in the database, as (conversation, seq), oldest first."""
    found: list[tuple[int, int]] = []
    before = None
    while True:
        page = await client.history(group, before=before, limit=200)  # newest first
        messages = page["messages"]
        # the senders' messages: not the group's own lines ("… created the group", "… added …")
        found += [(group, m["seq"]) for m in messages if m["kind"] != "system"]
        if not page["has_more"]:
            return sorted(found)
        before = messages[-1]["seq"]


async def test_every_device_gets_every_message_once_in_order_across_workers(
    workers: list[str], make_user: UserFactory
) -> None:
    rng = random.Random(os.environ.get("GUANXI_TEST_SEED") or None)
    senders, owners, groups = await _people(make_user, workers)
    devices = [Device(o.token or "", workers, random.Random(rng.random())) for o in owners]
    try:
        for device in devices:
            await device.start()
        done = asyncio.Event()
        reading = [asyncio.create_task(d.run(done)) for d in devices]
        await asyncio.gather(*(_send_all(s, groups, random.Random(rng.random())) for s in senders))
        done.set()
        await asyncio.gather(*reading)
        stored = [key for group in groups for key in await _history(senders[0], group)]
        assert len(stored) == SENDERS * MESSAGES_EACH
        for device in devices:
            _check(device, set(stored))
        assert sum(d.reconnects for d in devices) >= DEVICES  # they did come back midway
    finally:
        for client in senders:
            await client.close()
        for device in devices:
            await device.close()


def _check(device: Device, stored: set[tuple[int, int]]) -> None:
    received = [(f["message"]["conversation_id"], f["message"]["seq"]) for f in device.frames]
    cursors = [f["cursor"] for f in device.frames]
    missing = stored - set(received)
    assert not missing, f"{len(missing)} of {len(stored)} never reached the device"
    assert len(received) == len(set(received)), "a message reached the device twice"
    assert cursors == sorted(cursors), "the stream's cursors went back"
    for group in {g for g, _ in stored}:
        seqs = [seq for g, seq in received if g == group]
        assert seqs == sorted(seqs), f"group {group}'s messages out of order"


async def test_an_event_that_never_came_through_redis_is_read_from_the_log(
    server: RunningServer, settings: Settings, clock: Clock, make_user: UserFactory
) -> None:
    """A worker that commits and publishes nothing (killed between the two, or here one run
    without Redis): the next event waits for the one missing, then the device's socket reads
    it from the log, and both arrive in order."""
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    silent = RunningServer(settings.model_copy(update={"redis_url": None}), clock)
    await silent.start()
    through_silent = GuanxiClient(silent.url, mei.token)
    try:
        async with lei.events() as stream:
            await ready(stream)
            await through_silent.send(chat, "committed, never published")
            await mei.send(chat, "published")
            first = await stream.next_of("message.created")
            second = await stream.next_of("message.created")
        assert [first["message"]["text"], second["message"]["text"]] == [
            "committed, never published",
            "published",
        ]
        assert first["cursor"] < second["cursor"]
    finally:
        await through_silent.close()
        await silent.stop()
