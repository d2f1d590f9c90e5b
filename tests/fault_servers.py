"""What the fault tests run and break: `guanxi serve` workers over one database, a Redis and a
PostgreSQL cluster of the test's own (started, killed and started again on a free port, so the
shared ones other suites use are never touched), and a device that follows its event stream
across reconnections."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
import websockets

from guanxi.client import GuanxiClient
from guanxi.settings import Settings
from tests.conftest import PASSWORD, PG_URL, befriend, free_port, run_guanxi
from tests.serve_process import ServeProcess

WAITS = 1200  # looks at a condition 0.05 s apart: a minute at most, on a loaded machine

needs_postgres = pytest.mark.skipif(
    PG_URL is None,
    reason="several workers share one PostgreSQL (set GUANXI_TEST_DATABASE_URL); on SQLite one"
    " process is the rule",
)


def worker(settings: Settings, redis_url: str | None = None) -> ServeProcess:
    """A `guanxi serve` process on the test's database and data folder (leases of 6 s: a
    killed worker's work is taken over within ~8 s; shorter ones lapsed when a loaded machine
    held up a renewal) and fan-out through the suite's Redis, or through `redis_url` (a Redis
    of the test's own), on the test's channel."""
    env = {"GUANXI_REDIS_URL": redis_url} if redis_url else {}
    return ServeProcess(settings, **env)


@contextlib.asynccontextmanager
async def workers(
    settings: Settings, n: int, redis_url: str | None = None
) -> AsyncIterator[list[ServeProcess]]:
    """`n` workers started at once (one of them takes every lease: `holders` says which)."""
    started = [worker(settings, redis_url) for _ in range(n)]
    try:
        await asyncio.gather(*(process.start() for process in started))
        yield started
    finally:
        for process in started:
            await process.stop()


async def holders(settings: Settings) -> dict[str, int]:
    """`guanxi db leases`: each lease held now, by the pid of its holder."""
    status, out, err = await run_guanxi(settings, "db", "leases")
    assert status == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    return {name: int(holder.split(":")[1]) for name, holder, _ in rows}


def pid(process: ServeProcess) -> int:
    assert process.process is not None
    return process.process.pid


async def holder_first(settings: Settings, started: list[ServeProcess]) -> list[ServeProcess]:
    """The workers, the one holding every lease first (all of them: a worker takes its leases
    in one transaction, so two starting at once never split them)."""
    found = set((await holders(settings)).values())
    assert len(found) == 1, found
    return sorted(started, key=lambda process: pid(process) not in found)


async def eventually(check: Any, what: str) -> None:
    """Wait until the async `check()` is true (0.05 s apart, a minute at most)."""
    for _ in range(WAITS):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


def on(server: ServeProcess, client: GuanxiClient) -> GuanxiClient:
    """The same login, talking to another worker."""
    other = GuanxiClient(server.url, token=client.token, timeout=10)
    other.user = client.user
    return other


class Device:
    """One device of a user: follows its event stream, remembers its cursor, and reconnects
    (to any worker) with it; keeps the messages it saw, in order. With `again`, it reconnects
    by itself whenever the server closes its stream, as the web client does."""

    def __init__(self, client: GuanxiClient, *, again: bool = False) -> None:
        self.client = client
        self.again = again
        self.cursor: int | None = None
        self.seen: list[str] = []  # client ids of the messages received, in order
        self.connections = 0
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def follow(self, client: GuanxiClient | None = None) -> None:
        """Connect (through `client`'s worker, if given) and follow the stream."""
        self.client = client or self.client
        self.connected = asyncio.Event()
        self._task = asyncio.create_task(self._follow())

    async def ended(self) -> None:
        assert self._task is not None
        with contextlib.suppress(websockets.ConnectionClosed, OSError):
            await self._task

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
                await self._task

    async def _follow(self) -> None:
        while True:
            with contextlib.suppress(websockets.ConnectionClosed, OSError):
                await self._connection()
            if not self.again:
                return
            await asyncio.sleep(0.05)  # a device's backoff

    async def _connection(self) -> None:
        async with self.client.events(cursor=self.cursor) as stream:
            async for event in stream:
                if event["type"] == "ready":
                    self.connections += 1
                    self.connected.set()
                if event["type"] == "message.created":
                    self.seen.append(event["message"]["client_id"])
                if isinstance(event.get("cursor"), int):
                    self.cursor = event["cursor"]


async def pair(server: ServeProcess) -> tuple[GuanxiClient, GuanxiClient, int]:
    """Mei and Lei, friends, registered through `server`, and their direct chat."""
    mei = GuanxiClient(server.url, timeout=10)
    lei = GuanxiClient(server.url, timeout=10)
    await mei.register("mei", PASSWORD, "Mei")
    await lei.register("lei", PASSWORD, "Lei")
    await befriend(mei, lei, "family", "family")
    chat = (await mei.open_direct("lei"))["id"]
    return mei, lei, chat


async def all_client_ids(client: GuanxiClient, chat: int) -> list[str]:
    """The chat's messages, oldest first, by client id."""
    found: list[dict[str, Any]] = []
    before = None
    while True:
        page = await client.history(chat, before=before, limit=200)
        found.extend(page["messages"])
        if not page["has_more"]:
            return [str(m["client_id"]) for m in reversed(found)]
        before = page["messages"][-1]["seq"]


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
        )
        client = aioredis.from_url(self.url)
        try:
            await eventually(lambda: _pings(client), "the private Redis answers")
        finally:
            await client.aclose()
            await client.connection_pool.disconnect()

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def _pings(client: aioredis.Redis) -> bool:
    try:
        return bool(await client.ping())
    except (OSError, aioredis.ConnectionError):
        return False


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, in a temporary folder, on a free port. As root
    it runs as the `postgres` user (PostgreSQL refuses to run as root)."""

    def __init__(self, binaries: Path) -> None:
        self.bin = binaries
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="guanxi-pg-"))  # not under root's 0700 tmp
        self.data = self.folder / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.user = "postgres" if os.geteuid() == 0 else None

    def init(self) -> None:
        if self.user is not None:
            shutil.chown(self.folder, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """As a crash would: no checkpoint, the connections cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            user=self.user,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )
