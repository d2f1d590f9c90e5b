"""How envelopes reach the hub of every worker: directly, or through Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from guanxi.realtime.community import community_id, community_key, sign, verify
from guanxi.realtime.envelope import Envelope
from guanxi.realtime.hub import Hub
from guanxi.realtime.sequencer import Sequencer

COMPLAIN_EVERY_SECONDS = 60
STOP_SECONDS = 5
RESUBSCRIBE_SECONDS = 0.5  # after the subscription's connection dropped, between tries
log = logging.getLogger(__name__)
Head = Callable[[], Awaitable[int]]  # the newest event id in the log


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
    """Several workers: every envelope goes through one Redis channel, signed with the
    community's secret (realtime/community.py); unsigned ones are dropped. Each worker
    publishes its own in commit order; what arrives from all of them is put back in cursor
    order by a `Sequencer` before the hub sees it."""

    def __init__(self, hub: Hub, url: str, channel: str | None, data_dir: Path, head: Head) -> None:
        self.hub = hub
        self._head = head
        self._sequencer = Sequencer(hub)
        self.channel = channel or ""
        self._wanted_channel = channel
        self._data_dir = data_dir
        self._key = b""
        self._complained: dict[str, float] = {}
        self._url = url
        self._redis: aioredis.Redis | None = None
        self._outbox: asyncio.Queue[Envelope | None] = asyncio.Queue()
        self._pubsub: aioredis.client.PubSub | None = None
        self._sender: asyncio.Task[None] | None = None
        self._receiver: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._key = community_key(self._data_dir)
        self.channel = self._wanted_channel or f"guanxi:{community_id(self._key)}:events"
        # Named for the channel, so `CLIENT LIST` shows which connections are this community's.
        self._redis = aioredis.from_url(self._url, client_name=self.channel)
        self._pubsub = await self._subscribe()
        # Read after subscribing: an event up to the head is in the log for every socket's
        # replay, and the first to come through the channel is the one after it.
        self._sequencer.start_at(await self._head())
        self._sender = asyncio.create_task(self._send_loop(), name="guanxi-redis-send")
        self._receiver = asyncio.create_task(self._receive_loop(), name="guanxi-redis-receive")

    async def _subscribe(self) -> aioredis.client.PubSub:
        assert self._redis is not None
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.channel)
        return pubsub

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
        self._sequencer.stop()
        await self._drop_subscription()
        if self._redis is not None:
            await self._redis.aclose()

    async def _drop_subscription(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
            self._pubsub = None

    def publish(self, envelope: Envelope) -> None:
        self._outbox.put_nowait(envelope)

    async def _send_loop(self) -> None:
        """Publish in commit order. An envelope Redis refuses (it is down, restarting) is
        dropped, not retried, and the loop goes on: the other workers' sequencers give its
        cursor up after a second and their sockets read it from the log."""
        assert self._redis is not None
        while (envelope := await self._outbox.get()) is not None:
            try:
                await self._redis.publish(self.channel, sign(self._key, envelope.to_wire()))
            except RedisError:
                self._complain("Redis refused envelopes (devices read them from the log)")

    async def _receive_loop(self) -> None:
        """Receive until stopped. When the subscription's connection drops (Redis restarted),
        subscribe again; what was published meanwhile never comes, so every socket first reads
        it from the log (`Sequencer.restart_at`)."""
        while True:
            try:
                if self._pubsub is None:
                    self._pubsub = await self._subscribe()
                    self._sequencer.restart_at(await self._head())
                await self._receive(self._pubsub)
            except Exception:
                self._complain("lost the subscription to Redis; subscribing again")
            await self._drop_subscription()
            await asyncio.sleep(RESUBSCRIBE_SECONDS)

    async def _receive(self, pubsub: aioredis.client.PubSub) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            data = verify(self._key, message["data"])
            if data is None:
                self._complain("dropped an envelope not signed by this community")
                continue
            try:
                self._sequencer.take(Envelope.from_wire(data))
            except (ValueError, KeyError, TypeError):
                log.exception("bad envelope on %s", self.channel)

    def _complain(self, what: str) -> None:
        """A warning about the channel, at most once a minute for each kind."""
        now = time.monotonic()
        if now - self._complained.get(what, -COMPLAIN_EVERY_SECONDS) >= COMPLAIN_EVERY_SECONDS:
            self._complained[what] = now
            log.warning("%s: %s", self.channel, what)


def make_broker(
    hub: Hub, redis_url: str | None, channel: str | None, data_dir: Path, head: Head
) -> Broker:
    if redis_url:
        return RedisBroker(hub, redis_url, channel, data_dir, head)
    return LocalBroker(hub)
