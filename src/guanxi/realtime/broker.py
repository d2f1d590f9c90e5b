"""How envelopes reach the hub of every worker: directly, or through Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Protocol

import redis.asyncio as aioredis

from guanxi.realtime.community import community_id, community_key, sign, verify
from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub

COMPLAIN_EVERY_SECONDS = 60
STOP_SECONDS = 5
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
    """Several workers: every envelope goes through one Redis channel, in commit order,
    signed with the community's secret (realtime/community.py); unsigned ones are dropped."""

    def __init__(self, hub: Hub, url: str, channel: str | None, data_dir: Path) -> None:
        self.hub = hub
        self.channel = channel or ""
        self._wanted_channel = channel
        self._data_dir = data_dir
        self._key = b""
        self._complained = 0.0
        self._redis = aioredis.from_url(url)
        self._outbox: asyncio.Queue[Envelope | None] = asyncio.Queue()
        self._pubsub: aioredis.client.PubSub | None = None
        self._sender: asyncio.Task[None] | None = None
        self._receiver: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._key = community_key(self._data_dir)
        self.channel = self._wanted_channel or f"guanxi:{community_id(self._key)}:events"
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(self.channel)
        self._sender = asyncio.create_task(self._send_loop(), name="guanxi-redis-send")
        self._receiver = asyncio.create_task(
            self._receive_loop(self._pubsub), name="guanxi-redis-receive"
        )

    async def stop(self) -> None:
        """Publish what is queued, then stop. The sender ends on a sentinel, not by
        cancellation: redis-py can swallow a CancelledError raised inside a command, which
        left a cancelled sender waiting forever."""
        if self._sender is not None:
            self._outbox.put_nowait(None)
            await asyncio.wait({self._sender}, timeout=STOP_SECONDS)
            self._sender.cancel()
        if self._receiver is not None:
            self._receiver.cancel()
            await asyncio.wait({self._receiver}, timeout=STOP_SECONDS)
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
        await self._redis.aclose()

    def publish(self, envelope: Envelope) -> None:
        self._outbox.put_nowait(envelope)

    async def _send_loop(self) -> None:
        while (envelope := await self._outbox.get()) is not None:
            await self._redis.publish(self.channel, sign(self._key, envelope.to_wire()))

    async def _receive_loop(self, pubsub: aioredis.client.PubSub) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            data = verify(self._key, message["data"])
            if data is None:
                self._complain()
                continue
            try:
                self.hub.deliver(Envelope.from_wire(data))
            except (ValueError, KeyError, TypeError):
                log.exception("bad envelope on %s", self.channel)

    def _complain(self) -> None:
        now = time.monotonic()
        if now - self._complained >= COMPLAIN_EVERY_SECONDS:
            self._complained = now
            log.warning("dropped an envelope on %s not signed by this community", self.channel)


def make_broker(hub: Hub, redis_url: str | None, channel: str | None, data_dir: Path) -> Broker:
    if redis_url:
        return RedisBroker(hub, redis_url, channel, data_dir)
    return LocalBroker(hub)
