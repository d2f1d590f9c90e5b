"""How envelopes reach the hub of every worker: directly, or through Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import redis.asyncio as aioredis

from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub

CHANNEL = "guanxi:events"
log = logging.getLogger(__name__)


class Broker(Protocol):
    hub: Hub

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def publish(self, envelope: Envelope) -> None: ...


class LocalBroker:
    """One process: publishing is delivering."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def publish(self, envelope: Envelope) -> None:
        self.hub.deliver(envelope)


class RedisBroker:
    """Several workers: every envelope goes through one Redis channel, in commit order."""

    def __init__(self, hub: Hub, url: str) -> None:
        self.hub = hub
        self._redis = aioredis.from_url(url)
        self._outbox: asyncio.Queue[Envelope] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(CHANNEL)
        self._tasks = [
            asyncio.create_task(self._send_loop(), name="guanxi-redis-send"),
            asyncio.create_task(self._receive_loop(pubsub), name="guanxi-redis-receive"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._redis.aclose()

    def publish(self, envelope: Envelope) -> None:
        self._outbox.put_nowait(envelope)

    async def _send_loop(self) -> None:
        while True:
            envelope = await self._outbox.get()
            await self._redis.publish(CHANNEL, envelope.to_wire())

    async def _receive_loop(self, pubsub: aioredis.client.PubSub) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                self.hub.deliver(Envelope.from_wire(message["data"]))
            except (ValueError, KeyError, TypeError):
                log.exception("bad envelope on %s", CHANNEL)


def make_broker(hub: Hub, redis_url: str | None) -> Broker:
    if redis_url:
        return RedisBroker(hub, redis_url)
    return LocalBroker(hub)
